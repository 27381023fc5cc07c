"""Demo data for the workplan (werkplan) and the annual report (jaarverslag).

For last year and the current year: the held board meetings and events a year needs, a workplan
with the activities of the association's yearly cycle (written in our own words after the 2024
workplan), the events and meetings of that year linked to the activities they realise, and the
half-year progress reports. Last year also gets a published annual report.

Idempotent: a year whose workplan exists is left alone entirely (events, meetings, links and
reports included), and an existing annual report is never touched, so a second run creates
nothing and edits made in the app survive. Dates are fixed within a year (the events of last
year follow governance/data/events-2025.csv, moved to last year); only what lies before today is
created as held. No mail is sent and no PDF is rendered (rendering is the secretariat's action).
All people are the fictional demo people.
"""

from __future__ import annotations

import csv
import datetime
import random
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from governance.reports import services as report_services
from members.models import Organisation, Person

from .models import (
    AgendaItem,
    AnnualReport,
    AnnualReportSection,
    Body,
    Mandate,
    Meeting,
    Motion,
    Objective,
    PlannedActivity,
    ProgressReport,
    ReportVersion,
    Theme,
    Workplan,
    WorkplanSection,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
EVENTS_CSV = DATA_DIR / "events-2025.csv"
SEED = 2024
SECRETARY_EMAIL = "secretariaat@vzhg.nl"
MEMBER_EMAIL = "lid@delft.nl"
# Board meetings are planned on fixed days; the governance demo adds its own around today.
DB_DAYS = [(1, 15), (3, 5), (5, 7), (7, 2), (9, 3), (12, 4)]
AB_DAYS = [(1, 22), (3, 26), (6, 11), (9, 3), (10, 9), (11, 26)]
ALV_DAY = (5, 21)
# A planned meeting this close to an existing one of the same body is left out.
MEETING_GAP_DAYS = 30

A = PlannedActivity


def _weekday(day: datetime.date) -> datetime.date:
    return day + datetime.timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


# --- The plan: chapters and activities --------------------------------------------------------


def _sections(year: int) -> list[tuple[str, str]]:
    return [
        (
            "Inleiding",
            f"Alle vijftig Zuid-Hollandse gemeenten zijn lid van de VZHG. De vereniging is zelfstandig en tegelijk "
            f"de provinciale afdeling van de VNG. Zij is er om haar leden samen en ieder afzonderlijk te helpen bij "
            f"hun bestuurlijke taken: als extra ogen en oren voor wat typisch Zuid-Hollands is, en als schakel "
            f"tussen gemeenten, provincie en VNG.\n\n"
            f"Zuid-Holland is Nederland in het klein: grote steden en kleine dorpen, de metropoolregio en het "
            f"landelijk gebied. Die verscheidenheid vraagt om een vereniging die verbindt. Dit werkplan beschrijft "
            f"wat de VZHG in {year} daarvoor doet, en hoe we daar aan het eind van het jaar verantwoording over "
            f"afleggen.",
        ),
        (
            "Organisatie",
            "Het **algemeen bestuur** bestaat uit burgemeesters, wethouders, griffiers en secretarissen uit alle "
            "regio's, met aandacht voor een evenwichtige spreiding naar regio, partij en man en vrouw. Iedere "
            "bestuurder heeft een of meer aandachtsgebieden, zoals een portefeuille, en legt de verbinding met de "
            "regiobesturen waarin hij of zij actief is.\n\n"
            "Het **dagelijks bestuur** (voorzitter, vicevoorzitter, penningmeester en bestuurlijk secretaris) "
            "leidt de vereniging van dag tot dag. Het secretariaat werkt vanuit het VNG-kantoor in Den Haag en "
            "verzorgt onder meer:\n\n"
            "- de voorbereiding en afhandeling van de bestuursvergaderingen;\n"
            "- de organisatie van de bijeenkomsten en congressen;\n"
            "- de website, de nieuwsbrief en LinkedIn;\n"
            "- de contacten met leden, samenwerkingsverbanden, provincie en VNG;\n"
            "- de administratie die bij een vereniging hoort.",
        ),
        (
            "Doelstellingen",
            "Alles wat in dit werkplan staat, draagt bij aan een of meer van onze vier doelen:\n\n"
            "1. **Kennisdeling** — gemeenten leren van elkaar en van partners;\n"
            "2. **Ontmoeting** — bestuurders en ambtenaren kennen elkaar en weten elkaar te vinden;\n"
            "3. **Vertegenwoordiging** — Zuid-Hollandse geluiden komen terecht bij VNG, provincie en Rijk;\n"
            "4. **Belangenbehartiging** — we komen samen op voor wat gemeenten nodig hebben.\n\n"
            "Ledenbinding is daarbij de eerste opgave: het jaarverslag laat per gemeente zien hoeveel mensen aan "
            "onze bijeenkomsten deelnamen, en welke gemeenten we nog niet bereikten.",
        ),
    ]


@dataclass
class ActivitySpec:
    key: str
    kind: str
    title: str
    planned: int | None
    count_note: str
    period: str
    explanation: str
    objectives: list[str]
    objectives_note: str
    themes: list[str]
    priority: str
    role: str
    responsible: list[str]
    attachment: str = ""


# «Wanneer zijn we tevreden?»: success criteria for some activities, agreed with the board member.
SUCCESS_CRITERIA = {
    "alv": "Minstens 35 van de 50 gemeenten zijn op de ALV vertegenwoordigd en de jaarstukken zijn vastgesteld.",
    "theme": "Elk aandachtsgebied heeft minstens één bijeenkomst gehad, en na afloop geeft minstens "
    "driekwart van de deelnemers aan dat het de moeite waard was.",
    "congress": "Uit minstens 40 gemeenten komt iemand naar het congres.",
    "communicatie": "Elke nieuwsbrief bereikt alle abonnees en de website staat binnen een week na een "
    "bijeenkomst bij.",
}

ALL_AIMS = ["kennisdeling", "ontmoeting", "vertegenwoordiging", "belangenbehartiging"]
SEED_THEMES = [
    "participatie-polarisatie",
    "brede-welvaart",
    "ruimtelijke-puzzel",
    "jeugd",
    "asiel-migratie",
    "netwerken-samenwerkingsverbanden",
]

ACTIVITIES = [
    ActivitySpec(
        "alv",
        A.Kind.ALV,
        "ALV en voorjaarscongres",
        1,
        "één keer per jaar",
        "mei",
        "Eén keer per jaar, binnen zes maanden na afloop van het boekjaar, komen de leden bijeen in de "
        "Algemene Ledenvergadering. Het bestuur legt verantwoording af met het jaarverslag en de jaarrekening, "
        "de leden stellen de begroting vast en kiezen zo nodig nieuwe bestuursleden en een kascommissie.\n\n"
        "We combineren de vergadering met een voorjaarscongres bij een gastgemeente, die het middagprogramma "
        "met werkbezoeken verzorgt.",
        ["ontmoeting", "vertegenwoordiging"],
        "Alle leden praten en beslissen mee over het beleid van de vereniging.\n"
        "Een aantrekkelijk programma bij een gastgemeente brengt zoveel mogelijk leden samen.",
        [],
        "A",
        A.Role.ORGANISING,
        ["voorzitter", "secretaris"],
        attachment="Draaiboek voorjaarscongres voor de gastgemeente",
    ),
    ActivitySpec(
        "db",
        A.Kind.BOARD,
        "Dagelijks bestuur",
        6,
        "",
        "verspreid over het jaar",
        "Het dagelijks bestuur leidt de vereniging en vertegenwoordigt haar naar buiten. De penningmeester "
        "bewaakt de financiën; een administratiekantoor voert de boekhouding.",
        ["vertegenwoordiging"],
        "De vereniging functioneert: het DB leidt en bewaakt de dagelijkse gang van zaken.",
        [],
        "A",
        A.Role.ORGANISING,
        ["voorzitter", "penningmeester"],
    ),
    ActivitySpec(
        "ab",
        A.Kind.BOARD,
        "Algemeen bestuur",
        6,
        "",
        "verspreid over het jaar",
        "Het algemeen bestuur stelt het beleid vast en ziet erop toe dat het dagelijks bestuur dat goed "
        "uitvoert. De vergaderingen zijn openbaar.",
        ALL_AIMS,
        "Beleid, activiteiten en bijeenkomsten vaststellen die bijdragen aan onze vier doelen.",
        [],
        "A",
        A.Role.ORGANISING,
        ["voorzitter"],
    ),
    ActivitySpec(
        "retreat",
        A.Kind.RETREAT,
        "Heisessie",
        1,
        "",
        "najaar",
        "Een dag buiten de deur om elkaar beter te leren kennen, stil te staan bij wat de vereniging toevoegt en "
        "de aandachtsgebieden en het werkplan zo nodig bij te stellen.",
        ["ontmoeting"],
        "Het bestuur herijkt de koers en het werkplan voor het volgende jaar.",
        [],
        "B",
        A.Role.ORGANISING,
        ["voorzitter", "vicevoorzitter"],
    ),
    ActivitySpec(
        "theme",
        A.Kind.THEME,
        "Themabijeenkomsten",
        6,
        "6 per jaar, inclusief het voorjaarscongres",
        "verspreid over het jaar",
        "Voor ieder aandachtsgebied organiseren we ten minste één bijeenkomst: een kennissessie, een rondetafel "
        "of een digitale klankbordbijeenkomst met de Zuid-Hollandse leden van een VNG-commissie. De bestuurders "
        "met het aandachtsgebied in hun portefeuille stellen het programma mee samen.",
        ALL_AIMS,
        "Kennis en ervaringen delen per aandachtsgebied.\nGeluiden ophalen voor de VNG-commissies.",
        SEED_THEMES,
        "A",
        A.Role.INITIATING,
        ["vicevoorzitter", "lid-jeugd", "lid-welvaart"],
    ),
    ActivitySpec(
        "congress",
        A.Kind.CONGRESS,
        "Najaarscongres met de provincie",
        1,
        "",
        "november",
        "Samen met de provincie en de Zuid-Holland Academie organiseren we één keer per jaar een congres voor "
        "bestuurders, griffiers, secretarissen en ambtenaren, met sprekers en workshops rond een actueel thema.",
        ALL_AIMS,
        "Gemeenten en provincie werken samen aan een sterk lokaal bestuur.",
        ["participatie-polarisatie", "brede-welvaart"],
        "A",
        A.Role.ORGANISING,
        ["voorzitter", "secretaris"],
    ),
    ActivitySpec(
        "strategen",
        A.Kind.NETWORK,
        "Strategennetwerk",
        3,
        "3 keer per jaar, één keer met de provincie",
        "",
        "Strategen van gemeenten en regio's bespreken de vraagstukken die over de gemeentegrens heen gaan. Eén "
        "bijeenkomst per jaar houden we samen met de provincie.",
        ["kennisdeling", "ontmoeting"],
        "Een levend netwerk van strategen dat signalen doorgeeft aan het bestuur.",
        ["netwerken-samenwerkingsverbanden", "ruimtelijke-puzzel"],
        "B",
        A.Role.FACILITATING,
        ["lid-netwerken"],
    ),
    ActivitySpec(
        "samenwerking",
        A.Kind.NETWORK,
        "Bijeenkomsten samenwerkingsverbanden",
        2,
        "",
        "voorjaar en najaar",
        "Twee keer per jaar brengen we de regionale samenwerkingsverbanden bij elkaar. Wie een partner zoekt, "
        "brengen we in contact: een schakel- en makelaarsfunctie.",
        ["kennisdeling", "ontmoeting"],
        "Samenwerkingsverbanden weten elkaar te vinden.",
        ["netwerken-samenwerkingsverbanden"],
        "B",
        A.Role.FACILITATING,
        ["lid-netwerken"],
    ),
    ActivitySpec(
        "provincie",
        A.Kind.CONSULTATION,
        "Overleg met de provincie Zuid-Holland",
        None,
        "doorlopend, plus 5 keer per jaar overleg met bestuurders en directie",
        "verspreid over het jaar",
        "De voorzitter spreekt twee keer per jaar met de Commissaris van de Koning, het bestuur één keer met "
        "Gedeputeerde Staten en de bestuurlijk secretaris ten minste twee keer met de provinciesecretaris. Daarnaast "
        "houden we nauw contact over de programma's die gemeenten raken, zoals de ruimtelijke puzzel en het "
        "programma landelijk gebied.",
        ["vertegenwoordiging", "belangenbehartiging"],
        "Betere wisselwerking tussen gemeenten en provincie.\nHet perspectief van gemeenten en hun inwoners inbrengen.",
        ["ruimtelijke-puzzel"],
        "A",
        A.Role.REPRESENTING,
        ["voorzitter", "secretaris"],
    ),
    ActivitySpec(
        "academie",
        A.Kind.THEME,
        "Zuid-Holland Academie",
        2,
        "",
        "verspreid over het jaar",
        "Het kennis- en netwerkplatform van en voor het openbaar bestuur in Zuid-Holland, een samenwerking van de "
        "VZHG en de provincie. De voorzitter van de VZHG zit het programmaberaad voor, waarin ook de "
        "beroepsverenigingen en de Zuid-Hollandse universiteiten zitten.",
        ["kennisdeling", "ontmoeting"],
        "Een programma dat aansluit bij wat bestuurders en raadsleden nodig hebben.",
        ["participatie-polarisatie"],
        "B",
        A.Role.INITIATING,
        ["voorzitter"],
    ),
    ActivitySpec(
        "vng",
        A.Kind.CONSULTATION,
        "Overleg met de VNG",
        None,
        "doorlopend, plus 5 keer per jaar overleg met bestuurders en directie",
        "verspreid over het jaar",
        "Twee keer per jaar het voorzittersoverleg, twee keer het secretarissenoverleg en één gecombineerd overleg "
        "van de provinciale afdelingen en de commissies. Daar bereiden we de ledenvergaderingen van de VNG voor en "
        "wisselen we signalen uit. Gemeentebestuurders kunnen de VZHG om een aanbeveling vragen voor een "
        "VNG-commissie.",
        ["vertegenwoordiging", "belangenbehartiging"],
        "Zuid-Hollandse thema's op de agenda van de VNG.",
        ["asiel-migratie"],
        "B",
        A.Role.REPRESENTING,
        ["voorzitter", "secretaris"],
    ),
    ActivitySpec(
        "communicatie",
        A.Kind.COMMUNICATION,
        "Communicatie",
        None,
        "doorlopend",
        "doorlopend",
        "Een herkenbare vereniging: de website met een eigen account voor leden, de nieuwsbrief, LinkedIn, "
        "uitnodigingen en een bedankje voor sprekers en gastgemeenten.",
        ["kennisdeling"],
        "De VZHG is bekend bij haar leden en partners.",
        [],
        "C",
        A.Role.ORGANISING,
        ["secretaris"],
    ),
]

# What each kind of event and each body's meeting realises.
EVENT_ACTIVITY = {
    "alv_congress": "theme",  # the voorjaarscongres counts among the theme meetings, as in the seed
    "autumn_congress": "congress",
    "sounding_board": "theme",
    "network": "strategen",
    "academy": "academie",
    "retreat": "retreat",
}
BODY_ACTIVITY = {Body.Kind.DB: "db", Body.Kind.AB: "ab", Body.Kind.ALV: "alv"}

# Events the demo adds to a year (month, day, key, kind, title, summary, host, registrations).
EXTRA_EVENTS = [
    (2, 12, "strategen", "network", "Strategennetwerk: de agenda van het jaar",
     "Strategen van gemeenten en regio's kiezen samen de onderwerpen voor dit jaar.", None, 28),
    (3, 12, "theme", "sounding_board", "Rondetafel brede welvaart",
     "Bestuurders verkennen hoe brede welvaart helpt bij lastige keuzes in de regio.", "Leiden", 34),
    (4, 9, "samenwerking", "network", "Bijeenkomst samenwerkingsverbanden (voorjaar)",
     "De regionale samenwerkingsverbanden delen hun plannen en zoeken verbinding.", "Dordrecht", 22),
    (4, 16, "academie", "academy", "Zuid-Holland Academie: participatie onder de Omgevingswet",
     "Een middag voor raadsleden en ambtenaren over inwoners betrekken bij ruimtelijke plannen.", "Zoetermeer", 41),
    (5, 21, "theme", "alv_congress", "ALV en voorjaarscongres",
     "De jaarlijkse ledenvergadering met aansluitend het voorjaarscongres bij de gastgemeente.", "Gouda", 64),
    (6, 4, "theme", "sounding_board", "Kennisbijeenkomst jeugd",
     "Wat betekent de hervormingsagenda jeugd voor gemeenten? Ervaringen uit drie regio's.", "Delft", 30),
    (9, 10, "theme", "sounding_board", "Overleg regiovoorzitters asiel & migratie",
     "De vicevoorzitter en de regiovoorzitters bespreken opvang en huisvesting in Zuid-Holland.", None, 18),
    (6, 25, "strategen", "network", "Strategennetwerk met de provincie",
     "Strategen van gemeenten en provincie over de opgaven na de verkiezingen.", None, 26),
    (10, 1, "academie", "academy", "Zuid-Holland Academie: grip op regionale samenwerking",
     "Een avond voor raadsleden en griffiers over sturen op gemeenschappelijke regelingen.", "Alphen aan den Rijn", 38),
    (10, 15, "samenwerking", "network", "Bijeenkomst samenwerkingsverbanden (najaar)",
     "Terugblik op het jaar en de vraag waar regio's elkaar nodig hebben.", None, 19),
]  # fmt: skip
# events-2025.csv kinds -> Event.Kind (rows of other kinds are meetings or other organisers' events)
CSV_KINDS = {
    "netwerkbijeenkomst": ("network", "strategen", 24),
    "klankbordbijeenkomst": ("sounding_board", "theme", 16),
    "heisessie": ("retreat", "retreat", 14),
    "najaarscongres": ("autumn_congress", "congress", 120),
}

# Progress texts: (light, text) per activity key, first and second half year.
PROGRESS = {
    "alv": [("green", "De ALV is gehouden bij de gastgemeente; jaarverslag, jaarrekening en begroting zijn vastgesteld."),
            ("green", "Afgerond. De gastgemeente voor volgend jaar is gevonden.")],
    "db": [("green", "Drie vergaderingen gehouden volgens planning."),
           ("green", "Alle zes vergaderingen gehouden.")],
    "ab": [("orange", "Eén vergadering verschoven naar het najaar omdat het AB niet voltallig kon zijn."),
           ("green", "De verschoven vergadering is ingehaald.")],
    "retreat": [("green", "De heisessie staat gepland voor het najaar; het programma is in voorbereiding."),
                ("green", "De heisessie is gehouden; de uitkomsten staan in het werkplan voor volgend jaar.")],
    "theme": [("orange", "Drie bijeenkomsten gehouden. Voor ruimtelijke puzzel en participatie is nog geen datum."),
              ("green", "Alle aandachtsgebieden kregen een bijeenkomst; de klankbordbijeenkomsten werden goed bezocht.")],
    "congress": [("green", "Thema en sprekers zijn samen met de provincie gekozen."),
                 ("green", "Het congres is gehouden met ruim honderd deelnemers.")],
    "strategen": [("green", "Twee bijeenkomsten gehouden, een daarvan samen met de provincie."),
                  ("green", "Het netwerk groeit; de derde bijeenkomst ging over de ruimtelijke puzzel.")],
    "samenwerking": [("red", "De voorjaarsbijeenkomst trok weinig deelnemers; het format wordt aangepast."),
                     ("orange", "De najaarsbijeenkomst was beter bezocht, maar nog niet alle regio's deden mee.")],
    "provincie": [("green", "Gesprekken met de Commissaris van de Koning en de provinciesecretaris gevoerd."),
                  ("green", "Het jaarlijkse overleg met Gedeputeerde Staten is gehouden.")],
    "academie": [("orange", "Eén sessie gehouden; de tweede wacht op het nieuwe programmaberaad."),
                 ("green", "Beide sessies gehouden; het programmaberaad is van start.")],
    "vng": [("green", "Voorzitters- en secretarissenoverleg bijgewoond; inbreng over asiel geleverd."),
            ("orange", "Het gecombineerde overleg is door de VNG naar volgend jaar verschoven.")],
    "communicatie": [("red", "De nieuwe website loopt vertraging op; de nieuwsbrief verschijnt wel."),
                     ("orange", "De website is live; LinkedIn krijgt nog te weinig aandacht.")],
}  # fmt: skip
# The current year's first half: a mix (the rest is written later in the year by the secretariat).
CURRENT_FIRST_HALF = [
    "alv",
    "db",
    "ab",
    "theme",
    "strategen",
    "samenwerking",
    "academie",
    "vng",
    "communicatie",
]

ANNUAL_SECTIONS = [
    (
        "Voorwoord",
        "Voor je ligt het jaarverslag van de Vereniging van Zuid-Hollandse Gemeenten over {year}. Het was een jaar "
        "waarin gemeenten elkaar hard nodig hadden: bij de opvang van asielzoekers, bij de keuzes in de "
        "ruimtelijke puzzel en bij de vraag hoe we onze democratie weerbaar houden.\n\n"
        "We zijn blij dat zoveel bestuurders, raadsleden en ambtenaren de weg naar onze bijeenkomsten vonden. "
        "Tegelijk laat het overzicht van de ledenbinding zien dat we nog niet iedere gemeente bereiken. Dat pakken "
        "we het komende jaar op, met bijeenkomsten dichter bij huis.\n\n"
        "Ik dank de gastgemeenten, de provincie, de VNG en alle sprekers voor hun inzet.\n\n"
        "*De voorzitter*",
    ),
    (
        "Financiën in het kort",
        "De vereniging wordt gefinancierd uit de contributie van de leden, die afhangt van het aantal inwoners. "
        "De provincie draagt bij aan het najaarscongres en de Zuid-Holland Academie.\n\n"
        "- De uitgaven bleven binnen de begroting; de congressen vielen iets duurder uit dan geraamd.\n"
        "- De kascommissie heeft de jaarrekening gecontroleerd en adviseert de ALV het bestuur decharge te "
        "verlenen.\n"
        "- Het kleine positieve resultaat gaat naar de algemene reserve.\n\n"
        "De volledige jaarrekening ligt ter vaststelling voor aan de Algemene Ledenvergadering.",
    ),
]


# --- Loading ----------------------------------------------------------------------------------


@dataclass
class Context:
    today: datetime.date
    now: datetime.datetime
    rng: random.Random
    bodies: dict
    themes: dict
    objectives: dict
    board: dict
    people: list
    secretary_user: object


def _board_people() -> dict[str, Person]:
    """The board members the activities name as responsible, by role (from the demo mandates)."""
    R = Mandate.Role
    mandates = list(
        Mandate.objects.filter(body__kind__in=[Body.Kind.AB, Body.Kind.DB], end__isnull=True)
        .select_related("person")
        .prefetch_related("portfolios")
        .order_by("start", "pk")
    )
    board: dict[str, Person] = {}
    for mandate in mandates:
        key = {
            R.VOORZITTER: "voorzitter",
            R.VICE_VOORZITTER: "vicevoorzitter",
            R.PENNINGMEESTER: "penningmeester",
            R.BESTUURLIJK_SECRETARIS: "secretaris",
        }.get(mandate.role)
        if key:
            board.setdefault(key, mandate.person)
        slugs = {theme.slug for theme in mandate.portfolios.all()}
        for slug, role in (
            ("jeugd", "lid-jeugd"),
            ("brede-welvaart", "lid-welvaart"),
            ("netwerken-samenwerkingsverbanden", "lid-netwerken"),
        ):
            if slug in slugs and mandate.role == R.LID:
                board.setdefault(role, mandate.person)
    return board


def _meeting(
    ctx: Context, body: Body, day: datetime.date, title: str, items: list[tuple[str, str, str]]
) -> Meeting:
    held = day < ctx.today
    meeting = Meeting.objects.create(
        body=body,
        title=title,
        starts_at=_at(day, 10 if body.kind != Body.Kind.DB else 15),
        location="VNG, Nassaulaan 12, Den Haag",
        status=Meeting.Status.HELD if held else Meeting.Status.CONCEPT,
    )
    AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=meeting,
            order=order,
            title=item_title,
            kind=kind,
            proposal=decision if kind == AgendaItem.Kind.BESLUITVORMING else "",
            decision=(decision or "Kennisgenomen.") if held else "",
        )
        for order, (item_title, kind, decision) in enumerate(items, start=1)
    )
    if held:
        published = _at(day - datetime.timedelta(days=14), 9)
        Meeting.objects.filter(pk=meeting.pk).update(
            published_at=published, notice_sent_at=published, publication=1
        )
    return meeting


