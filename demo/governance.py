"""Governance demo (the board): bodies with fictional members in every role, meetings before and
after today with agendas, generated PDF documents, built packs, a confidential item and an ALV;
and the board meetings of last year and this year that the workplans report on; last year's ALV
is held as an assembly (delegates, presence, two motions voted, minutes: demo/assembly.py).

Idempotent: bodies, mandates and meetings are looked up before they are made, and a year whose
workplan exists gets no new meetings, so a second run creates nothing new. Dates are relative to
today. No e-mail is sent (meetings are marked published directly and their packs built by the
service). The texts are in demo/data/governance.json and vng_commissions.csv.
"""

import csv
import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from governance.board import congress as board_congress
from governance.board import documents as board_documents
from governance.board import packs as board_packs
from governance.board import services as board_services
from governance.models import (
    AgendaItem,
    Body,
    CommissionSeat,
    Mandate,
    Meeting,
    MeetingPack,
    Theme,
    VngCommission,
    Workplan,
)
from members.models import Person

from . import assembly as demo_assembly
from . import members as demo_members
from . import minutes as demo_minutes
from .content import DATA_DIR, at, load_json, weekday
from .samples import sample_office, sample_pdf

BOARD_EMAIL = "bestuur@gouda.nl"
SECRETARY_EMAIL = "secretariaat@vzhg.nl"
COMMISSIONS_CSV = DATA_DIR / "vng_commissions.csv"
R = Mandate.Role


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-").replace("--", "-")


def _people() -> dict[str, list[Person]]:
    """The board is drawn from the fictional people of demo_people, not from the mayors and
    griffiers added later for the convocation (so a database loaded before keeps its board)."""
    added = [row["email"] for row in demo_members.designated_people(demo_members.load_municipalities())]
    pool = Person.objects.exclude(email__in=[BOARD_EMAIL, SECRETARY_EMAIL, *added]).filter(
        organisation__kind="municipality"
    )
    by_function = {}
    for function in ("burgemeester", "wethouder", "griffier", "gemeentesecretaris"):
        by_function[function] = list(pool.filter(function=function).order_by("email")[:6])
    return by_function


def _pdf(title: str, pages: int) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{_slug(title)}.pdf", sample_pdf(title=title, pages=pages))


def _meeting(body, spec: dict, today: datetime.date) -> Meeting:
    """A meeting `spec["days"]` from today with its agenda and documents (once, by title)."""
    meeting = Meeting.objects.filter(body=body, title=spec["title"]).first()
    if meeting is not None:
        return meeting
    meeting = Meeting.objects.create(
        body=body,
        title=spec["title"],
        starts_at=at(today + datetime.timedelta(days=spec["days"]), 10),
        location=load_json("governance.json")["meeting_location"],
        online_url="https://vergadering.example.org/vzhg" if body.kind == Body.Kind.DB else "",
    )
    for order, row in enumerate(spec["items"], start=1):
        proposal = row["proposal"]
        item = AgendaItem.objects.create(
            meeting=meeting,
            order=order,
            title=row["title"],
            kind=row["kind"],
            summary=f"Toelichting bij {row['title'].lower()}.",
            proposal=proposal,
            confidential=row["confidential"],
            decision=("Conform voorstel besloten." if proposal else "Kennisgenomen.")
            if spec["decisions"]
            else "",
        )
        if row["pages"]:
            board_documents.document_add(
                item=item, title=row["title"], uploaded=_pdf(row["title"], row["pages"])
            )
    # documents first, status after: a draft meeting's uploads queue no pack builds
    Meeting.objects.filter(pk=meeting.pk).update(
        status=spec["status"], published_at=timezone.now(), notice_sent_at=timezone.now(), publication=1
    )
    meeting.refresh_from_db()
    return meeting


def _alv(body: Body, today: datetime.date) -> Meeting:
    """The coming ALV from the template, with its annual documents and the budget worksheet."""
    alv = Meeting.objects.filter(body=body).first()
    if alv is not None:
        return alv
    year = today.year if today < today.replace(month=6, day=1) else today.year + 1
    # This year's ALV is held at the spring congress (demo/data/events.json), on its day, when
    # that is loaded.
    congress = board_congress.congress_events_free().filter(slug="alv-en-voorjaarscongres").first()
    alv = board_services.meeting_create_alv_from_template(
        body=body,
        starts_at=None if congress is not None else timezone.make_aware(datetime.datetime(year, 6, 5, 10)),
        event=congress,
    )
    for item in alv.items.filter(title__in=load_json("governance.json")["alv_documents"]):
        item.proposal = f"De ALV stelt het {item.title.lower()} vast."
        item.save(update_fields=["proposal"])
        board_documents.document_add(item=item, title=item.title, uploaded=_pdf(item.title, 2))
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
    return alv


def _board(*, bodies, themes, commissions, chair, secretary, people, today) -> None:
    """The mandates: the board took office after the municipal elections four years ago; one AB
    seat changed hands at last year's ALV, so the annual report has a change to show."""
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
            person, bodies[Body.Kind.AB], role, portfolios, start=changed_on if person == mayors[0] else start
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
        CommissionSeat.objects.get_or_create(person=person, commission=commission, defaults={"start": start})


