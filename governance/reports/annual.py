"""Reads for the annual report (jaarverslag): attendance, ledenbinding (member engagement per
municipality) and the year's data. A fixed number of queries, whatever the size of the year."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext

from contacts import selectors as contacts_selectors
from governance.board import selectors as board_selectors
from governance.models import (
    AnnualReport,
    Attendance,
    Body,
    Mandate,
    Meeting,
    Motion,
    Presence,
    Vote,
    Workplan,
)
from members.models import Organisation
from networks import selectors as networks_selectors
from networks.models import Network

from .selectors import ActivityLine, activity_lines, board_on, reference_day, year_bounds

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
    # the networks and kringen the municipality had people in during the year
    networks: list[Network] = field(default_factory=list)


@dataclass
class Engagement:
    """Ledenbinding: per member municipality, how many of its people took part in the year."""

    rows: list[EngagementRow]
    not_reached: list[Organisation]
    members: int
    # per network: how many of the member municipalities had people in it during the year
    networks: list[networks_selectors.MunicipalityCount] = field(default_factory=list)

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
    With the networks each municipality had people in during the year, and per network how many
    municipalities (networks.selectors.networks_of_municipalities). Four queries."""
    from events.models import Registration

    now = now or timezone.now()
    attended = attendance_q(now=now)
    start, end = year_bounds(year)
    municipalities = list(
        Organisation.objects.member_municipalities_during(
            datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        )
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
    networks = networks_selectors.networks_of_municipalities(
        start=datetime.date(year, 1, 1),
        end=datetime.date(year, 12, 31),
        municipality_ids=[organisation.pk for organisation in municipalities],
    )
    rows = []
    for organisation in municipalities:
        row = by_organisation.get(organisation.pk, {})
        rows.append(
            EngagementRow(
                organisation=organisation,
                attendances=row.get("attendances", 0),
                people=row.get("people", 0) + row.get("anonymous", 0),
                registrations=row.get("registrations", 0),
                networks=networks.by_municipality.get(organisation.pk, []),
            )
        )
    rows.sort(key=lambda row: (-row.attendances, row.organisation.name))
    not_reached = [row.organisation for row in rows if row.attendances == 0]
    return Engagement(
        rows=rows, not_reached=not_reached, members=len(municipalities), networks=networks.counts
    )


@dataclass
class BodyMeetings:
    """A body's meetings of the year; each carries its attendance as recorded by the secretariat
    (`present`, `excused`, `absent`, annotated by annual_report_data)."""

    body: Body
    meetings: list[Meeting]

    @property
    def present(self) -> int:
        return sum(meeting.present for meeting in self.meetings)  # type: ignore[attr-defined]

    @property
    def recorded(self) -> int:
        return sum(
            meeting.present + meeting.excused + meeting.absent  # type: ignore[attr-defined]
            for meeting in self.meetings
        )


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
    # contact moments per counterpart, signals per theme ("wat hebben we opgehaald en ingebracht")
    contacts: contacts_selectors.YearSummary = field(default_factory=contacts_selectors.YearSummary)
    # per network: how many member municipalities had people in it during the year
    networks: list[networks_selectors.MunicipalityCount] = field(default_factory=list)
    # per VNG commission: recommendation requests (R16) received, given and declined in the year
    recommendations: list[board_selectors.RecommendationCount] = field(default_factory=list)


def _count_of(rows) -> Coalesce:
    """COUNT(*) of a correlated subquery, as an integer annotation (0 when there is none)."""
    counted = rows.order_by().values("meeting").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def annual_report_data(*, year: int, report: AnnualReport | None = None, now=None) -> AnnualReportData:
    """Everything the jaarverslag shows for `year`, in a fixed number of queries."""
    from events.models import Event, Registration
    from newsletters.models import Delivery, Newsletter

    now = now or timezone.now()
    start, end = year_bounds(year)
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)

    board = board_on(reference_day(year))
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
        .annotate(
            present=Count("attendance", filter=Q(attendance__status=Attendance.Status.PRESENT)),
            excused=Count("attendance", filter=Q(attendance__status=Attendance.Status.EXCUSED)),
            absent=Count("attendance", filter=Q(attendance__status=Attendance.Status.ABSENT)),
            # The ALV as an assembly: member municipalities present and votes held (subqueries,
            # so the attendance counts above are not multiplied by another join).
            municipalities_present=_count_of(Presence.objects.filter(meeting=OuterRef("pk"))),
            votes_held=_count_of(Vote.objects.filter(meeting=OuterRef("pk"), status=Vote.Status.CLOSED)),
        )
        .select_related("body")
        .prefetch_related(Prefetch("motions", queryset=Motion.objects.order_by("order", "pk")))
        .order_by("body__order", "body__name", "starts_at")
    )
    per_body: dict[int, BodyMeetings] = {}
    for meeting in meetings:
        per_body.setdefault(meeting.body_id, BodyMeetings(body=meeting.body, meetings=[])).meetings.append(
            meeting
        )

    members = Organisation.objects.member_municipalities_during(first, last)
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
        # at the end of the year: a member on the last day and still one the day after
        "members": Organisation.objects.member_municipalities_during(
            last + datetime.timedelta(days=1), last
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
        contacts=contacts_selectors.year_summary(year=year, no_theme_label=gettext("no theme")),
        # ledenbinding counted them for the same year and municipalities
        networks=engaged.networks,
        recommendations=board_selectors.recommendations_of_year(year=year),
    )
