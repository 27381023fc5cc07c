"""Load the demo data: regions, the 50 member municipalities, partners, fictional people and
three demo log-ins.

Idempotent and non-destructive: what exists already is left as it is (so the run command can
call it at every start without undoing edits made in the app), and a second run writes nothing.
Only the three demo log-ins are put back in working order (password, verified address, staff
flag), because the log-ins printed at the end must work.

The municipalities come from members/data/municipalities.csv. The people are fictional: names
are drawn with a fixed seed from the lists below, so every run produces the same set.
"""

import csv
import random
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from members import services
from members.models import EmailDomain, Organisation, Person, Region, User

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
MUNICIPALITIES_CSV = DATA_DIR / "municipalities.csv"

DEMO_PASSWORD = "vzhg-demo-2026"
# All 50 have been members since the municipal mergers of 1 January 2023.
MEMBER_SINCE = date(2023, 1, 1)
CHANGE_REASON = "demo data"
SEED = 1923  # the year the association was founded

PROVINCE = "Provincie Zuid-Holland"
VNG = "Vereniging van Nederlandse Gemeenten (VNG)"
ACADEMY = "Zuid-Holland Academie"
OTHER_ORGANISATIONS: list[dict[str, Any]] = [
    {
        "name": PROVINCE,
        "kind": Organisation.Kind.PROVINCE,
        "website": "https://www.zuid-holland.nl",
        "email_domains": ["pzh.nl"],
    },
    {
        "name": VNG,
        "kind": Organisation.Kind.VNG,
        "website": "https://vng.nl",
        "email_domains": ["vng.nl"],
    },
    {
        "name": ACADEMY,
        "kind": Organisation.Kind.PARTNER,
        "website": "https://zuidhollandacademie.nl",
        "email_domains": ["zuidhollandacademie.nl"],
    },
]

F = Person.Function

# The three demo log-ins and the people behind them. The association's own staff belong to no
# organisation: VZHG is not one of its own members, and although it works from VNG's offices
# its staff are not VNG staff (they would otherwise show up among VNG's people).
SECRETARIAT_EMAIL = "secretariaat@vzhg.nl"
BOARD_EMAIL = "bestuur@gouda.nl"
MEMBER_EMAIL = "lid@delft.nl"
FIXED_PEOPLE: list[dict[str, Any]] = [
    {
        "first_name": "Marloes",
        "tussenvoegsel": "van den",
        "last_name": "Heuvel",
        "email": SECRETARIAT_EMAIL,
        "organisation": None,
        "function": F.SECRETARIAAT,
        "job_title": "bestuurlijk secretaris VZHG",
    },
    {
        "first_name": "Ilse",
        "tussenvoegsel": "",
        "last_name": "Prins",
        "email": "ilse.prins@vzhg.nl",
        "organisation": None,
        "function": F.SECRETARIAAT,
        "job_title": "secretariële ondersteuning VZHG",
    },
    {
        "first_name": "Hester",
        "tussenvoegsel": "ter",
        "last_name": "Horst",
        "email": BOARD_EMAIL,
        "organisation": "Gouda",
        "function": F.BURGEMEESTER,
        "job_title": "burgemeester Gouda, lid algemeen bestuur VZHG",
    },
    {
        "first_name": "Joost",
        "tussenvoegsel": "van der",
        "last_name": "Wal",
        "email": MEMBER_EMAIL,
        "organisation": "Delft",
        "function": F.GRIFFIER,
        "job_title": "griffier Delft",
    },
]
DEMO_ACCOUNTS = [
    # (e-mail, staff, description for the printed block)
    (SECRETARIAT_EMAIL, True, "Secretariat (staff, group Secretariaat, /admin/)"),
    (BOARD_EMAIL, False, "Board member (burgemeester of Gouda)"),
    (MEMBER_EMAIL, False, "Member (griffier of Delft)"),
]

