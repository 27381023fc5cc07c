"""Reads for the workplan (werkplan) and the annual report (jaarverslag).

Everything the reports show about what happened is computed here from the events, meetings,
mandates and newsletters the application already holds; nothing is typed twice. Each function
runs a fixed number of queries, whatever the size of the year (pinned in tests).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Case, Count, F, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from members.models import Organisation, Person

from .models import (
    AnnualReport,
    Body,
    Mandate,
    Meeting,
    Motion,
    PlannedActivity,
    ProgressReport,
    ReportVersion,
    Workplan,
)

# --- Years and access -------------------------------------------------------------------------


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


# Who reads what is not public yet. Staff status alone gives nothing: the secretariat reads
# through the model permissions of its group (members.services.secretariat_group_ensure), today's
# AB and DB members through their mandate.
CONCEPT_PERMISSIONS = {
    ReportVersion.Kind.WORKPLAN: "governance.view_workplan",
    ReportVersion.Kind.ANNUAL_REPORT: "governance.view_annualreport",
}
# The half-year progress reports: reading and writing every activity's traffic light.
PROGRESS_READ_PERMISSION = "governance.view_progressreport"
PROGRESS_WRITE_PERMISSION = "governance.change_progressreport"
# Ledenbinding (member engagement per municipality) belongs to the annual report.
ENGAGEMENT_PERMISSION = CONCEPT_PERMISSIONS[ReportVersion.Kind.ANNUAL_REPORT]


def _has_perm(user, permission: str) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_perm(permission))


def is_board_member(user) -> bool:
    """Today's AB and DB members."""
    if not user.is_authenticated:
        return False
    today = timezone.localdate()
    return Mandate.objects.filter(
        Q(start__lte=today) & (Q(end__isnull=True) | Q(end__gte=today)),
        body__kind__in=[Body.Kind.AB, Body.Kind.DB],
        person__user=user,
    ).exists()


def has_concept_permission(user, *, kind: str) -> bool:
    return _has_perm(user, CONCEPT_PERMISSIONS[kind])


def has_progress_permission(user) -> bool:
    return _has_perm(user, PROGRESS_READ_PERMISSION)


def has_engagement_permission(user) -> bool:
    return _has_perm(user, ENGAGEMENT_PERMISSION)


def may_read_concept(user, *, kind: str) -> bool:
    """Concepts and unpublished PDF versions of the workplan or the annual report: today's board,
    and whoever may view that document in the admin."""
    return has_concept_permission(user, kind=kind) or is_board_member(user)


def member_municipalities_during(start: datetime.date, end: datetime.date) -> QuerySet[Organisation]:
    """Municipalities that were a member at some time between start and end (inclusive)."""
    return Organisation.objects.filter(
        Q(kind=Organisation.Kind.MUNICIPALITY, member_since__isnull=False, member_since__lte=end)
        & (Q(member_until__isnull=True) | Q(member_until__gte=start))
    )


