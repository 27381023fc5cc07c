"""Reads for the workplan (werkplan) and the PDF versions.

Everything the reports show about what happened is computed from the events, meetings,
mandates and newsletters the application already holds; nothing is typed twice. Each function
runs a fixed number of queries, whatever the size of the year (pinned in tests)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, cast

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from governance.board.selectors import mandate_role_rank
from governance.models import (
    AnnualReport,
    Body,
    Mandate,
    Meeting,
    PlannedActivity,
    ProgressReport,
    ReportVersion,
    Theme,
    Workplan,
)
from members.models import Person


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """1 January 00:00 of `year` and of the next year, in the site's time zone (Europe/Amsterdam)."""
    tz = timezone.get_default_timezone()
    return (
        datetime.datetime(year, 1, 1, tzinfo=tz),
        datetime.datetime(year + 1, 1, 1, tzinfo=tz),
    )


def reference_day(year: int, today: datetime.date | None = None) -> datetime.date:
    """The day a year's board and membership are shown on: 31 December, or today in the year itself."""
    today = today or timezone.localdate()
    return min(datetime.date(year, 12, 31), today) if today.year >= year else datetime.date(year, 1, 1)


def activities_with_counts(
    *, workplan: Workplan, now: datetime.datetime | None = None
) -> QuerySet[PlannedActivity]:
    """The plan's activities, each annotated with `realised` (held so far) and `upcoming` (linked,
    still to come), counting only linked events and meetings that fall in the plan's year.

    Held: an event that is published and has ended; a meeting marked held, or published and
    started. Upcoming: a linked event that is not cancelled, or a meeting, that has not started.
    Cancelled events never count.
    """
    from events.models import Event

    now = now or timezone.now()
    start, end = year_bounds(workplan.year)
    in_year_event = Q(events__starts_at__gte=start, events__starts_at__lt=end)
    in_year_meeting = Q(meetings__starts_at__gte=start, meetings__starts_at__lt=end)
    held_events = Count(
        "events",
        filter=in_year_event & Q(events__status=Event.Status.PUBLISHED, events__ends_at__lte=now),
        distinct=True,
    )
    upcoming_events = Count(
        "events",
        filter=in_year_event & Q(events__starts_at__gt=now) & ~Q(events__status=Event.Status.CANCELLED),
        distinct=True,
    )
    held_meetings = Count(
        "meetings",
        filter=in_year_meeting
        & (
            Q(meetings__status=Meeting.Status.HELD)
            | Q(meetings__status=Meeting.Status.PUBLISHED, meetings__starts_at__lte=now)
        ),
        distinct=True,
    )
    upcoming_meetings = Count(
        "meetings",
        filter=in_year_meeting & Q(meetings__starts_at__gt=now) & ~Q(meetings__status=Meeting.Status.HELD),
        distinct=True,
    )
    # Contact moments (overleggen with the province and the VNG: contacts.ContactMoment) in the
    # plan's year: held once their day has come, planned while it is still ahead.
    today = timezone.localdate(now)
    in_year_contact = Q(contact_moments__date__year=workplan.year)
    held_contacts = Count(
        "contact_moments", filter=in_year_contact & Q(contact_moments__date__lte=today), distinct=True
    )
    upcoming_contacts = Count(
        "contact_moments", filter=in_year_contact & Q(contact_moments__date__gt=today), distinct=True
    )
    return (
        workplan.activities.annotate(
            held_events=held_events,
            upcoming_events=upcoming_events,
            held_meetings=held_meetings,
            upcoming_meetings=upcoming_meetings,
            held_contacts=held_contacts,
            upcoming_contacts=upcoming_contacts,
        )
        .prefetch_related(
            "objectives",
            "themes",
            "responsible",
            Prefetch("progress_reports", queryset=ProgressReport.objects.order_by("half")),
        )
        .order_by("order", "pk")
    )


@dataclass
class ActivityLine:
    """An activity with its computed counts and its progress reports."""

    activity: PlannedActivity
    realised: int
    upcoming: int
    reports: dict[int, ProgressReport]

    @property
    def latest_report(self) -> ProgressReport | None:
        return self.reports.get(2) or self.reports.get(1)

    @property
    def behind(self) -> bool:
        planned = self.activity.planned_count
        return planned is not None and self.realised + self.upcoming < planned