# Per municipal function: how many municipalities get one (drawn without repeats) and the job
# titles to choose from ({m} is the municipality). A function listed twice gives some
# municipalities two people in it.
MUNICIPAL_PLAN: list[tuple[str, int, list[str]]] = [
    (F.BURGEMEESTER, 24, ["burgemeester {m}"]),
    (F.GRIFFIER, 22, ["griffier {m}", "griffier van de raad van {m}"]),
    (F.GEMEENTESECRETARIS, 20, ["gemeentesecretaris {m}", "gemeentesecretaris en algemeen directeur {m}"]),
    (
        F.WETHOUDER,
        30,
        [
            "wethouder Financiën en Bestuur",
            "wethouder Wonen en Ruimtelijke Ordening",
            "wethouder Jeugd en Onderwijs",
            "wethouder Zorg en Welzijn",
            "wethouder Economie en Werk",
            "wethouder Duurzaamheid en Energie",
            "wethouder Mobiliteit",
            "wethouder Sport en Cultuur",
        ],
    ),
    (F.WETHOUDER, 8, ["wethouder Asiel en Integratie", "wethouder Participatie en Dienstverlening"]),
    (F.RAADSLID, 20, ["raadslid {m}", "fractievoorzitter in de raad van {m}"]),
    (F.RAADSLID, 12, ["raadslid {m}", "lid van de auditcommissie {m}"]),
    (
        F.STRATEEG,
        12,
        [
            "concernstrateeg",
            "strateeg regionale samenwerking",
            "strateeg bestuurszaken",
            "strateeg brede welvaart",
        ],
    ),
    (F.JURIST, 8, ["jurist bestuurszaken", "juridisch adviseur Omgevingswet", "jurist bezwaar en beroep"]),
    (
        F.BELEIDSMEDEWERKER,
        24,
        [
            "beleidsmedewerker jeugd",
            "beleidsmedewerker asiel en migratie",
            "beleidsmedewerker brede welvaart",
            "beleidsmedewerker participatie",
            "beleidsmedewerker wonen",
            "beleidsmedewerker energietransitie",
            "beleidsmedewerker bestuurszaken",
        ],
    ),
    (
        F.AMBTENAAR,
        10,
        ["adviseur dienstverlening", "projectleider", "medewerker burgerzaken", "communicatieadviseur"],
    ),
    (F.DIRECTEUR, 5, ["directeur Sociaal Domein", "directeur Ruimte", "directeur Dienstverlening"]),
    (F.BESTUURSSECRETARIS, 4, ["bestuurssecretaris van de burgemeester", "bestuurssecretaris college"]),
]
# People outside the municipalities: (organisation, function, job title).
OTHER_PLAN: list[tuple[str, str, str]] = [
    (PROVINCE, F.GEDEPUTEERDE, "gedeputeerde Bestuur en Financiën"),
    (PROVINCE, F.GEDEPUTEERDE, "gedeputeerde Wonen en Ruimte"),
    (PROVINCE, F.GEDEPUTEERDE, "gedeputeerde Mobiliteit en Economie"),
    (PROVINCE, F.DIRECTEUR, "directeur Bestuurszaken"),
    (PROVINCE, F.STRATEEG, "strateeg interbestuurlijke samenwerking"),
    (PROVINCE, F.BELEIDSMEDEWERKER, "accountmanager gemeenten"),
    (VNG, F.BELEIDSMEDEWERKER, "beleidsadviseur jeugd"),
    (VNG, F.BELEIDSMEDEWERKER, "beleidsadviseur asiel en migratie"),
    (VNG, F.STRATEEG, "strateeg verenigingsstrategie"),
    (VNG, F.JURIST, "jurist interbestuurlijke verhoudingen"),
    (VNG, F.OTHER, "relatiebeheerder provinciale afdelingen"),
    (ACADEMY, F.OTHER, "programmamanager"),
    (ACADEMY, F.OTHER, "coördinator programmaraad"),
]

