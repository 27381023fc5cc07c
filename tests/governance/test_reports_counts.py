"""The workplan's and annual report's numbers, computed from the data (governance/reports/
selectors.py and annual.py) and the writes around them (governance/reports/services.py): planned
vs realised as linked events and meetings come and go, the half-year report's order, ledenbinding
(engagement), the annual report's data, copying a plan, progress reports and publishing a PDF version."""

import datetime

import pytest
from django.utils import timezone

from events.models import Event, Registration
from governance.models import (
    AnnualReport,
    AnnualReportSection,
    Body,
    Mandate,
    Meeting,
    Objective,
    PlannedActivity,
    ProgressReport,
    ReportVersion,
    Theme,
    Workplan,
    WorkplanSection,
)
from governance.reports import annual as report_annual
from governance.reports import selectors as report_selectors
from governance.reports import services as report_services
from newsletters.models import Delivery, Newsletter, Subscription
from tests.events.staff_factories import EventFactory, RegistrationFactory
from tests.factories import (
    MemberFactory,
    MunicipalityFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
)
from vzhg.errors import ServiceError

from .conftest import seat

pytestmark = pytest.mark.django_db

YEAR = 2025
TZ = timezone.get_default_timezone()
# "Now" for the counts: the middle of the plan's year.
NOW = datetime.datetime(YEAR, 7, 1, 12, 0, tzinfo=TZ)


def at(month: int, day: int, hour: int = 10, year: int = YEAR) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, 0, tzinfo=TZ)


def event_at(moment: datetime.datetime, **fields) -> Event:
    return EventFactory(starts_at=moment, ends_at=moment + datetime.timedelta(hours=3), **fields)


def meeting_at(body: Body, moment: datetime.datetime, status=Meeting.Status.HELD) -> Meeting:
    return Meeting.objects.create(
        body=body, title=f"Vergadering {moment:%d-%m-%Y}", starts_at=moment, status=status
    )


@pytest.fixture
def plan(db):
    return Workplan.objects.create(year=YEAR)


def activity(
    plan: Workplan, title: str = "Algemeen bestuur", planned: int | None = 6, order: int = 1
) -> PlannedActivity:
    return PlannedActivity.objects.create(
        workplan=plan, order=order, title=title, kind=PlannedActivity.Kind.BOARD, planned_count=planned
    )


def line_of(plan: Workplan, target: PlannedActivity, now=NOW) -> report_selectors.ActivityLine:
    return next(
        line
        for line in report_selectors.activity_lines(workplan=plan, now=now)
        if line.activity.pk == target.pk
    )


# --- Planned vs realised ----------------------------------------------------------------------


def test_realised_count_follows_linked_events_and_meetings(plan, bodies):
    board = activity(plan, planned=6)
    held_events = [event_at(at(2, 10)), event_at(at(4, 14))]
    held_meeting = meeting_at(bodies["ab"], at(3, 20))
    started_meeting = meeting_at(bodies["ab"], at(6, 2), status=Meeting.Status.PUBLISHED)
    assert line_of(plan, board).realised == 0

    board.events.add(*held_events)
    board.meetings.add(held_meeting, started_meeting)
    line = line_of(plan, board)
    assert (line.realised, line.upcoming) == (4, 0)
    assert line.behind  # 4 held and nothing planned for the rest of the year: short of 6

    board.events.remove(held_events[0])
    assert line_of(plan, board).realised == 3
    board.meetings.remove(held_meeting)
    assert line_of(plan, board).realised == 2
    board.meetings.add(held_meeting)
    board.events.add(event_at(at(9, 1)), event_at(at(10, 1)))
    line = line_of(plan, board)
    assert (line.realised, line.upcoming, line.behind) == (3, 2, True)
    board.events.add(event_at(at(11, 1)))
    assert line_of(plan, board).behind is False  # 3 held + 3 still to come = 6