def _meetings_for_year(ctx: Context, year: int) -> tuple[list[Meeting], Meeting | None]:
    """Board meetings of `year` on the fixed days, around the ones that exist already; returns
    the new meetings and the AB meeting that adopts the workplan (the first of the year)."""
    K = AgendaItem.Kind
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    created = []
    adopting = None
    plan = {Body.Kind.DB: DB_DAYS, Body.Kind.AB: AB_DAYS}
    names = {Body.Kind.DB: "dagelijks bestuur", Body.Kind.AB: "algemeen bestuur"}
    months = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"]  # fmt: skip
    for kind, days in plan.items():
        body = ctx.bodies[kind]
        existing = [
            timezone.localdate(moment)
            for moment in Meeting.objects.filter(
                body=body, starts_at__date__gte=start, starts_at__date__lte=end
            ).values_list("starts_at", flat=True)
        ]
        room = 6 - len(existing)
        for index, (month, day_of_month) in enumerate(days):
            day = _weekday(datetime.date(year, month, day_of_month))
            if room <= 0 or day >= ctx.today:
                continue
            if any(abs((day - other).days) < MEETING_GAP_DAYS for other in existing):
                continue
            title = f"Vergadering {names[kind]} {months[day.month - 1]} {year}"
            if Meeting.objects.filter(body=body, title=title).exists():
                continue
            if kind == Body.Kind.AB and index == 0:
                items = [
                    ("Opening en vaststelling agenda", K.MEDEDELINGEN, ""),
                    (f"Werkplan {year}", K.BESLUITVORMING, f"Het AB stelt het werkplan {year} vast."),
                    ("Rondvraag", K.RONDVRAAG, ""),
                ]
            else:
                items = [
                    ("Opening en mededelingen", K.MEDEDELINGEN, ""),
                    ("Voortgang werkplan", K.BESPREKING, ""),
                    ("Financiële stand van zaken", K.INFORMATIE, ""),
                    ("Rondvraag", K.RONDVRAAG, ""),
                ]
            meeting = _meeting(ctx, body, day, title, items)
            if kind == Body.Kind.AB and index == 0:
                adopting = meeting
            created.append(meeting)
            existing.append(day)
            room -= 1
    alv = ctx.bodies[Body.Kind.ALV]
    alv_day = _weekday(datetime.date(year, *ALV_DAY))
    if (
        alv_day < ctx.today
        and not Meeting.objects.filter(
            body=alv, starts_at__date__gte=start, starts_at__date__lte=end
        ).exists()
    ):
        created.append(
            _meeting(ctx, alv, alv_day, f"Algemene ledenvergadering {year}", [
                ("Opening en mededelingen", K.MEDEDELINGEN, ""),
                (f"Jaarverslag {year - 1}", K.BESLUITVORMING, f"De ALV stelt het jaarverslag {year - 1} vast."),
                (f"Jaarrekening {year - 1}", K.BESLUITVORMING, "De ALV stelt de jaarrekening vast en verleent het bestuur decharge."),
                (f"Begroting {year + 1}", K.BESLUITVORMING, f"De ALV stelt de begroting {year + 1} vast."),
                ("Rondvraag", K.RONDVRAAG, ""),
            ])
        )  # fmt: skip
    return created, adopting


