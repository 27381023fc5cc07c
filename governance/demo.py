"""Demo data for governance: bodies with fictional members in every role, meetings before and
after today with agendas, generated PDF documents, built packs, a confidential item and an ALV.

Idempotent: bodies, mandates and meetings are looked up before they are made, so a second run
creates nothing new. Dates are relative to today. No e-mail is sent (meetings are marked
published directly and their packs built by the service)."""

import csv
import datetime
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from governance.board import documents as board_documents
from governance.board import packs as board_packs
from governance.board import services as board_services
from members.models import Person

from .models import AgendaItem, Body, CommissionSeat, Mandate, Meeting, MeetingPack, Theme, VngCommission
from .samples import sample_office, sample_pdf

BOARD_EMAIL = "bestuur@gouda.nl"
SECRETARY_EMAIL = "secretariaat@vzhg.nl"
COMMISSIONS_CSV = Path(__file__).resolve().parent / "data" / "vng_commissions.csv"

BODIES = [
    ("Algemene Ledenvergadering", "alv", Body.Kind.ALV, True, 0),
    ("Algemeen bestuur", "algemeen-bestuur", Body.Kind.AB, True, 1),
    ("Dagelijks bestuur", "dagelijks-bestuur", Body.Kind.DB, False, 2),
    ("Kascommissie", "kascommissie", Body.Kind.KASCOMMISSIE, False, 3),
    ("Stuurgroep Zuid-Holland Academie", "stuurgroep-zh-academie", Body.Kind.STUURGROEP, False, 4),
]
# (name, slug, description). The first eight are portfolios; the rest are the aandachtsgebieden of
# the workplan (werkplan), which board members hold as portfolios too. Descriptions in our own words.
THEMES = [
    (
        "Bestuur en veiligheid",
        "bestuur-en-veiligheid",
        "Openbare orde, ondermijning en een weerbaar lokaal bestuur.",
    ),
    (
        "Energie en klimaat",
        "energie-en-klimaat",
        "De energietransitie en klimaatadaptatie, van wijkaanpak tot netcongestie.",
    ),
    (
        "Europa",
        "europa",
        "Europese regels en fondsen die gemeenten raken, en de stem van Zuid-Holland in Brussel.",
    ),
    ("Financiën", "financiën", "Gemeentefinanciën en de financiële verhoudingen met Rijk en provincie."),
    (
        "Jeugd(zorg)",
        "jeugd",
        "De hervorming van de jeugdzorg volgen en kennis delen tussen gemeenten. Wie beslist over de zorg, "
        "draagt ook de financiële risico's: daar moeten beleidsvrijheid en geld met elkaar in evenwicht zijn.",
    ),
    ("Sociaal domein", "sociaal-domein", "Zorg, werk en inkomen, en de samenwerking daarover in de regio's."),
    ("Wonen en ruimte", "wonen-en-ruimte", "Woningbouw, de Omgevingswet en de inrichting van de provincie."),
    (
        "Zuid-Holland Academie",
        "zuid-holland-academie",
        "Het kennis- en netwerkplatform van en voor het openbaar bestuur in Zuid-Holland, samen met de provincie.",
    ),
    (
        "Participatie & polarisatie",
        "participatie-polarisatie",
        "Hoe betrekken gemeenten hun inwoners, en jongeren in het bijzonder, bij de lokale democratie? En wat "
        "doen we als tegenstellingen scherper worden? Ook participatie onder de Omgevingswet hoort hierbij.",
    ),
    (
        "Brede welvaart",
        "brede-welvaart",
        "Verder kijken dan economische groei: wat vinden inwoners van waarde, nu en voor later? Gemeenten, regio's "
        "en de provincie gebruiken brede welvaart steeds vaker om keuzes af te wegen.",
    ),
    (
        "Ruimtelijke puzzel",
        "ruimtelijke-puzzel",
        "Wonen, werken, energie, water en natuur vragen allemaal ruimte. De vereniging komt op voor een open en "
        "gelijkwaardig proces met provincie en Rijk, waarin elke gemeente gehoord wordt.",
    ),
    (
        "Asiel & migratie",
        "asiel-migratie",
        "Opvang van asielzoekers en huisvesting van statushouders: bestuurders delen ervaringen en stemmen af met "
        "de regio's en de VNG.",
    ),
    (
        "Netwerken & samenwerkingsverbanden",
        "netwerken-samenwerkingsverbanden",
        "De vereniging brengt mensen met elkaar in contact: het strategennetwerk, de regionale "
        "samenwerkingsverbanden en iedereen die een partner zoekt om mee samen te werken.",
    ),
]
R = Mandate.Role


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-").replace("--", "-")