def test_cancelled_draft_future_and_other_years_do_not_count_as_realised(plan, bodies):
    board = activity(plan, planned=6)
    board.events.add(
        event_at(at(3, 1), status=Event.Status.CANCELLED),  # cancelled: neither held nor upcoming
        event_at(at(3, 8), status=Event.Status.DRAFT),  # never published: not held
        event_at(at(11, 1), status=Event.Status.CANCELLED),  # cancelled and in the future: not upcoming
        event_at(at(9, 15)),  # still to come: upcoming
        event_at(at(6, 1, year=YEAR - 1)),  # last year's
        event_at(at(2, 1, year=YEAR + 1)),  # next year's
    )
    board.meetings.add(
        meeting_at(bodies["ab"], at(4, 2), status=Meeting.Status.CONCEPT),  # a draft in the past
        meeting_at(bodies["ab"], at(10, 2), status=Meeting.Status.PUBLISHED),  # still to come: upcoming
        meeting_at(bodies["ab"], at(12, 2, year=YEAR - 1)),  # held, but last year
    )
    line = line_of(plan, board)
    assert line.realised == 0
    assert line.upcoming == 2

    # The future items count as realised once the year has passed them.
    later = datetime.datetime(YEAR, 12, 31, 12, tzinfo=TZ)
    line = line_of(plan, board, now=later)
    assert (line.realised, line.upcoming) == (2, 0)


def test_a_meeting_marked_held_counts_and_a_draft_does_not(plan, bodies):
    board = activity(plan, planned=6)
    meeting = meeting_at(bodies["db"], at(5, 1), status=Meeting.Status.CONCEPT)
    board.meetings.add(meeting)
    assert line_of(plan, board).realised == 0

    meeting.status = Meeting.Status.HELD
    meeting.save()
    assert line_of(plan, board).realised == 1
    # Marked held ahead of its start (the secretariat closes it early): held, not upcoming.
    early = meeting_at(bodies["db"], at(9, 1), status=Meeting.Status.HELD)
    board.meetings.add(early)
    line = line_of(plan, board)
    assert (line.realised, line.upcoming) == (2, 0)


def test_counts_are_per_activity_and_continuous_work_is_never_behind(plan):
    congress, communication = (
        activity(plan, "Najaarscongres", planned=1),
        activity(plan, "Communicatie", planned=None, order=2),
    )
    event = event_at(at(3, 1))
    congress.events.add(event)
    communication.events.add(event)
    other = event_at(at(4, 1))
    congress.events.add(other)
    lines = {line.activity.title: line for line in report_selectors.activity_lines(workplan=plan, now=NOW)}
    assert lines["Najaarscongres"].realised == 2
    assert lines["Communicatie"].realised == 1
    assert lines["Communicatie"].behind is False


# --- Copying a plan ---------------------------------------------------------------------------


def test_workplan_copy_takes_the_plan_but_not_what_happened(plan, bodies):
    plan.title = f"Werkplan {YEAR}: samen sterker"
    plan.save()
    WorkplanSection.objects.create(workplan=plan, order=1, title="Inleiding", body="**Alle** gemeenten.")
    WorkplanSection.objects.create(workplan=plan, order=2, title="Organisatie", body="Het bestuur.")
    theme = Theme.objects.create(name="Brede welvaart", slug="brede-welvaart")
    chair = MemberFactory()
    source = PlannedActivity.objects.create(
        workplan=plan, order=3, code="B2", kind=PlannedActivity.Kind.THEME, title="Themabijeenkomsten",
        planned_count=6, count_note="inclusief voorjaarscongres", period="verspreid over het jaar",
        attachment="Draaiboek", explanation="Per aandachtsgebied *een* bijeenkomst.",
        objectives_note="Kennis delen\nElkaar ontmoeten", priority="A", role=PlannedActivity.Role.INITIATING,
        success_criteria="Elk thema één keer.",
    )  # fmt: skip
    source.objectives.set(Objective.objects.filter(slug__in=["kennisdeling", "ontmoeting"]))
    source.themes.add(theme)
    source.responsible.add(chair)
    source.events.add(event_at(at(3, 1)))
    source.meetings.add(meeting_at(bodies["ab"], at(3, 2)))
    report_services.progress_report_save(activity=source, half=1, light="green", text="Op schema.")

    copy = report_services.workplan_copy(source=plan, year=YEAR + 1)

    assert copy.year == YEAR + 1 and copy.status == Workplan.Status.CONCEPT
    assert copy.title == f"Werkplan {YEAR + 1}: samen sterker"
    assert [(s.order, s.title, s.body) for s in copy.sections.all()] == [
        (1, "Inleiding", "**Alle** gemeenten."),
        (2, "Organisatie", "Het bestuur."),
    ]
    (copied,) = copy.activities.all()
    fields = ["order", "code", "kind", "title", "planned_count", "count_note", "period", "attachment",
              "explanation", "objectives_note", "success_criteria", "priority", "role"]  # fmt: skip
    assert {f: getattr(copied, f) for f in fields} == {f: getattr(source, f) for f in fields}
    assert set(copied.objectives.values_list("slug", flat=True)) == {"kennisdeling", "ontmoeting"}
    assert list(copied.themes.all()) == [theme]
    assert list(copied.responsible.all()) == [chair]
    assert not copied.events.exists() and not copied.meetings.exists()
    assert not copied.progress_reports.exists()
    # The source keeps what it had.
    assert (
        source.events.count() == 1 and source.meetings.count() == 1 and source.progress_reports.count() == 1
    )
    assert WorkplanSection.objects.filter(workplan=plan).count() == 2