def _event_specs(ctx: Context, year: int) -> list[dict]:
    """The events `year` gets: last year's follow events-2025.csv (moved to that year) first; the
    extra events fill what room the activities have left."""
    specs = []
    if year < ctx.today.year:
        with EVENTS_CSV.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row["kind"] not in CSV_KINDS or not row["organiser"].startswith("VZHG"):
                    continue
                kind, key, registrations = CSV_KINDS[row["kind"]]
                day = _weekday(datetime.date.fromisoformat(row["date"]).replace(year=year))
                starts = (
                    datetime.time.fromisoformat(row["start"])
                    if row["start"]
                    else datetime.time(16 if row["online"] == "true" else 14)
                )
                ends = (
                    datetime.time.fromisoformat(row["end"])
                    if row["end"]
                    else datetime.time(starts.hour + (1 if row["online"] == "true" else 3), starts.minute)
                )
                specs.append({
                    "day": day, "starts": starts, "ends": ends, "key": key, "kind": kind, "title": row["title"],
                    "summary": _csv_summary(row), "host": None, "online": row["online"] == "true",
                    "registrations": registrations,
                })  # fmt: skip
    for month, day_of_month, key, kind, title, summary, host, registrations in EXTRA_EVENTS:
        specs.append({
            "day": _weekday(datetime.date(year, month, day_of_month)), "starts": datetime.time(14),
            "ends": datetime.time(17), "key": key, "kind": kind, "title": title, "summary": summary, "host": host,
            "online": False, "registrations": registrations,
        })  # fmt: skip
    return specs