FIRST_NAMES = [
    "Anouk", "Arjen", "Bas", "Bram", "Carlijn", "Cor", "Daan", "Dewi", "Eline", "Emre", "Esmée",
    "Esther", "Fatima", "Femke", "Floor", "Frank", "Gert-Jan", "Hanneke", "Hans", "Ilona", "Inge",
    "Jeroen", "Joris", "Judith", "Karin", "Kees", "Laila", "Lotte", "Maarten", "Marijke", "Martijn",
    "Merel", "Mohamed", "Naima", "Niels", "Nienke", "Olaf", "Petra", "Pieter", "Priya", "Rachid",
    "Remco", "Renske", "Roos", "Ruben", "Sanne", "Sander", "Sevda", "Sietske", "Stijn", "Tamara",
    "Tessa", "Thijs", "Wendy", "Willemijn", "Wouter", "Yara", "Youssef", "Zeynep", "Ymke",
]  # fmt: skip
LAST_NAMES = [
    ("", "Bakker"), ("", "Bos"), ("", "Brouwer"), ("", "Dekker"), ("", "Dijkstra"), ("", "Hendriks"),
    ("", "Hoekstra"), ("", "Jacobs"), ("", "Jansen"), ("", "Kok"), ("", "Koster"), ("", "Kramer"),
    ("", "Kuipers"), ("", "Meijer"), ("", "Mulder"), ("", "Peeters"), ("", "Postma"), ("", "Prins"),
    ("", "Schouten"), ("", "Smit"), ("", "Verhoeven"), ("", "Vermeulen"), ("", "Visser"), ("", "Vos"),
    ("", "Willems"), ("", "Zwart"), ("", "Yılmaz"), ("", "El Amrani"), ("", "Ramdin"), ("", "Kartosen"),
    ("", "Boukhari"), ("", "Öztürk"), ("de", "Boer"), ("de", "Groot"), ("de", "Haan"), ("de", "Jong"),
    ("de", "Ruiter"), ("de", "Vries"), ("de", "Wit"), ("van", "Beek"), ("van", "Dam"), ("van", "Dijk"),
    ("van", "Doorn"), ("van", "Leeuwen"), ("van", "Oosten"), ("van", "Rijn"), ("van", "Vliet"),
    ("van", "Wijk"), ("van der", "Heijden"), ("van der", "Linden"), ("van der", "Meer"),
    ("van der", "Zande"), ("van den", "Berg"), ("van den", "Bosch"), ("van den", "Broek"),
    ("van de", "Velde"), ("ter", "Beek"), ("ter", "Haar"), ("ten", "Brink"), ("ten", "Cate"),
    ("in 't", "Zandt"), ("van 't", "Hof"), ("den", "Hartog"), ("op de", "Weegh"),
]  # fmt: skip


def _ascii(text: str) -> str:
    """Lower-case letters, digits and hyphens only: 'in 't Zandt' -> 'intzandt', 'Öztürk' -> 'ozturk'."""
    decomposed = unicodedata.normalize("NFKD", text.replace("ı", "i"))
    return "".join(char for char in decomposed.lower() if char.isascii() and (char.isalnum() or char == "-"))


