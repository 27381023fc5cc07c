"""Members demo: regions, the 50 member municipalities, partners, fictional people and the
three demo log-ins.

Idempotent and non-destructive: what exists already is left as it is (so the run command can
call it at every start without undoing edits made in the app), and a second run writes nothing.
Only the three demo log-ins are put back in working order (password, verified address, staff
flag), because the log-ins printed at the end must work.

The municipalities come from demo/data/municipalities.csv, the other organisations and what the
people are drawn from from demo/data/people.json. The people are fictional: names are drawn with
a fixed seed, so every run produces the same set. Every municipality has a burgemeester and a
griffier (the people an ALV is convoked through, see designated_people).
"""

import csv
import random
import unicodedata
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction

from members import services
from members.models import EmailDomain, Organisation, Person, Region, User

from .content import DATA_DIR, load_json

MUNICIPALITIES_CSV = DATA_DIR / "municipalities.csv"

DEMO_PASSWORD = "vzhg-demo-2026"
# All 50 have been members since the municipal mergers of 1 January 2023.
MEMBER_SINCE = date(2023, 1, 1)
CHANGE_REASON = "demo data"
SEED = 1923  # the year the association was founded

# The three demo log-ins. The association's own staff belong to no organisation: VZHG is not one
# of its own members, and although it works from VNG's offices its staff are not VNG staff (they
# would otherwise show up among VNG's people). The people behind them are in people.json.
SECRETARIAT_EMAIL = "secretariaat@vzhg.nl"
BOARD_EMAIL = "bestuur@gouda.nl"
MEMBER_EMAIL = "lid@delft.nl"
DEMO_ACCOUNTS = [
    # (e-mail, staff, description for the printed block)
    (SECRETARIAT_EMAIL, True, "Secretariat (staff, group Secretariaat, /admin/)"),
    (BOARD_EMAIL, False, "Board member (burgemeester of Gouda)"),
    (MEMBER_EMAIL, False, "Member (griffier of Delft)"),
]


def _people_data() -> dict[str, Any]:
    return load_json("people.json")


def _ascii(text: str) -> str:
    """Lower-case letters, digits and hyphens only: 'in 't Zandt' -> 'intzandt', 'Öztürk' -> 'ozturk'."""
    decomposed = unicodedata.normalize("NFKD", text.replace("ı", "i"))
    return "".join(char for char in decomposed.lower() if char.isascii() and (char.isalnum() or char == "-"))


def demo_people(municipalities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The fictional people, as Person field values with the organisation given by name.

    Deterministic: the same list on every run. E-mail addresses are firstname.lastname at the
    organisation's domain; names and addresses are unique.
    """
    data = _people_data()
    first_names = data["first_names"]
    last_names = [tuple(pair) for pair in data["last_names"]]
    rng = random.Random(SEED)
    domains = {row["name"]: row["email_domains"][0] for row in municipalities + data["other_organisations"]}
    people = data["fixed_people"]
    names = {(p["first_name"], p["tussenvoegsel"], p["last_name"]) for p in people}
    emails = {p["email"] for p in people}
    taken = {(p["organisation"], p["function"]) for p in people}

    def add(organisation: str, function: str, job_title: str) -> None:
        while True:
            first_name = rng.choice(first_names)
            tussenvoegsel, last_name = rng.choice(last_names)
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
    for plan in data["municipal_plan"]:
        function = plan["function"]
        candidates = [name for name in municipality_names if (name, function) not in taken]
        for name in rng.sample(candidates, plan["count"]):
            taken.add((name, function))
            add(name, function, rng.choice(plan["job_titles"]).format(m=name))
    for row in data["other_plan"]:
        add(row["organisation"], row["function"], row["job_title"])
    return people


def designated_people(municipalities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The people a municipality is convoked through (settings.GOVERNANCE_CONVOCATION_FUNCTIONS:
    by default its burgemeester and griffier) for every municipality that has none among
    demo_people: so publishing the demo ALV convokes someone in each of the 50.

    Drawn after demo_people with a seed of their own, so the people drawn before stay the same
    (a database loaded before these were added gets only them on the next run).
    """
    data = _people_data()
    drawn = demo_people(municipalities)
    first_names = data["first_names"]
    last_names = [tuple(pair) for pair in data["last_names"]]
    rng = random.Random(SEED + 1)
    names = {(p["first_name"], p["tussenvoegsel"], p["last_name"]) for p in drawn}
    emails = {p["email"] for p in drawn}
    taken = {(p["organisation"], p["function"]) for p in drawn}
    titles = {plan["function"]: plan["job_titles"] for plan in reversed(data["municipal_plan"])}
    people = []
    for function in settings.GOVERNANCE_CONVOCATION_FUNCTIONS:
        job_titles = titles.get(function, [f"{Person.Function(function).label} {{m}}"])
        for row in municipalities:
            if (row["name"], function) in taken:
                continue
            while True:
                first_name = rng.choice(first_names)
                tussenvoegsel, last_name = rng.choice(last_names)
                email = f"{_ascii(first_name)}.{_ascii(tussenvoegsel + last_name)}@{row['email_domains'][0]}"
                if (first_name, tussenvoegsel, last_name) not in names and email not in emails:
                    break
            names.add((first_name, tussenvoegsel, last_name))
            emails.add(email)
            taken.add((row["name"], function))
            people.append(
                {
                    "first_name": first_name,
                    "tussenvoegsel": tussenvoegsel,
                    "last_name": last_name,
                    "email": email,
                    "organisation": row["name"],
                    "function": function,
                    "job_title": rng.choice(job_titles).format(m=row["name"]),
                }
            )
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


def region_tree(municipalities: list[dict[str, Any]]) -> dict[str, str | None]:
    """Region name -> the name of the region it lies in (None at the top)."""
    tree: dict[str, str | None] = {}
    for row in municipalities:
        tree.setdefault(row["region_group"], None)
        if row["region_name"] != row["region_group"]:
            tree[row["region_name"]] = row["region_group"]
    return tree


def demo_load(*, stdout) -> None:
    """Regions, organisations, people, the Secretariaat group and the three demo log-ins."""
    municipalities = load_municipalities()
    counted = {
        "regions": Region,
        "organisations": Organisation,
        "e-mail domains": EmailDomain,
        "people": Person,
        "accounts": User,
    }
    before = {label: model.objects.count() for label, model in counted.items()}
    with transaction.atomic():
        regions = services.region_tree_ensure(tree=region_tree(municipalities))
        organisation_rows = [
            {
                **{key: value for key, value in row.items() if not key.startswith("region_")},
                "region": regions[row["region_name"]],
            }
            for row in municipalities
        ] + _people_data()["other_organisations"]
        organisations = {
            organisation.name: organisation
            for organisation in services.organisation_bulk_ensure(
                rows=organisation_rows, change_reason=CHANGE_REASON
            )
        }
        people = demo_people(municipalities) + designated_people(municipalities)
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
    stdout.write(
        "Demo data: "
        + ", ".join(f"{after[label]} {label} ({after[label] - before[label]} new)" for label in counted)
    )