def _csv_summary(row: dict) -> str:
    kind = row["kind"]
    if kind == "klankbordbijeenkomst":
        return "Gemeentebestuurders in gesprek met de Zuid-Hollandse leden van een VNG-commissie."
    if kind == "heisessie":
        return "Het bestuur blikt terug en kiest de speerpunten voor het komende jaar."
    if kind == "najaarscongres":
        return "Het jaarlijkse congres met de provincie en de Zuid-Holland Academie: keynotes en workshops."
    return "Vertegenwoordigers van de regio's bespreken samen drie vragen over de ruimtelijke puzzel."


def _slugify(title: str, year: int) -> str:
    text = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in title.lower())
    while "--" in text:
        text = text.replace("--", "-")
    return f"{text.strip('-')[:180]}-{year}"


def _register(ctx: Context, event, count: int, skip_organisations: set[int]) -> int:
    """Registrations by demo people from as many municipalities as possible, most attended."""
    from events.models import Registration

    pool = [person for person in ctx.people if person.organisation_id not in skip_organisations]
    chosen = ctx.rng.sample(pool, min(count, len(pool)))
    held = event.ends_at <= ctx.now
    rows = []
    for person in chosen:
        roll = ctx.rng.random()
        cancelled = roll < 0.05
        attended = held and not cancelled and roll < 0.88
        rows.append(
            Registration(
                event=event,
                person=person,
                organisation_id=person.organisation_id,
                status=Registration.Status.CANCELLED if cancelled else Registration.Status.CONFIRMED,
                confirmed_at=event.starts_at - datetime.timedelta(days=ctx.rng.randint(3, 30)),
                cancelled_at=event.starts_at - datetime.timedelta(days=1) if cancelled else None,
                attended=attended,
                attended_at=event.starts_at if attended else None,
            )
        )
    Registration.objects.bulk_create(rows)
    return len(rows)