def _people() -> dict[str, list[Person]]:
    pool = Person.objects.exclude(email__in=[BOARD_EMAIL, SECRETARY_EMAIL]).filter(
        organisation__kind="municipality"
    )
    by_function = {}
    for function in ("burgemeester", "wethouder", "griffier", "gemeentesecretaris"):
        by_function[function] = list(pool.filter(function=function).order_by("email")[:6])
    return by_function


def _at(days: int, hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _meeting(body, title, days, items, *, status, documents=True, decisions=False) -> Meeting:
    meeting = Meeting.objects.filter(body=body, title=title).first()
    if meeting is not None:
        return meeting
    meeting = Meeting.objects.create(
        body=body,
        title=title,
        starts_at=_at(days),
        location="VNG, Nassaulaan 12, Den Haag",
        online_url="https://vergadering.example.org/vzhg" if body.kind == Body.Kind.DB else "",
    )
    for order, (item_title, kind, proposal, confidential, pages) in enumerate(items, start=1):
        item = AgendaItem.objects.create(
            meeting=meeting,
            order=order,
            title=item_title,
            kind=kind,
            summary=f"Toelichting bij {item_title.lower()}.",
            proposal=proposal,
            confidential=confidential,
            decision=("Conform voorstel besloten." if proposal else "Kennisgenomen.") if decisions else "",
        )
        if documents and pages:
            board_documents.document_add(
                item=item,
                title=item_title,
                uploaded=SimpleUploadedFile(
                    f"{_slug(item_title)}.pdf", sample_pdf(title=item_title, pages=pages)
                ),
            )
    # documents first, status after: a draft meeting's uploads queue no pack builds
    Meeting.objects.filter(pk=meeting.pk).update(
        status=status, published_at=timezone.now(), notice_sent_at=timezone.now(), publication=1
    )
    meeting.refresh_from_db()
    return meeting


def demo_load(*, stdout) -> None:
    before = (Body.objects.count(), Mandate.objects.count(), Meeting.objects.count())
    with transaction.atomic():
        bodies = {}
        for name, slug, kind, public, order in BODIES:
            bodies[kind], _created = Body.objects.get_or_create(
                slug=slug, defaults={"name": name, "kind": kind, "public_meetings": public, "order": order}
            )
        themes = [
            Theme.objects.get_or_create(slug=slug, defaults={"name": name, "description": description})[0]
            for name, slug, description in THEMES
        ]
        with COMMISSIONS_CSV.open(encoding="utf-8", newline="") as handle:
            commissions = [
                VngCommission.objects.get_or_create(name=row["name"], defaults={"kind": row["kind"]})[0]
                for row in csv.DictReader(handle)
            ]

        chair = Person.objects.filter(email=BOARD_EMAIL).first()
        secretary = Person.objects.filter(email=SECRETARY_EMAIL).first()
        people = _people()
        if chair is None or secretary is None or len(people["wethouder"]) < 6:
            stdout.write("Governance demo: the members demo data is missing; run demo_data first.")
            return
        # The board took office after the municipal elections four years ago; one AB seat changed
        # hands at last year's ALV, so the annual report has a change to show.
        today = timezone.localdate()
        start = datetime.date(today.year - 4, 6, 1)
        changed_on = datetime.date(today.year - 1, 5, 21)
        mayors, aldermen, clerks, secretaries = (
            people[f] for f in ("burgemeester", "wethouder", "griffier", "gemeentesecretaris")
        )
        db_plan = [
            (chair, R.VOORZITTER, [themes[0], themes[2], themes[8]]),
            (aldermen[0], R.VICE_VOORZITTER, [themes[4], themes[11]]),
            (aldermen[1], R.PENNINGMEESTER, [themes[3]]),
            (secretary, R.BESTUURLIJK_SECRETARIS, []),
        ]
        ab_plan = db_plan + [
            (mayors[0], R.LID, [themes[6], themes[10]]),
            (aldermen[2], R.LID, [themes[4], themes[5]]),
            (aldermen[3], R.LID, [themes[1], themes[9]]),
            (secretaries[0], R.LID, [themes[7], themes[12]]),
            (clerks[0], R.ADVISEREND_LID, []),
            (secretaries[1], R.ADVISEREND_LID, []),
        ]

        created_board = []

        def mandate(person, body, role, portfolios, start=start, end=None):
            row, created = Mandate.objects.get_or_create(
                person=person, body=body, role=role, start=start, defaults={"end": end}
            )
            if created and portfolios:
                row.portfolios.set(portfolios)
            if created and body.kind in (Body.Kind.AB, Body.Kind.DB):
                created_board.append(row.pk)
            return row

        for person, role, portfolios in ab_plan:
            mandate(
                person,
                bodies[Body.Kind.AB],
                role,
                portfolios,
                start=changed_on if person == mayors[0] else start,
            )
        for person, role, portfolios in db_plan:
            mandate(person, bodies[Body.Kind.DB], role, portfolios)
        # two former AB members, for the history page
        mandate(
            mayors[1],
            bodies[Body.Kind.AB],
            R.LID,
            [themes[6]],
            start=start,
            end=changed_on - datetime.timedelta(days=1),
        )
        mandate(
            aldermen[4],
            bodies[Body.Kind.AB],
            R.VICE_VOORZITTER,
            [themes[4]],
            start=start - datetime.timedelta(days=3 * 365),
            end=start - datetime.timedelta(days=1),
        )
        # Every board change was registered with the KvK a week later, except last year's
        # change of AB seat, which is on the secretariat's to-do list.
        week = datetime.timedelta(days=7)
        for row in Mandate.objects.filter(pk__in=created_board):
            if row.start != changed_on:
                row.kvk_start_reported_on = row.start + week
            if row.end is not None and row.end != changed_on - datetime.timedelta(days=1):
                row.kvk_end_reported_on = row.end + week
            row.save(update_fields=["kvk_start_reported_on", "kvk_end_reported_on"])
        mandate(clerks[1], bodies[Body.Kind.KASCOMMISSIE], R.LID, [])
        mandate(secretaries[2], bodies[Body.Kind.KASCOMMISSIE], R.LID, [])
        mandate(mayors[2], bodies[Body.Kind.STUURGROEP], R.VOORZITTER, [themes[7]])
        mandate(chair, bodies[Body.Kind.STUURGROEP], R.LID, [themes[7]])
        mandate(clerks[2], bodies[Body.Kind.STUURGROEP], R.LID, [])
        for person, commission in (
            (chair, commissions[2]),
            (aldermen[1], commissions[6]),
            (aldermen[2], commissions[9]),
            (secretaries[0], commissions[14]),
        ):
            CommissionSeat.objects.get_or_create(
                person=person, commission=commission, defaults={"start": start}
            )

        K = AgendaItem.Kind
        P, H = Meeting.Status.PUBLISHED, Meeting.Status.HELD
        meetings = [
            _meeting(
                bodies[Body.Kind.DB],
                "Vergadering dagelijks bestuur (vorige)",
                -28,
                [
                    ("Opening en mededelingen", K.MEDEDELINGEN, "", False, 0),
                    (
                        "Financiële rapportage eerste halfjaar",
                        K.BESLUITVORMING,
                        "Het DB stelt de halfjaarrapportage vast.",
                        False,
                        2,
                    ),
                    ("Voorbereiding najaarscongres", K.BESPREKING, "", False, 1),
                    ("Rondvraag", K.RONDVRAAG, "", False, 0),
                ],
                status=H,
                decisions=True,
            ),
            _meeting(
                bodies[Body.Kind.DB],
                "Vergadering dagelijks bestuur",
                9,
                [
                    ("Opening en mededelingen", K.MEDEDELINGEN, "", False, 0),
                    (
                        "Begroting volgend jaar",
                        K.BESLUITVORMING,
                        "Het DB legt de ontwerpbegroting voor aan het AB.",
                        False,
                        3,
                    ),
                    (
                        "Personele aangelegenheid secretariaat",
                        K.BESLUITVORMING,
                        "Het DB stemt in met de verlenging van de inhuur.",
                        True,
                        1,
                    ),
                    ("Rondvraag", K.RONDVRAAG, "", False, 0),
                ],
                status=P,
            ),
            _meeting(
                bodies[Body.Kind.AB],
                "Vergadering algemeen bestuur (vorige)",
                -42,
                [
                    ("Opening en vaststelling agenda", K.MEDEDELINGEN, "", False, 0),
                    ("Werkplan volgend jaar", K.BESLUITVORMING, "Het AB stelt het werkplan vast.", False, 2),
                    ("Rondvraag", K.RONDVRAAG, "", False, 0),
                ],
                status=H,
                decisions=True,
            ),
            _meeting(
                bodies[Body.Kind.AB],
                "Vergadering algemeen bestuur",
                21,
                [
                    ("Opening en vaststelling agenda", K.MEDEDELINGEN, "", False, 0),
                    (
                        "Ontwerpbegroting volgend jaar",
                        K.BESLUITVORMING,
                        "Het AB stemt in met de ontwerpbegroting en legt die voor aan de ALV.",
                        False,
                        3,
                    ),
                    ("Terugblik najaarscongres", K.INFORMATIE, "", False, 1),
                    ("Rondvraag", K.RONDVRAAG, "", False, 0),
                ],
                status=P,
            ),
        ]
        alv = Meeting.objects.filter(body=bodies[Body.Kind.ALV]).first()
        if alv is None:
            today = timezone.localdate()
            year = today.year if today < today.replace(month=6, day=1) else today.year + 1
            alv = board_services.meeting_create_alv_from_template(
                body=bodies[Body.Kind.ALV], starts_at=timezone.make_aware(datetime.datetime(year, 6, 5, 10))
            )
            for item in alv.items.filter(title__in=["Jaarverslag", "Jaarrekening"]):
                item.proposal = f"De ALV stelt het {item.title.lower()} vast."
                item.save(update_fields=["proposal"])
                board_documents.document_add(
                    item=item,
                    title=item.title,
                    uploaded=SimpleUploadedFile(
                        f"{_slug(item.title)}.pdf", sample_pdf(title=item.title, pages=2)
                    ),
                )
            begroting = alv.items.filter(title__icontains="begroting").first()
            board_documents.document_add(
                item=begroting,
                title="Begroting (werkblad)",
                uploaded=SimpleUploadedFile("begroting.xlsx", sample_office(kind="xlsx")),
            )
            Meeting.objects.filter(pk=alv.pk).update(
                status=Meeting.Status.PUBLISHED,
                published_at=timezone.now(),
                notice_sent_at=timezone.now(),
                publication=1,
            )
        meetings.append(alv)
    for meeting in meetings:
        if not meeting.packs.filter(status=MeetingPack.Status.READY).exists():
            board_packs.meeting_pack_build(meeting_id=meeting.pk)
    after = (Body.objects.count(), Mandate.objects.count(), Meeting.objects.count())
    stdout.write(
        f"Governance demo: {after[0]} bodies ({after[0] - before[0]} new), {after[1]} mandates "
        f"({after[1] - before[1]} new), {after[2]} meetings ({after[2] - before[2]} new)"
    )
    # The workplan and annual report build on the bodies, mandates and meetings above.
    from .report_demo import demo_load as reports_demo_load

    reports_demo_load(stdout=stdout)
