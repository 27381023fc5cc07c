"""The workplan's and annual report's numbers, computed from the data (governance/reports/
selectors.py and annual.py) and the writes around them (governance/reports/services.py): planned
vs realised as linked events and meetings come and go, the half-year report's order, ledenbinding
(engagement), the annual report's data, copying a plan, progress reports and publishing a PDF version."""

import datetime

import pytest

from events.models import Event
from governance.models import (
    Meeting,
    Objective,
    PlannedActivity,
    ProgressReport,
    Theme,
    Workplan,
    WorkplanSection,
)
from governance.reports import selectors as report_selectors
from governance.reports import services as report_services
from tests.factories import (
    MemberFactory,
    UserFactory,
)
from vzhg.errors import ServiceError

from .report_counts import NOW, TZ, YEAR, activity, at, event_at, line_of, meeting_at

pytestmark = pytest.mark.django_db

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