def _events_for_year(ctx: Context, year: int, room: dict[str, int]) -> list[tuple[object, str]]:
    """Create the year's held events where their activity has room; returns (event, key)."""
    from events.models import Event

    municipalities = sorted({person.organisation_id for person in ctx.people})
    # Some municipalities are not reached in a year: the engagement page lists them.
    not_reached = set(
        random.Random(SEED + year).sample(municipalities, min(7, max(len(municipalities) - 1, 0)))
    )
    hosts = {o.name: o for o in Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY)}
    created = []
    for spec in _event_specs(ctx, year):
        if spec["day"] >= ctx.today or room.get(spec["key"], 0) <= 0:
            continue
        slug = _slugify(spec["title"], year)
        if Event.objects.filter(slug=slug).exists():
            continue
        host = hosts.get(spec["host"] or "")
        event = Event.objects.create(
            slug=slug,
            title=spec["title"],
            kind=spec["kind"],
            summary=spec["summary"],
            description=spec["summary"],
            status=Event.Status.PUBLISHED,
            starts_at=_at(spec["day"], spec["starts"].hour, spec["starts"].minute),
            ends_at=_at(spec["day"], spec["ends"].hour, spec["ends"].minute),
            host=host,
            venue_name="" if spec["online"] else (f"Stadhuis {host.name}" if host else "VNG-kantoor"),
            venue_address="" if spec["online"] or host else "Nassaulaan 12, 2514 JS Den Haag",
            online_url="https://teams.microsoft.com/l/meetup-join/vzhg-demo" if spec["online"] else "",
            audience=Event.Audience.MEMBERS,
            registration_closes_at=_at(spec["day"] - datetime.timedelta(days=2), 17),
        )
        _register(ctx, event, spec["registrations"], not_reached)
        room[spec["key"]] -= 1
        created.append((event, spec["key"]))
    return created


