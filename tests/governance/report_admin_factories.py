"""Workplan and annual report rows for the admin tests (tests/test_permissions.py needs one of
every admin model; tests/governance/test_report_admin.py and the browser test build on these)."""

from __future__ import annotations

from governance.models import (
    AnnualReport,
    AnnualReportSection,
    Objective,
    PlannedActivity,
    ProgressReport,
    ReportVersion,
    Workplan,
    WorkplanSection,
)


def workplan_with_activities(*, year: int, activities: int = 2, title: str = "") -> Workplan:
    """A draft plan with an introduction chapter and `activities` activities (the first one is
    a theme meeting planned six times a year)."""
    plan = Workplan.objects.create(year=year, title=title)
    WorkplanSection.objects.create(
        workplan=plan, order=1, title="Inleiding", body="Het **werkplan** voor dit jaar."
    )
    objective = Objective.objects.order_by("order").first()
    for number in range(1, activities + 1):
        activity = PlannedActivity.objects.create(
            workplan=plan,
            order=number,
            code=f"A{number}",
            kind=PlannedActivity.Kind.THEME if number == 1 else PlannedActivity.Kind.NETWORK,
            title="Themabijeenkomst" if number == 1 else f"Netwerkbijeenkomst {number}",
            planned_count=6 if number == 1 else 2,
            period="Het hele jaar",
            explanation="Bijeenkomsten over actuele thema's.",
            priority=PlannedActivity.Priority.A,
            role=PlannedActivity.Role.ORGANISING,
        )
        if objective is not None:
            activity.objectives.add(objective)
    return plan


def reports_one_of_each() -> None:
    plan = workplan_with_activities(year=2024, activities=1)
    ProgressReport.objects.create(
        activity=plan.activities.get(), half=1, light=ProgressReport.Light.GREEN, text="Op schema."
    )
    report = AnnualReport.objects.create(year=2024)
    AnnualReportSection.objects.create(report=report, order=1, title="Voorwoord", body="Een goed jaar.")
    ReportVersion.objects.create(
        kind=ReportVersion.Kind.WORKPLAN,
        year=2024,
        version=1,
        status=ReportVersion.Status.FAILED,
        error="Test",
    )
