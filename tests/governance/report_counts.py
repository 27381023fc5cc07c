"""Dates and rows for the tests of the workplan and annual report figures (test_reports_counts,
test_annual_report_data): one plan year, "now" in its middle."""

import datetime

from django.utils import timezone

from events.models import Event
from governance.models import Body, Meeting, PlannedActivity, Workplan
from governance.reports import selectors as report_selectors
from tests.events.staff_factories import EventFactory

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