LAST_YEAR_NEWSLETTERS = [
    (
        "voorjaar",
        4,
        "Beste lezer,\n\nHet bestuur heeft het werkplan voor dit jaar vastgesteld. In deze nieuwsbrief lees je welke "
        "bijeenkomsten eraan komen en wat we het afgelopen kwartaal deden.",
        [
            ("Werkplan vastgesteld", "Het algemeen bestuur stelde het werkplan vast: zes themabijeenkomsten, het "
             "strategennetwerk en twee sessies van de Zuid-Holland Academie."),
            ("Rondetafel brede welvaart", "Bestuurders verkenden hoe brede welvaart helpt bij keuzes in de regio. Een "
             "vervolg volgt in het najaar."),
        ],
    ),
    (
        "najaar",
        10,
        "Beste lezer,\n\nNa de zomer staan er veel bijeenkomsten op het programma, met als hoogtepunt het "
        "najaarscongres samen met de provincie.",
        [
            ("Klankbordbijeenkomsten", "Vier digitale klankbordbijeenkomsten brengen je in gesprek met de "
             "Zuid-Hollandse leden van de VNG-commissies."),
            ("Heisessie van het bestuur", "Het bestuur blikte terug op het jaar en koos de speerpunten voor het "
             "volgende werkplan."),
        ],
    ),
]  # fmt: skip


