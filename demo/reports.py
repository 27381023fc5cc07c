"""Reports demo: the workplan (werkplan) and the annual report (jaarverslag).

For last year and the current year: a workplan with the activities of the association's yearly
cycle (written in our own words after the 2024 workplan), linked to the year's events and board
meetings that realise them (made by the events and governance demos, found by slug and by kind),
and the half-year progress reports. Last year also gets a published annual report, and the
public pages a published PDF of this year's workplan and last year's annual report.

Idempotent: a year whose workplan exists is left alone entirely (links and reports included),
and an existing annual report is never touched, so a second run creates nothing and edits made
in the app survive. No mail is sent. All people are the fictional demo people. The texts are in
demo/data/workplan.json, workplan.md and annual-report.md.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from events.models import Event
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
from governance.reports import services as report_services
from members.models import Person
from vzhg.errors import ServiceError

from .content import at, load_chapters, load_json
from .events import history_specs

SECRETARY_EMAIL = "secretariaat@vzhg.nl"
# Board members named as responsible for activities, by the theme in their portfolio.
PORTFOLIO_ROLES = (
    ("jeugd", "lid-jeugd"),
    ("brede-welvaart", "lid-welvaart"),
    ("netwerken-samenwerkingsverbanden", "lid-netwerken"),
)


@dataclass
class Context:
    today: datetime.date
    now: datetime.datetime
    bodies: dict
    themes: dict
    objectives: dict
    board: dict
    secretary_user: object


def _board_people() -> dict[str, Person]:
    """The board members the activities name as responsible, by role (from the demo mandates)."""
    R = Mandate.Role
    roles = {
        R.VOORZITTER: "voorzitter",
        R.VICE_VOORZITTER: "vicevoorzitter",
        R.PENNINGMEESTER: "penningmeester",
        R.BESTUURLIJK_SECRETARIS: "secretaris",
    }
    mandates = (
        Mandate.objects.filter(body__kind__in=[Body.Kind.AB, Body.Kind.DB], end__isnull=True)
        .select_related("person")
        .prefetch_related("portfolios")
        .order_by("start", "pk")
    )
    board: dict[str, Person] = {}
    for mandate in mandates:
        key = roles.get(mandate.role)
        if key:
            board.setdefault(key, mandate.person)
        slugs = {theme.slug for theme in mandate.portfolios.all()}
        for slug, role in PORTFOLIO_ROLES:
            if slug in slugs and mandate.role == R.LID:
                board.setdefault(role, mandate.person)
    return board


def _workplan(ctx: Context, year: int) -> tuple[Workplan, dict[str, PlannedActivity]]:
    workplan = Workplan.objects.create(year=year)
    WorkplanSection.objects.bulk_create(
        WorkplanSection(workplan=workplan, order=order, title=title, body=body)
        for order, (title, body) in enumerate(load_chapters("workplan.md", year=year), start=1)
    )
    activities = {}
    for order, spec in enumerate(load_json("workplan.json")["activities"], start=1):
        activity = PlannedActivity.objects.create(
            workplan=workplan,
            order=order,
            kind=spec["kind"],
            title=spec["title"],
            planned_count=spec["planned"],
            count_note=spec["count_note"],
            period=spec["period"],
            attachment=spec["attachment"],
            explanation=spec["explanation"],
            objectives_note=spec["objectives_note"],
            success_criteria=spec["success_criteria"],
            priority=spec["priority"],
            role=spec["role"],
        )
        activity.objectives.set(
            [ctx.objectives[slug] for slug in spec["objectives"] if slug in ctx.objectives]
        )
        activity.themes.set([ctx.themes[slug] for slug in spec["themes"] if slug in ctx.themes])
        activity.responsible.set([ctx.board[key] for key in spec["responsible"] if key in ctx.board])
        activities[spec["key"]] = activity
    return workplan, activities


def _link_events(ctx: Context, year: int, activities: dict[str, PlannedActivity]) -> None:
    """The year's published events to the activities they realise: the events demo's workplan
    events by slug, the others by kind as far as the activity's planned number reaches."""
    plan = load_json("workplan.json")
    ours = {spec["slug"]: spec["activity"] for spec in history_specs(year=year, today=ctx.today)}
    room = {spec["key"]: spec["planned"] or 0 for spec in plan["activities"]}
    in_year = Event.objects.filter(
        starts_at__date__gte=datetime.date(year, 1, 1),
        starts_at__date__lte=datetime.date(year, 12, 31),
        status=Event.Status.PUBLISHED,
        planned_activities__isnull=True,
    ).order_by("starts_at")
    for event in in_year.exclude(slug__in=ours):
        key = plan["event_kinds"].get(event.kind)
        if key and room[key] > 0:
            activities[key].events.add(event)
            room[key] -= 1
    for event in in_year.filter(slug__in=ours):
        activities[ours[event.slug]].events.add(event)