def test_workplan_copy_refuses_a_year_that_has_a_plan(plan):
    activity(plan)
    existing = Workplan.objects.create(year=YEAR + 1)
    with pytest.raises(ServiceError, match=f"already a workplan for {YEAR + 1}"):
        report_services.workplan_copy(source=plan, year=YEAR + 1)
    assert not existing.activities.exists()
    assert Workplan.objects.count() == 2 and PlannedActivity.objects.count() == 1


# --- Progress reports -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("half", "light", "text", "message"),
    [
        (3, "green", "Op schema.", "first or the second half year"),
        (0, "green", "Op schema.", "first or the second half year"),
        (1, "blue", "Op schema.", "green, orange or red"),
        (1, "", "Op schema.", "green, orange or red"),
        (2, "red", "   \n ", "short explanation"),
    ],
)
def test_progress_report_save_refuses_bad_input(plan, half, light, text, message):
    target = activity(plan)
    with pytest.raises(ServiceError, match=message):
        report_services.progress_report_save(activity=target, half=half, light=light, text=text)
    assert not ProgressReport.objects.exists()


def test_progress_report_save_rewrites_the_same_half(plan):
    target = activity(plan)
    author, editor = UserFactory(is_staff=True), UserFactory(is_staff=True)
    first = report_services.progress_report_save(
        activity=target, half=1, light="green", text=" Op schema. ", actor=author
    )
    assert first.text == "Op schema."
    again = report_services.progress_report_save(
        activity=target, half=1, light="red", text="Twee vergaderingen afgelast.", actor=editor
    )
    assert again.pk == first.pk
    report_services.progress_report_save(
        activity=target, half=2, light="orange", text="Ingehaald in het najaar."
    )
    assert list(ProgressReport.objects.order_by("half").values_list("half", "light", "text")) == [
        (1, "red", "Twee vergaderingen afgelast."),
        (2, "orange", "Ingehaald in het najaar."),
    ]
    assert ProgressReport.objects.get(half=1).written_by == editor
    assert line_of(plan, target).latest_report.half == 2


def test_half_year_report_lists_red_then_orange_then_green_then_unreported(plan):
    green, red, silent, orange, red_later = (
        activity(plan, title, order=order)
        for order, title in enumerate(["Groen", "Rood", "Stil", "Oranje", "Ook rood"], start=1)
    )
    for target, light in [(green, "green"), (red, "red"), (orange, "orange"), (red_later, "red")]:
        report_services.progress_report_save(activity=target, half=1, light=light, text=f"Stand: {light}.")
    # A second-half report does not belong in the first half's list.
    report_services.progress_report_save(activity=silent, half=2, light="green", text="Later gestart.")

    first = report_selectors.half_year_report(workplan=plan, half=1)
    assert [(a.title, report.light if report else None) for a, report in first] == [
        ("Rood", "red"),
        ("Ook rood", "red"),
        ("Oranje", "orange"),
        ("Groen", "green"),
        ("Stil", None),
    ]
    second = report_selectors.half_year_report(workplan=plan, half=2)
    assert [a.title for a, report in second if report] == ["Stil"]
    assert [a.title for a, report in second][1:] == ["Groen", "Rood", "Oranje", "Ook rood"]


# --- Ledenbinding (engagement) ----------------------------------------------------------------