def _newsletters(ctx: Context, year: int) -> int:
    """Two sent editions for a past year, delivered to today's confirmed subscriptions."""
    from newsletters.models import Delivery, Item, Newsletter, Section, Subscription

    subscriptions = list(Subscription.objects.filter(status=Subscription.Status.CONFIRMED))
    created = 0
    for season, month, intro, items in LAST_YEAR_NEWSLETTERS:
        slug = f"nieuwsbrief-{season}-{year}"
        if Newsletter.objects.filter(slug=slug).exists():
            continue
        day = _weekday(datetime.date(year, month, 8))
        newsletter = Newsletter.objects.create(
            slug=slug,
            title=f"VZHG Nieuwsbrief – {season} {year}",
            date=day,
            intro=intro,
            status=Newsletter.Status.SENT,
            sent_at=_at(day, 10),
        )
        for order, title in enumerate(
            ["Vanuit het bestuur", "Provincie Zuid-Holland", "VNG", "Overig"], start=1
        ):
            section = Section.objects.create(newsletter=newsletter, title=title, order=order * 10)
            if order == 1:
                Item.objects.bulk_create(
                    Item(section=section, order=number, title=item_title, text=text)
                    for number, (item_title, text) in enumerate(items)
                )
        Delivery.objects.bulk_create(
            Delivery(
                newsletter=newsletter,
                subscription=subscription,
                status=Delivery.Status.SENT,
                attempts=1,
                sent_at=newsletter.sent_at,
            )
            for subscription in subscriptions
        )
        created += 1
    return created


def _workplan(ctx: Context, year: int) -> tuple[Workplan, dict[str, PlannedActivity]]:
    workplan = Workplan.objects.create(year=year)
    WorkplanSection.objects.bulk_create(
        WorkplanSection(workplan=workplan, order=order, title=title, body=body)
        for order, (title, body) in enumerate(_sections(year), start=1)
    )
    activities = {}
    for order, spec in enumerate(ACTIVITIES, start=1):
        activity = PlannedActivity.objects.create(
            workplan=workplan,
            order=order,
            kind=spec.kind,
            title=spec.title,
            planned_count=spec.planned,
            count_note=spec.count_note,
            period=spec.period,
            attachment=spec.attachment,
            explanation=spec.explanation,
            objectives_note=spec.objectives_note,
            success_criteria=SUCCESS_CRITERIA.get(spec.key, ""),
            priority=spec.priority,
            role=spec.role,
        )
        activity.objectives.set([ctx.objectives[slug] for slug in spec.objectives if slug in ctx.objectives])
        activity.themes.set([ctx.themes[slug] for slug in spec.themes if slug in ctx.themes])
        activity.responsible.set([ctx.board[key] for key in spec.responsible if key in ctx.board])
        activities[spec.key] = activity
    return workplan, activities


def _year(ctx: Context, year: int) -> dict[str, int]:
    """Everything one year gets, unless its workplan exists already."""
    from events.models import Event

    counts = {"meetings": 0, "events": 0, "newsletters": 0}
    if Workplan.objects.filter(year=year).exists():
        return counts
    if year < ctx.today.year:
        counts["newsletters"] = _newsletters(ctx, year)
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    new_meetings, adopting = _meetings_for_year(ctx, year)
    counts["meetings"] = len(new_meetings)
    workplan, activities = _workplan(ctx, year)

    # The year's existing events and meetings, linked by kind (cancelled events and drafts are not).
    existing_events = list(
        Event.objects.filter(
            starts_at__date__gte=start, starts_at__date__lte=end, status=Event.Status.PUBLISHED
        )
        .filter(planned_activities__isnull=True)
        .order_by("starts_at")
    )
    room = {spec.key: spec.planned or 0 for spec in ACTIVITIES}
    links: list[tuple[object, str]] = []
    for event in existing_events:
        key = EVENT_ACTIVITY.get(event.kind)
        if key and room[key] > 0:
            links.append((event, key))
            room[key] -= 1
    new_events = _events_for_year(ctx, year, room)
    counts["events"] = len(new_events)
    for event, key in links + new_events:
        activities[key].events.add(event)
    meetings = (
        Meeting.objects.filter(
            starts_at__date__gte=start, starts_at__date__lte=end, body__kind__in=list(BODY_ACTIVITY)
        )
        .exclude(status=Meeting.Status.CONCEPT)
        .select_related("body")
    )
    for meeting in meetings:
        activities[BODY_ACTIVITY[meeting.body.kind]].meetings.add(meeting)

    if adopting is None:
        # The fixed January meeting made way for an existing one: the year's first AB meeting adopts.
        adopting = (
            Meeting.objects.filter(
                body=ctx.bodies[Body.Kind.AB], starts_at__date__gte=start, starts_at__lt=ctx.now
            )
            .exclude(status=Meeting.Status.CONCEPT)
            .order_by("starts_at")
            .first()
        )
    if adopting is not None:
        report_services.workplan_adopt(
            workplan=workplan, body=adopting.body, on=timezone.localdate(adopting.starts_at), meeting=adopting
        )
    halves = [1, 2] if year < ctx.today.year else ([1] if ctx.today.month > 6 else [])
    for key, activity in activities.items():
        for half in halves:
            if year == ctx.today.year and key not in CURRENT_FIRST_HALF:
                continue
            light, text = PROGRESS[key][half - 1]
            report_services.progress_report_save(
                activity=activity, half=half, light=light, text=text, actor=ctx.secretary_user
            )
    return counts