# --- Planned vs realised ----------------------------------------------------------------------


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
    return (
        workplan.activities.annotate(
            held_events=held_events,
            upcoming_events=upcoming_events,
            held_meetings=held_meetings,
            upcoming_meetings=upcoming_meetings,
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
    for activity in activities_with_counts(workplan=workplan, now=now):
        lines.append(
            ActivityLine(
                activity=activity,
                realised=activity.held_events + activity.held_meetings,
                upcoming=activity.upcoming_events + activity.upcoming_meetings,
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


def may_write_progress(*, user, activity: PlannedActivity, on_board: bool | None = None) -> bool:
    """Whoever may change progress reports, and the board members responsible for the activity
    (while on the board). Pass `on_board` when it is already known, to spare the query (the
    activity's `responsible` should be prefetched when this is asked for many activities)."""
    if not user.is_authenticated:
        return False
    if _has_perm(user, PROGRESS_WRITE_PERMISSION):
        return True
    if not any(person.user_id == user.pk for person in activity.responsible.all()):
        return False
    return is_board_member(user) if on_board is None else on_board


# --- The workplan document --------------------------------------------------------------------


@dataclass
class WorkplanData:
    workplan: Workplan
    sections: list
    board: list[Mandate]
    secretariat: list[Person]
    themes: list
    lines: list[ActivityLine]


def _board_on(day: datetime.date) -> list[Mandate]:
    return list(
        Mandate.objects.filter(
            Q(start__lte=day) & (Q(end__isnull=True) | Q(end__gte=day)),
            body__kind__in=[Body.Kind.AB, Body.Kind.DB],
        )
        .select_related("body", "person", "person__organisation")
        .prefetch_related("portfolios")
        .order_by("body__order", "body__name", mandate_role_rank(), "person__last_name")
    )


def mandate_role_rank() -> Case:
    """Order mandates by the role's rank: the chair (voorzitter) first, then the other executive
    roles, then the members, as Mandate.Role lists them; never alphabetically by role name. Every
    board table (the board page, the workplan, the annual report) sorts with this."""
    return Case(
        *(When(role=role, then=Value(rank)) for rank, role in enumerate(Mandate.Role.values)),
        default=Value(len(Mandate.Role.values)),
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
    themes = {}
    for line in lines:
        for theme in line.activity.themes.all():
            themes.setdefault(theme.pk, theme)
    board = _board_on(
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


# --- The annual report ------------------------------------------------------------------------


# Attendance: one definition for the events section, ledenbinding and the per-event counts.
# Doors open a little before the start; a tick earlier than that (the check-in page tried out on
# an upcoming event, a wrong event picked) is not attendance. Nor is a tick at an event that has
# not ended yet, or was cancelled.
CHECKIN_OPENS_BEFORE_START = datetime.timedelta(hours=2)


def held_events_q(*, now: datetime.datetime, prefix: str = "") -> Q:
    """Events that took place (published, over by `now`); `prefix` reaches the event from
    another model, e.g. "event__" from a registration."""
    from events.models import Event

    return Q(**{f"{prefix}status": Event.Status.PUBLISHED, f"{prefix}ends_at__lte": now})


def attendance_q(*, now: datetime.datetime, prefix: str = "", event_prefix: str = "event__") -> Q:
    """Registrations that count as attendance: confirmed, ticked present at an event that took
    place, and ticked no earlier than CHECKIN_OPENS_BEFORE_START before it began. `prefix`
    reaches the registration (e.g. "registrations__" from an event), `event_prefix` its event."""
    from events.models import Registration

    ticked_in_time = Q(**{f"{prefix}attended_at__isnull": True}) | Q(
        **{f"{prefix}attended_at__gte": F(f"{event_prefix}starts_at") - CHECKIN_OPENS_BEFORE_START}
    )
    return (
        Q(**{f"{prefix}attended": True, f"{prefix}status": Registration.Status.CONFIRMED})
        & held_events_q(now=now, prefix=event_prefix)
        & ticked_in_time
    )


@dataclass
class EngagementRow:
    organisation: Organisation
    attendances: int = 0
    people: int = 0
    registrations: int = 0


@dataclass
class Engagement:
    """Ledenbinding: per member municipality, how many of its people took part in the year."""

    rows: list[EngagementRow]
    not_reached: list[Organisation]
    members: int

    @property
    def reached(self) -> int:
        return self.members - len(self.not_reached)

    @property
    def maximum(self) -> int:
        return max((row.attendances for row in self.rows), default=0)


def engagement(*, year: int, now: datetime.datetime | None = None) -> Engagement:
    """Attendance (attendance_q) per member municipality over the year, by the organisation
    recorded on the registration (kept after anonymisation). A municipality is reached when at
    least one of its people attended; the annual report's events section uses this same count.
    Two queries."""
    from events.models import Registration

    now = now or timezone.now()
    attended = attendance_q(now=now)
    start, end = year_bounds(year)
    municipalities = list(
        member_municipalities_during(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
        .select_related("region")
        .order_by("name")
    )
    counts = (
        Registration.objects.filter(
            event__starts_at__gte=start,
            event__starts_at__lt=end,
            organisation__in=[organisation.pk for organisation in municipalities],
        )
        .filter(held_events_q(now=now, prefix="event__"))
        .values("organisation_id")
        .annotate(
            registrations=Count("pk", filter=Q(status=Registration.Status.CONFIRMED)),
            attendances=Count("pk", filter=attended),
            people=Count("person", filter=attended, distinct=True),
            anonymous=Count("pk", filter=attended & Q(person__isnull=True)),
        )
    )
    by_organisation = {row["organisation_id"]: row for row in counts}
    rows = []
    for organisation in municipalities:
        row = by_organisation.get(organisation.pk, {})
        rows.append(
            EngagementRow(
                organisation=organisation,
                attendances=row.get("attendances", 0),
                people=row.get("people", 0) + row.get("anonymous", 0),
                registrations=row.get("registrations", 0),
            )
        )
    rows.sort(key=lambda row: (-row.attendances, row.organisation.name))
    not_reached = [row.organisation for row in rows if row.attendances == 0]
    return Engagement(rows=rows, not_reached=not_reached, members=len(municipalities))


@dataclass
class BodyMeetings:
    body: Body
    meetings: list[Meeting]


@dataclass
class AnnualReportData:
    year: int
    report: AnnualReport | None
    sections: list
    board: list[Mandate]
    board_changes: list[dict]
    meetings: list[BodyMeetings]
    events: list
    event_totals: dict
    newsletters: list
    workplan: Workplan | None
    lines: list[ActivityLine]
    engagement: Engagement
    membership: dict = field(default_factory=dict)


def annual_report_data(*, year: int, report: AnnualReport | None = None, now=None) -> AnnualReportData:
    """Everything the jaarverslag shows for `year`, in a fixed number of queries."""
    from events.models import Event, Registration
    from newsletters.models import Delivery, Newsletter

    now = now or timezone.now()
    start, end = year_bounds(year)
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)

    board = _board_on(reference_day(year))
    changes = []
    changed = (
        Mandate.objects.filter(
            Q(start__gte=first, start__lte=last) | Q(end__gte=first, end__lte=last),
            body__kind__in=[Body.Kind.AB, Body.Kind.DB],
        )
        .select_related("body", "person", "person__organisation")
        .order_by("start")
    )
    for mandate in changed:
        if first <= mandate.start <= last:
            changes.append({"date": mandate.start, "mandate": mandate, "joined": True})
        if mandate.end and first <= mandate.end <= last:
            changes.append({"date": mandate.end, "mandate": mandate, "joined": False})
    changes.sort(key=lambda change: (change["date"], not change["joined"]))

    held = Q(status=Meeting.Status.HELD) | Q(status=Meeting.Status.PUBLISHED, starts_at__lte=now)
    meetings = list(
        Meeting.objects.filter(held, starts_at__gte=start, starts_at__lt=end)
        .select_related("body")
        .prefetch_related(Prefetch("motions", queryset=Motion.objects.order_by("order", "pk")))
        .order_by("body__order", "body__name", "starts_at")
    )
    per_body: dict[int, BodyMeetings] = {}
    for meeting in meetings:
        per_body.setdefault(meeting.body_id, BodyMeetings(body=meeting.body, meetings=[])).meetings.append(
            meeting
        )

    members = member_municipalities_during(first, last)
    member_ids = set(members.values_list("pk", flat=True))
    attended = attendance_q(now=now, prefix="registrations__", event_prefix="")
    events = list(
        Event.objects.filter(held_events_q(now=now), starts_at__gte=start, starts_at__lt=end)
        .annotate(
            confirmed=Count("registrations", filter=Q(registrations__status=Registration.Status.CONFIRMED)),
            attended_count=Count("registrations", filter=attended),
            municipalities=Count(
                "registrations__organisation",
                filter=attended & Q(registrations__organisation__in=member_ids),
                distinct=True,
            ),
        )
        .select_related("host")
        .order_by("starts_at")
    )
    # "x of 50 member municipalities took part" is ledenbinding's "reached": one count.
    engaged = engagement(year=year, now=now)
    event_totals = {
        "count": len(events),
        "registrations": sum(event.confirmed for event in events),
        "attended": sum(event.attended_count for event in events),
        "municipalities": engaged.reached,
        "members": engaged.members,
    }

    newsletters = list(
        Newsletter.objects.filter(status=Newsletter.Status.SENT, sent_at__gte=start, sent_at__lt=end)
        .annotate(delivered=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.SENT)))
        .order_by("sent_at")
    )

    workplan = Workplan.objects.filter(year=year).first()
    lines = activity_lines(workplan=workplan, now=now) if workplan else []

    membership = {
        "members": Organisation.objects.filter(
            Q(kind=Organisation.Kind.MUNICIPALITY, member_since__isnull=False, member_since__lte=last)
            & (Q(member_until__isnull=True) | Q(member_until__gt=last))
        ).count(),
        "joined": list(members.filter(member_since__gte=first).order_by("name")),
        "left": list(members.filter(member_until__gte=first, member_until__lte=last).order_by("name")),
    }

    return AnnualReportData(
        year=year,
        report=report,
        sections=list(report.sections.all()) if report else [],
        board=board,
        board_changes=changes,
        meetings=list(per_body.values()),
        events=events,
        event_totals=event_totals,
        newsletters=newsletters,
        workplan=workplan,
        lines=lines,
        engagement=engaged,
        membership=membership,
    )


# --- Versions ---------------------------------------------------------------------------------


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