def activity_lines(*, workplan: Workplan, now: datetime.datetime | None = None) -> list[ActivityLine]:
    lines = []
    for row in activities_with_counts(workplan=workplan, now=now):
        activity = cast(Any, row)  # with the counts activities_with_counts annotated
        lines.append(
            ActivityLine(
                activity=activity,
                realised=activity.held_events + activity.held_meetings + activity.held_contacts,
                upcoming=activity.upcoming_events + activity.upcoming_meetings + activity.upcoming_contacts,
                reports={report.half: report for report in activity.progress_reports.all()},
            )
        )
    return lines


def half_year_report(*, workplan: Workplan, half: int) -> list[tuple[PlannedActivity, ProgressReport | None]]:
    """The activities with their report for one half year: red first, then orange, then green,
    then the activities nobody reported on yet."""
    reports = {
        report.activity_id: report
        for report in ProgressReport.objects.filter(activity__workplan=workplan, half=half)
    }
    activities = list(workplan.activities.prefetch_related("themes", "responsible").order_by("order", "pk"))

    def rank(activity):
        report = reports.get(activity.pk)
        return (ProgressReport.LIGHT_ORDER.get(report.light, 3) if report else 3, activity.order, activity.pk)

    return [(activity, reports.get(activity.pk)) for activity in sorted(activities, key=rank)]


@dataclass
class WorkplanData:
    workplan: Workplan
    sections: list
    board: list[Mandate]
    secretariat: list[Person]
    themes: list
    lines: list[ActivityLine]


def board_on(day: datetime.date) -> list[Mandate]:
    return list(
        Mandate.objects.active_on(day)
        .filter(
            body__kind__in=[Body.Kind.AB, Body.Kind.DB],
        )
        .select_related("body", "person", "person__organisation")
        .prefetch_related("portfolios")
        .order_by("body__order", "body__name", mandate_role_rank(), "person__last_name")
    )


def secretariat_people() -> list[Person]:
    """The people who work for the association: the staff accounts' persons."""
    return list(
        Person.objects.filter(user__is_staff=True, user__is_active=True, user__is_superuser=False)
        .select_related("organisation")
        .order_by("last_name", "first_name")
    )


def workplan_data(*, workplan: Workplan, now: datetime.datetime | None = None) -> WorkplanData:
    lines = activity_lines(workplan=workplan, now=now)
    themes: dict[int, Theme] = {}
    for line in lines:
        for theme in line.activity.themes.all():
            themes.setdefault(theme.pk, theme)
    board = board_on(
        reference_day(workplan.year) if workplan.year <= timezone.localdate().year else timezone.localdate()
    )
    holders: dict[int, list[Person]] = {}
    for mandate in board:
        for theme in mandate.portfolios.all():
            if mandate.person not in holders.setdefault(theme.pk, []):
                holders[theme.pk].append(mandate.person)
    theme_rows = [
        {"theme": theme, "holders": holders.get(theme.pk, [])}
        for theme in sorted(themes.values(), key=lambda theme: theme.name)
    ]
    return WorkplanData(
        workplan=workplan,
        sections=list(workplan.sections.all()),
        board=board,
        secretariat=secretariat_people(),
        themes=theme_rows,
        lines=lines,
    )


def published_version(*, kind: str, year: int) -> ReportVersion | None:
    return (
        ReportVersion.objects.filter(
            kind=kind, year=year, status=ReportVersion.Status.READY, published_at__isnull=False
        )
        .order_by("-version")
        .first()
    )


def newest_ready_version(*, kind: str, year: int) -> ReportVersion | None:
    """The newest finished version with a file, published or not (for staff and the board)."""
    return (
        ReportVersion.objects.filter(kind=kind, year=year, status=ReportVersion.Status.READY)
        .exclude(file="")
        .order_by("-version")
        .first()
    )


def document_is_public(*, kind: str, year: int) -> bool:
    """An adopted workplan, or a published annual report."""
    if kind == ReportVersion.Kind.WORKPLAN:
        return Workplan.objects.filter(year=year, status=Workplan.Status.ADOPTED).exists()
    return AnnualReport.objects.filter(year=year, status=AnnualReport.Status.PUBLISHED).exists()


def versions(*, kind: str, year: int) -> QuerySet[ReportVersion]:
    return (
        ReportVersion.objects.filter(kind=kind, year=year).select_related("requested_by").order_by("-version")
    )