def registration(event, organisation, *, person=True, attended=True, status=Registration.Status.CONFIRMED):
    who = MemberFactory(organisation=organisation) if person else None
    return RegistrationFactory(
        event=event, person=who, organisation=organisation, attended=attended, status=status
    )


def test_engagement_counts_attendance_per_member_municipality(db):
    delft, gouda, leiden, quiet = (
        MunicipalityFactory(name=name) for name in ["Delft", "Gouda", "Leiden", "Zwijndrecht"]
    )
    gone = MunicipalityFactory(name="Oudgemeente", member_until=datetime.date(YEAR - 1, 12, 31))
    partner = OrganisationFactory(name="Provincie Zuid-Holland", kind="province")
    congress, network = event_at(at(3, 1)), event_at(at(9, 1))
    cancelled = event_at(at(5, 1), status=Event.Status.CANCELLED)
    last_year = event_at(at(5, 1, year=YEAR - 1))

    registration(congress, delft)
    registration(network, delft)
    regular = registration(congress, delft)
    registration(network, delft, person=False)  # anonymised later: the organisation is kept
    RegistrationFactory(event=network, person=regular.person, organisation=delft, attended=True)
    registration(congress, gouda)
    registration(congress, gouda, attended=False)  # registered, did not come
    registration(cancelled, leiden)  # the event was cancelled
    registration(last_year, leiden)
    registration(congress, partner)
    registration(congress, gone)

    result = report_annual.engagement(year=YEAR)

    assert result.members == 4  # Oudgemeente left before the year; the province is no member
    rows = {row.organisation.name: row for row in result.rows}
    assert set(rows) == {"Delft", "Gouda", "Leiden", "Zwijndrecht"}
    assert (rows["Delft"].attendances, rows["Delft"].people, rows["Delft"].registrations) == (5, 4, 5)
    assert (rows["Gouda"].attendances, rows["Gouda"].people, rows["Gouda"].registrations) == (1, 1, 2)
    assert rows["Leiden"].attendances == 0 and rows["Leiden"].registrations == 0
    assert [row.organisation.name for row in result.rows][:2] == ["Delft", "Gouda"]  # most attendances first
    assert [o.name for o in result.not_reached] == ["Leiden", "Zwijndrecht"]
    assert (result.reached, result.maximum) == (2, 5)
    assert quiet in result.not_reached


def test_engagement_keeps_anonymised_registrations(db):
    delft = MunicipalityFactory(name="Delft")
    event = event_at(at(3, 1))
    kept = registration(event, delft)
    before = report_annual.engagement(year=YEAR).rows[0]
    Registration.objects.filter(pk=kept.pk).update(person=None, anonymised_at=timezone.now())
    after = report_annual.engagement(year=YEAR).rows[0]
    assert (
        (after.attendances, after.people, after.registrations)
        == (before.attendances, before.people, before.registrations)
        == (1, 1, 1)
    )


# --- The annual report's data -----------------------------------------------------------------


def test_annual_report_data_board_on_31_december_and_the_changes_in_the_year(bodies):
    stays, leaves, joins, next_year, long_gone = (
        PersonFactory(last_name=name) for name in ["Blijft", "Vertrekt", "Komt", "Volgend", "Oud"]
    )
    seat(stays, bodies["ab"], Mandate.Role.VOORZITTER, start=datetime.date(YEAR - 2, 1, 1))
    seat(stays, bodies["db"], Mandate.Role.VOORZITTER, start=datetime.date(YEAR - 2, 1, 1))
    seat(leaves, bodies["ab"], start=datetime.date(YEAR - 1, 1, 1), end=datetime.date(YEAR, 6, 30))
    seat(joins, bodies["ab"], start=datetime.date(YEAR, 7, 1))
    seat(next_year, bodies["ab"], start=datetime.date(YEAR + 1, 1, 1))
    seat(long_gone, bodies["ab"], start=datetime.date(YEAR - 4, 1, 1), end=datetime.date(YEAR - 1, 12, 31))
    seat(PersonFactory(last_name="Kas"), bodies["alv"], start=datetime.date(YEAR, 3, 1))  # not the board

    data = report_annual.annual_report_data(year=YEAR, now=NOW)

    assert sorted((m.person.last_name, m.body.kind) for m in data.board) == [
        ("Blijft", "ab"),
        ("Blijft", "db"),
        ("Komt", "ab"),
    ]
    assert [(c["date"], c["mandate"].person.last_name, c["joined"]) for c in data.board_changes] == [
        (datetime.date(YEAR, 6, 30), "Vertrekt", False),
        (datetime.date(YEAR, 7, 1), "Komt", True),
    ]