def _year(ctx: Context, year: int) -> bool:
    """Everything one year gets, unless its workplan exists already."""
    if Workplan.objects.filter(year=year).exists():
        return False
    plan = load_json("workplan.json")
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    workplan, activities = _workplan(ctx, year)
    _link_events(ctx, year, activities)
    meetings = (
        Meeting.objects.filter(
            starts_at__date__gte=start, starts_at__date__lte=end, body__kind__in=list(plan["body_kinds"])
        )
        .exclude(status=Meeting.Status.CONCEPT)
        .select_related("body")
    )
    for meeting in meetings:
        activities[plan["body_kinds"][meeting.body.kind]].meetings.add(meeting)

    # The year's first AB meeting adopts the plan (the governance demo put it on its agenda).
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
    for spec in plan["activities"]:
        for half in halves:
            if year == ctx.today.year and not spec["reported_in_first_half_of_this_year"]:
                continue
            progress = spec["progress"][half - 1]
            report_services.progress_report_save(
                activity=activities[spec["key"]],
                half=half,
                light=progress["light"],
                text=progress["text"],
                actor=ctx.secretary_user,
            )
    return True


def _annual_report(year: int) -> bool:
    if AnnualReport.objects.filter(year=year).exists():
        return False
    report = AnnualReport.objects.create(year=year)
    AnnualReportSection.objects.bulk_create(
        AnnualReportSection(report=report, order=order, title=title, body=body)
        for order, (title, body) in enumerate(load_chapters("annual-report.md", year=year), start=1)
    )
    report_services.annual_report_publish(report=report)
    return True


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
        except (ValidationError, ServiceError):
            continue
        made += 1
    return made


def demo_load(*, stdout, today: datetime.date | None = None) -> None:
    """`today` is for trying the demo on another day of the year; it defaults to today."""
    models = {
        "workplans": Workplan,
        "activities": PlannedActivity,
        "progress reports": ProgressReport,
        "annual reports": AnnualReport,
    }
    before = {label: model.objects.count() for label, model in models.items()}
    bodies = {
        body.kind: body
        for body in Body.objects.filter(kind__in=[Body.Kind.DB, Body.Kind.AB, Body.Kind.ALV]).order_by(
            "-order"
        )
    }
    secretary = Person.objects.filter(email=SECRETARY_EMAIL).select_related("user").first()
    if len(bodies) < 3 or secretary is None:
        stdout.write("Reports demo: the governance demo data is missing; run demo_data first.")
        return
    now = timezone.now() if today is None else at(today, 12)
    today = today or timezone.localdate()
    ctx = Context(
        today=today,
        now=now,
        bodies=bodies,
        themes={theme.slug: theme for theme in Theme.objects.all()},
        objectives={objective.slug: objective for objective in Objective.objects.all()},
        board=_board_people(),
        secretary_user=secretary.user,
    )
    with transaction.atomic():
        for year in (today.year - 1, today.year):
            _year(ctx, year)
        _annual_report(today.year - 1)
    published = _published_pdfs(today=today)
    after = {label: model.objects.count() for label, model in models.items()}
    stdout.write(
        "Reports demo: "
        + ", ".join(f"{after[label]} {label} ({after[label] - before[label]} new)" for label in models)
        + f"; {published} PDFs rendered and published"
    )