# --- The workplan years: last year's and this year's board meetings ---------------------------


def _history_meeting(body, day: datetime.date, title: str, items: list[dict], today) -> Meeting:
    held = day < today
    meeting = Meeting.objects.create(
        body=body,
        title=title,
        starts_at=at(day, 10 if body.kind != Body.Kind.DB else 15),
        location=load_json("governance.json")["meeting_location"],
        status=Meeting.Status.HELD if held else Meeting.Status.CONCEPT,
    )
    AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=meeting,
            order=order,
            title=row["title"],
            kind=row["kind"],
            proposal=row["decision"] if row["kind"] == AgendaItem.Kind.BESLUITVORMING else "",
            decision=(row["decision"] or "Kennisgenomen.") if held else "",
        )
        for order, row in enumerate(items, start=1)
    )
    if held:
        published = at(day - datetime.timedelta(days=14), 9)
        Meeting.objects.filter(pk=meeting.pk).update(
            published_at=published, notice_sent_at=published, publication=1
        )
    return meeting


def _filled(items: list[dict], year: int) -> list[dict]:
    values = {"year": year, "last_year": year - 1, "next_year": year + 1}
    return [{key: value.format(**values) if isinstance(value, str) else value for key, value in row.items()}
            for row in items]  # fmt: skip


def history_meetings_load(*, bodies: dict, today: datetime.date) -> int:
    """Board meetings of last year and this year on the fixed days, around the ones that exist
    already, held when they lie before today. The year's first AB meeting gets the workplan on
    its agenda (the reports demo has it adopt the plan there). Returns the number created."""
    plan = load_json("governance.json")["history"]
    created = 0
    for year in (today.year - 1, today.year):
        if Workplan.objects.filter(year=year).exists():
            continue
        start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        for kind, days in ((Body.Kind.DB, plan["db_days"]), (Body.Kind.AB, plan["ab_days"])):
            body = bodies[kind]
            existing = [
                timezone.localdate(moment)
                for moment in Meeting.objects.filter(
                    body=body, starts_at__date__gte=start, starts_at__date__lte=end
                ).values_list("starts_at", flat=True)
            ]
            room = 6 - len(existing)
            for index, (month, day_of_month) in enumerate(days):
                day = weekday(datetime.date(year, month, day_of_month))
                if room <= 0 or day >= today:
                    continue
                if any(abs((day - other).days) < plan["gap_days"] for other in existing):
                    continue
                title = plan["titles"][kind].format(month=plan["months"][day.month - 1], year=year)
                if Meeting.objects.filter(body=body, title=title).exists():
                    continue
                first_ab = kind == Body.Kind.AB and index == 0
                items = _filled(plan["adopting_items"] if first_ab else plan["items"], year)
                _history_meeting(body, day, title, items, today)
                created += 1
                existing.append(day)
                room -= 1
        alv = bodies[Body.Kind.ALV]
        alv_day = weekday(datetime.date(year, *plan["alv_day"]))
        if (
            alv_day < today
            and not Meeting.objects.filter(
                body=alv, starts_at__date__gte=start, starts_at__date__lte=end
            ).exists()
        ):
            title = plan["titles"][Body.Kind.ALV].format(year=year)
            _history_meeting(alv, alv_day, title, _filled(plan["alv_items"], year), today)
            created += 1
    return created


def demo_load(*, stdout, today: datetime.date | None = None) -> None:
    """`today` is for trying the demo on another day of the year; it defaults to today."""
    today = today or timezone.localdate()
    data = load_json("governance.json")
    before = (Body.objects.count(), Mandate.objects.count(), Meeting.objects.count())
    with transaction.atomic():
        bodies = {}
        for row in data["bodies"]:
            slug = row.pop("slug")
            bodies[row["kind"]] = Body.objects.get_or_create(slug=slug, defaults=row)[0]
        themes = [
            Theme.objects.get_or_create(slug=row.pop("slug"), defaults=row)[0] for row in data["themes"]
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
        _board(
            bodies=bodies,
            themes=themes,
            commissions=commissions,
            chair=chair,
            secretary=secretary,
            people=people,
            today=today,
        )
        meetings = [_meeting(bodies[spec["body"]], spec, today) for spec in data["meetings"]]
        meetings.append(_alv(bodies[Body.Kind.ALV], today))
    for meeting in meetings:
        if not meeting.packs.filter(status=MeetingPack.Status.READY).exists():
            board_packs.meeting_pack_build(meeting_id=meeting.pk)
    with transaction.atomic():
        history = history_meetings_load(bodies=bodies, today=today)
        assembly = demo_assembly.last_alv_load(year=today.year - 1)
    demo_minutes.minutes_load(today=today)
    after = (Body.objects.count(), Mandate.objects.count(), Meeting.objects.count())
    stdout.write(
        f"Governance demo: {after[0]} bodies ({after[0] - before[0]} new), {after[1]} mandates "
        f"({after[1] - before[1]} new), {after[2]} meetings ({after[2] - before[2]} new, {history} of them "
        f"for the workplan years); last year's ALV: {assembly['delegates']} delegates, "
        f"{assembly['present']} municipalities present, {assembly['votes']} votes closed, "
        f"{assembly['actions']} actions ({sum(assembly.values())} new)"
    )