def test_annual_report_data_meetings_per_body_and_events_with_members_reached(bodies):
    for moment in [at(2, 1), at(5, 1)]:
        meeting_at(bodies["ab"], moment)
    meeting_at(bodies["db"], at(3, 1))
    meeting_at(bodies["db"], at(4, 1), status=Meeting.Status.CONCEPT)
    meeting_at(bodies["db"], at(3, 1, year=YEAR - 1))
    meeting_at(bodies["alv"], at(5, 20), status=Meeting.Status.PUBLISHED)  # published and started: held

    delft, gouda, _leiden = (MunicipalityFactory(name=name) for name in ["Delft", "Gouda", "Leiden"])
    partner = OrganisationFactory(name="VNG", kind="vng")
    congress, sounding = event_at(at(3, 10)), event_at(at(6, 10))
    registration(congress, delft)
    registration(congress, delft, attended=False)
    registration(congress, partner)
    registration(sounding, gouda)
    registration(sounding, gouda, status=Registration.Status.CANCELLED, attended=False)
    registration(event_at(at(4, 10), status=Event.Status.CANCELLED), _leiden)
    registration(event_at(at(4, 11), status=Event.Status.DRAFT), _leiden)
    event_at(at(7, 1, hour=10))  # started, but has not ended at NOW

    data = report_annual.annual_report_data(year=YEAR, now=NOW)

    assert [(group.body.kind, len(group.meetings)) for group in data.meetings] == [
        ("alv", 1),
        ("ab", 2),
        ("db", 1),
    ]
    assert [event.pk for event in data.events] == [congress.pk, sounding.pk]
    assert [(e.confirmed, e.attended_count, e.municipalities) for e in data.events] == [(3, 2, 1), (1, 1, 1)]
    assert data.event_totals == {
        "count": 2,
        "registrations": 4,
        "attended": 3,
        "municipalities": 2,
        "members": 3,
    }
    assert [o.name for o in data.engagement.not_reached] == ["Leiden"]


def test_annual_report_data_newsletters_sent_in_the_year_with_deliveries(db):
    def edition(slug, status, sent_at, delivered=0, failed=0):
        newsletter = Newsletter.objects.create(
            title=slug, slug=slug, date=YEAR_DAY, status=status, sent_at=sent_at
        )
        for n in range(delivered + failed):
            subscription = Subscription.objects.create(
                email=f"{slug}-{n}@example.org", status=Subscription.Status.CONFIRMED
            )
            Delivery.objects.create(
                newsletter=newsletter,
                subscription=subscription,
                status=Delivery.Status.SENT if n < delivered else Delivery.Status.FAILED,
            )
        return newsletter

    YEAR_DAY = datetime.date(YEAR, 3, 1)  # noqa: N806 - a constant for this test
    spring = edition("voorjaar", Newsletter.Status.SENT, at(3, 1), delivered=3, failed=1)
    autumn = edition("najaar", Newsletter.Status.SENT, at(10, 1), delivered=2)
    edition("vorig-jaar", Newsletter.Status.SENT, at(12, 1, year=YEAR - 1), delivered=5)
    edition("concept", Newsletter.Status.CONCEPT, None)

    data = report_annual.annual_report_data(year=YEAR, now=NOW)

    assert [(n.pk, n.delivered) for n in data.newsletters] == [(spring.pk, 3), (autumn.pk, 2)]