def _annual_report(year: int) -> bool:
    if AnnualReport.objects.filter(year=year).exists():
        return False
    report = AnnualReport.objects.create(year=year)
    AnnualReportSection.objects.bulk_create(
        AnnualReportSection(report=report, order=order, title=title, body=body.format(year=year))
        for order, (title, body) in enumerate(ANNUAL_SECTIONS, start=1)
    )
    report_services.annual_report_publish(report=report)
    return True


MOTIONS = [
    (
        "Motie wachtlijsten jeugdzorg",
        "De ALV vraagt het dagelijks bestuur de wachtlijsten in de jeugdzorg bij de VNG en de provincie "
        "op de agenda te zetten en in het najaar terug te melden wat dat heeft opgeleverd.",
        ["Gouda", "Leiden", "Alphen aan den Rijn"],
        Motion.Outcome.ADOPTED,
        (38, 3),
    ),
    (
        "Motie vergaderen in de avond",
        "De ALV vraagt het dagelijks bestuur de ledenvergadering voortaan in de avond te houden, zodat "
        "raadsleden makkelijker kunnen komen.",
        ["Katwijk"],
        Motion.Outcome.REJECTED,
        (9, 30),
    ),
]


def _motions(*, year: int) -> int:
    """Two motions, one adopted and one rejected, at the ALV held in `year` (once)."""
    alv = (
        Meeting.objects.filter(body__kind=Body.Kind.ALV, starts_at__year=year, status=Meeting.Status.HELD)
        .order_by("starts_at")
        .first()
    )
    if alv is None or alv.motions.exists():
        return 0
    for order, (title, text, names, outcome, (votes_for, votes_against)) in enumerate(MOTIONS, start=1):
        motion = Motion.objects.create(
            meeting=alv, order=order, title=title, text=text, outcome=outcome,
            votes_for=votes_for, votes_against=votes_against,
        )  # fmt: skip
        motion.submitted_by.set(
            Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY, name__in=names)
        )
    return len(MOTIONS)


def _published_pdfs(*, today: datetime.date) -> int:
    """A published PDF of this year's workplan and last year's annual report, so the public pages
    link to one from the start. Only when the document has no version yet. The demo renders the
    version itself rather than waiting for the task, which finds it ready and stops."""
    made = 0
    for kind, year in (
        (ReportVersion.Kind.WORKPLAN, today.year),
        (ReportVersion.Kind.ANNUAL_REPORT, today.year - 1),
    ):
        if ReportVersion.objects.filter(kind=kind, year=year).exists():
            continue
        try:
            version = report_services.report_version_request(kind=kind, year=year)
            version = report_services.report_version_build(version_id=version.pk)
            report_services.report_version_publish(version=version)
        except ValidationError:
            continue
        made += 1
    return made


def demo_load(*, stdout, today: datetime.date | None = None) -> None:
    """`today` is for trying the demo on another day of the year; it defaults to today."""
    from events.models import Event

    models = {
        "workplans": Workplan,
        "activities": PlannedActivity,
        "progress reports": ProgressReport,
        "annual reports": AnnualReport,
    }
    before = {label: model.objects.count() for label, model in models.items()}
    bodies = {
        body.kind: body for body in Body.objects.filter(kind__in=list(BODY_ACTIVITY)).order_by("-order")
    }
    secretary = Person.objects.filter(email=SECRETARY_EMAIL).select_related("user").first()
    if len(bodies) < 3 or secretary is None:
        stdout.write("Reports demo: the governance demo data is missing; run demo_data first.")
        return
    now = timezone.now() if today is None else _at(today, 12)
    today = today or timezone.localdate()
    ctx = Context(
        today=today,
        now=now,
        rng=random.Random(SEED),
        bodies=bodies,
        themes={theme.slug: theme for theme in Theme.objects.all()},
        objectives={objective.slug: objective for objective in Objective.objects.all()},
        board=_board_people(),
        people=list(
            Person.objects.filter(
                organisation__kind=Organisation.Kind.MUNICIPALITY,
                organisation__member_since__isnull=False,
                organisation__member_until__isnull=True,
            )
            .exclude(email=MEMBER_EMAIL)
            .order_by("pk")
        ),
        secretary_user=secretary.user,
    )
    new = {"meetings": 0, "events": 0, "newsletters": 0}
    with transaction.atomic():
        for year in (today.year - 1, today.year):
            for key, value in _year(ctx, year).items():
                new[key] += value
        _annual_report(today.year - 1)
        _motions(year=today.year - 1)
    published = _published_pdfs(today=today)
    after = {label: model.objects.count() for label, model in models.items()}
    stdout.write(
        "Reports demo: "
        + ", ".join(f"{after[label]} {label} ({after[label] - before[label]} new)" for label in models)
        + f"; {new['events']} events, {new['meetings']} meetings and {new['newsletters']} newsletters added "
        f"({Event.objects.count()} events in all); {published} PDFs rendered and published"
    )