def demo_people(municipalities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The fictional people, as Person field values with the organisation given by name.

    Deterministic: the same list on every run. E-mail addresses are firstname.lastname at the
    organisation's domain; names and addresses are unique.
    """
    rng = random.Random(SEED)
    domains = {row["name"]: row["email_domains"][0] for row in municipalities + OTHER_ORGANISATIONS}
    people = [dict(person) for person in FIXED_PEOPLE]
    names = {(p["first_name"], p["tussenvoegsel"], p["last_name"]) for p in people}
    emails = {p["email"] for p in people}
    taken = {(p["organisation"], p["function"]) for p in people}

    def add(organisation: str, function: str, job_title: str) -> None:
        while True:
            first_name = rng.choice(FIRST_NAMES)
            tussenvoegsel, last_name = rng.choice(LAST_NAMES)
            email = f"{_ascii(first_name)}.{_ascii(tussenvoegsel + last_name)}@{domains[organisation]}"
            if (first_name, tussenvoegsel, last_name) not in names and email not in emails:
                break
        names.add((first_name, tussenvoegsel, last_name))
        emails.add(email)
        people.append(
            {
                "first_name": first_name,
                "tussenvoegsel": tussenvoegsel,
                "last_name": last_name,
                "email": email,
                "organisation": organisation,
                "function": function,
                "job_title": job_title,
            }
        )

    municipality_names = [row["name"] for row in municipalities]
    for function, count, titles in MUNICIPAL_PLAN:
        candidates = [name for name in municipality_names if (name, function) not in taken]
        for name in rng.sample(candidates, count):
            taken.add((name, function))
            add(name, function, rng.choice(titles).format(m=name))
    for organisation, function, job_title in OTHER_PLAN:
        add(organisation, function, job_title)
    return people


def load_municipalities() -> list[dict[str, Any]]:
    with MUNICIPALITIES_CSV.open(newline="", encoding="utf-8") as handle:
        return [
            {
                "name": row["name"],
                "kind": Organisation.Kind.MUNICIPALITY,
                "cbs_code": row["cbs_code"],
                "region_name": row["region"],
                "region_group": row["region_group"],
                "in_mrdh": row["in_mrdh"] == "true",
                "member_since": MEMBER_SINCE,
                "inhabitants": int(row["inhabitants"]),
                "website": f"https://www.{row['domain']}",
                "email_domains": [row["domain"]],
            }
            for row in csv.DictReader(handle)
        ]


class Command(BaseCommand):
    help = (
        "Load the demo data (regions, the 50 municipalities of Zuid-Holland, partners, fictional "
        "people, three demo log-ins). Safe to run again: existing rows are left alone."
    )

    def handle(self, *args, **options):
        # The demo log-ins have a published password and one of them is staff: never in production.
        if not getattr(settings, "DEMO_DATA_ALLOWED", False):
            raise CommandError(
                "demo_data runs only with the local or test settings (vzhg.settings.local or "
                f"vzhg.settings.test), not with {settings.SETTINGS_MODULE}: its log-ins have a "
                "published password."
            )
        municipalities = load_municipalities()
        tree: dict[str, str | None] = {}
        for row in municipalities:
            tree.setdefault(row["region_group"], None)
            if row["region_name"] != row["region_group"]:
                tree[row["region_name"]] = row["region_group"]

        counted = {
            "regions": Region,
            "organisations": Organisation,
            "e-mail domains": EmailDomain,
            "people": Person,
            "accounts": User,
        }
        before = {label: model.objects.count() for label, model in counted.items()}
        with transaction.atomic():
            regions = services.region_tree_ensure(tree=tree)
            organisation_rows = [
                {
                    **{key: value for key, value in row.items() if not key.startswith("region_")},
                    "region": regions[row["region_name"]],
                }
                for row in municipalities
            ] + OTHER_ORGANISATIONS
            organisations = {
                organisation.name: organisation
                for organisation in services.organisation_bulk_ensure(
                    rows=organisation_rows, change_reason=CHANGE_REASON
                )
            }
            people = demo_people(municipalities)
            for person in people:
                name = person["organisation"]
                person["organisation"] = organisations[name] if name else None
            services.person_bulk_ensure(rows=people, change_reason=CHANGE_REASON)
            secretariat = services.secretariat_group_ensure()
            for email, is_staff, _ in DEMO_ACCOUNTS:
                services.account_ensure(
                    email=email,
                    password=DEMO_PASSWORD,
                    is_staff=is_staff,
                    groups=[secretariat] if is_staff else None,
                )

        after = {label: model.objects.count() for label, model in counted.items()}
        self.stdout.write(
            "Demo data: "
            + ", ".join(f"{after[label]} {label} ({after[label] - before[label]} new)" for label in counted)
        )
        # The other apps' demo data (their own modules), then the log-ins last, where a person
        # starting the app looks for them.
        from events.demo import demo_load as events_demo_load
        from governance.demo import demo_load as governance_demo_load
        from newsletters.demo import demo_load as newsletters_demo_load

        events_demo_load(stdout=self.stdout)
        newsletters_demo_load(stdout=self.stdout)
        governance_demo_load(stdout=self.stdout)

        self.stdout.write(self.style.SUCCESS(f"\nDemo log-ins (password for all three: {DEMO_PASSWORD})"))
        width = max(len(description) for _, _, description in DEMO_ACCOUNTS)
        for email, _, description in DEMO_ACCOUNTS:
            self.stdout.write(f"  {description:<{width}}  {email}")
        if settings.EMAIL_BACKEND == "vzhg.mail.backends.LocalMailBackend":
            where = f"the console that runs the app and in {settings.EMAIL_FILE_PATH}"
        else:
            where = f"the mail sent through {settings.EMAIL_BACKEND}"
        self.stdout.write(
            "  Log-in by code works too: enter the address and leave the password empty; the mail\n"
            f"  with the code appears in {where}."
        )