def test_annual_report_data_membership_joined_and_left(db):
    MunicipalityFactory(name="Alblasserdam", member_since=datetime.date(1990, 1, 1))
    MunicipalityFactory(name="Nieuwkoop", member_since=datetime.date(YEAR, 3, 1))
    MunicipalityFactory(
        name="Oudstad", member_since=datetime.date(1990, 1, 1), member_until=datetime.date(YEAR, 9, 30)
    )
    MunicipalityFactory(name="Toekomst", member_since=datetime.date(YEAR + 1, 1, 1))
    MunicipalityFactory(
        name="Verleden", member_since=datetime.date(1990, 1, 1), member_until=datetime.date(YEAR - 1, 12, 31)
    )
    OrganisationFactory(name="Zuid-Holland Academie")

    data = report_annual.annual_report_data(year=YEAR, now=NOW)

    assert data.membership["members"] == 2  # on 31 December: Alblasserdam and Nieuwkoop
    assert [o.name for o in data.membership["joined"]] == ["Nieuwkoop"]
    assert [o.name for o in data.membership["left"]] == ["Oudstad"]
    assert data.engagement.members == 3  # members at some time in the year


def test_annual_report_data_carries_the_plan_and_the_narrative_chapters(plan, bodies):
    board = activity(plan, planned=6)
    board.meetings.add(meeting_at(bodies["ab"], at(2, 1)))
    report = AnnualReport.objects.create(year=YEAR)
    AnnualReportSection.objects.create(report=report, order=2, title="Financiën in het kort")
    AnnualReportSection.objects.create(report=report, order=1, title="Voorwoord")

    data = report_services.document_context(kind=ReportVersion.Kind.ANNUAL_REPORT, year=YEAR)["data"]

    assert data.workplan == plan
    assert [(line.activity.title, line.realised) for line in data.lines] == [("Algemeen bestuur", 1)]
    assert [section.title for section in data.sections] == ["Voorwoord", "Financiën in het kort"]


# --- Publishing a PDF version -----------------------------------------------------------------


def version(kind, number, status=ReportVersion.Status.READY, year=YEAR):
    return ReportVersion.objects.create(kind=kind, year=year, version=number, status=status)


def test_report_version_publish_needs_a_finished_pdf_of_a_public_document(plan, bodies):
    report = AnnualReport.objects.create(year=YEAR)
    ready = version(ReportVersion.Kind.ANNUAL_REPORT, 1)
    with pytest.raises(ServiceError, match="Publish the annual report before"):
        report_services.report_version_publish(version=ready)

    report_services.annual_report_publish(report=report)
    for status in [ReportVersion.Status.BUILDING, ReportVersion.Status.FAILED]:
        unfinished = version(ReportVersion.Kind.ANNUAL_REPORT, 10 + len(status), status=status)
        with pytest.raises(ServiceError, match="Only a finished PDF"):
            report_services.report_version_publish(version=unfinished)
    assert not ReportVersion.objects.filter(published_at__isnull=False).exists()

    workplan_pdf = version(ReportVersion.Kind.WORKPLAN, 1)
    with pytest.raises(ServiceError, match="Adopt the workplan before"):
        report_services.report_version_publish(version=workplan_pdf)
    report_services.workplan_adopt(workplan=plan, body=bodies["ab"], on=datetime.date(YEAR, 1, 20))
    report_services.report_version_publish(version=workplan_pdf)
    assert report_selectors.published_version(kind=ReportVersion.Kind.WORKPLAN, year=YEAR) == workplan_pdf


def test_report_version_publish_keeps_one_published_version(db):
    report_services.annual_report_publish(report=AnnualReport.objects.create(year=YEAR))
    first, second = version(ReportVersion.Kind.ANNUAL_REPORT, 1), version(ReportVersion.Kind.ANNUAL_REPORT, 2)
    other_year = version(ReportVersion.Kind.ANNUAL_REPORT, 1, year=YEAR - 1)
    ReportVersion.objects.filter(pk=other_year.pk).update(published_at=timezone.now())

    report_services.report_version_publish(version=first)
    assert report_selectors.published_version(kind=ReportVersion.Kind.ANNUAL_REPORT, year=YEAR) == first
    report_services.report_version_publish(version=second)
    first.refresh_from_db()
    assert first.published_at is None
    assert report_selectors.published_version(kind=ReportVersion.Kind.ANNUAL_REPORT, year=YEAR) == second
    # Publishing the older one again takes the place back.
    report_services.report_version_publish(version=first)
    second.refresh_from_db()
    assert second.published_at is None
    assert list(
        ReportVersion.objects.filter(published_at__isnull=False)
        .order_by("year")
        .values_list("year", "version")
    ) == [(YEAR - 1, 1), (YEAR, 1)]
