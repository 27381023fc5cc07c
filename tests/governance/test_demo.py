import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from events.models import Event, Registration
from governance.models import (
    AgendaItem,
    AnnualReport,
    Body,
    Mandate,
    Meeting,
    MeetingPack,
    PlannedActivity,
    ProgressReport,
    ReportVersion,
    Theme,
    Workplan,
)
from governance.reports import annual as report_annual
from governance.reports import selectors as report_selectors

pytestmark = pytest.mark.django_db


def _report_counts():
    return [
        Workplan.objects.count(),
        PlannedActivity.objects.count(),
        PlannedActivity.events.through.objects.count(),
        PlannedActivity.meetings.through.objects.count(),
        ProgressReport.objects.count(),
        AnnualReport.objects.count(),
        ReportVersion.objects.count(),
        Event.objects.count(),
        Registration.objects.count(),
        Theme.objects.count(),
    ]


def test_demo_data_loads_governance_once(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("demo_data", stdout=io.StringIO())
    counts = [
        Body.objects.count(),
        Mandate.objects.count(),
        Meeting.objects.count(),
        MeetingPack.objects.count(),
    ]
    call_command("demo_data", stdout=io.StringIO())
    assert [
        Body.objects.count(),
        Mandate.objects.count(),
        Meeting.objects.count(),
        MeetingPack.objects.count(),
    ] == counts

    # Only last year's change of AB seat still has to be registered with the KvK.
    from governance.board.selectors import kvk_todo

    last_year = timezone.localdate().year - 1
    todo = list(kvk_todo())
    assert len(todo) == 2 and all(
        datetime.date(last_year, 5, 20) in (mandate.start, mandate.end)
        or datetime.date(last_year, 5, 21) == mandate.start
        for mandate in todo
    )

    assert set(Body.objects.values_list("kind", flat=True)) == {
        "alv",
        "ab",
        "db",
        "kascommissie",
        "stuurgroep",
    }
    board = Mandate.objects.filter(person__email="bestuur@gouda.nl").values_list("body__kind", flat=True)
    assert {"ab", "db"} <= set(board)
    assert set(Mandate.Role.values) <= set(Mandate.objects.values_list("role", flat=True))
    assert AgendaItem.objects.filter(confidential=True).exists()
    assert Meeting.objects.filter(body__kind="alv").exists()
    # This year's ALV is held at the spring congress.
    assert Meeting.objects.filter(body__kind="alv", event__slug="alv-en-voorjaarscongres").exists()
    assert (
        Meeting.objects.filter(status="held").exists() and Meeting.objects.filter(status="published").exists()
    )
    # Every meeting with documents has its pack; the workplan demo's past meetings have none.
    with_documents = Meeting.objects.filter(items__documents__isnull=False).distinct()
    assert with_documents.count() == 5
    assert MeetingPack.objects.filter(status="ready").count() == with_documents.count()
    assert not MeetingPack.objects.exclude(status="ready").exists()


def test_demo_data_adds_workplans_and_last_years_annual_report_once(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("demo_data", stdout=io.StringIO())
    counts = _report_counts()
    out = io.StringIO()
    call_command("demo_data", stdout=out)
    assert _report_counts() == counts
    assert "Reports demo: 2 workplans (0 new)" in out.getvalue()

    today = timezone.localdate()
    this_year, last_year = today.year, today.year - 1
    assert set(Workplan.objects.values_list("year", flat=True)) == {last_year, this_year}
    for slug in ["participatie-polarisatie", "brede-welvaart", "ruimtelijke-puzzel", "jeugd",
                 "asiel-migratie", "netwerken-samenwerkingsverbanden"]:  # fmt: skip
        theme = Theme.objects.get(slug=slug)
        assert theme.description
        assert set(theme.activities.values_list("workplan__year", flat=True)) == {last_year, this_year}

    previous = Workplan.objects.get(year=last_year)
    assert previous.status == Workplan.Status.ADOPTED
    assert previous.adopted_by.kind == Body.Kind.AB and previous.adopted_at.status == Meeting.Status.HELD
    assert previous.adopted_at.starts_at.year == last_year and previous.adopted_at.starts_at.month <= 2
    assert [section.title for section in previous.sections.all()] == [
        "Inleiding",
        "Organisatie",
        "Doelstellingen",
    ]
    lines = {line.activity.title: line for line in report_selectors.activity_lines(workplan=previous)}
    assert len(lines) == 12
    for title, planned in [("Dagelijks bestuur", 6), ("Algemeen bestuur", 6),
                           ("Themabijeenkomsten", 6), ("Strategennetwerk", 3),
                           ("Najaarscongres met de provincie", 1), ("Heisessie", 1)]:  # fmt: skip
        assert lines[title].activity.planned_count == planned
        assert lines[title].realised == planned, title
    theme_meetings = lines["Themabijeenkomsten"].activity
    assert theme_meetings.objectives.count() == 4 and theme_meetings.objective_lines
    assert theme_meetings.themes.count() == 6
    board_people = set(
        Mandate.objects.filter(body__kind__in=["ab", "db"]).values_list("person_id", flat=True)
    )
    responsible = set(PlannedActivity.responsible.through.objects.values_list("person_id", flat=True))
    assert responsible and responsible <= board_people
    # Both halves reported for every activity, in all three colours.
    assert ProgressReport.objects.filter(activity__workplan=previous).count() == 24
    assert set(
        ProgressReport.objects.filter(activity__workplan=previous).values_list("light", flat=True)
    ) == {
        "green",
        "orange",
        "red",
    }

    report = AnnualReport.objects.get(year=last_year)
    assert report.is_public and [section.title for section in report.sections.all()] == [
        "Voorwoord",
        "Financiën in het kort",
    ]
    data = report_annual.annual_report_data(year=last_year, report=report)
    assert data.event_totals["count"] >= 12 and data.event_totals["attended"] > 0
    assert data.event_totals["attended"] < data.event_totals["registrations"]
    assert 0 < len(data.engagement.not_reached) < data.engagement.members
    assert {group.body.kind for group in data.meetings} == {"alv", "ab", "db"}
    assert all(event.ends_at < timezone.now() for event in data.events)
    assert len(data.newsletters) == 2 and all(newsletter.delivered > 0 for newsletter in data.newsletters)

    current = Workplan.objects.get(year=this_year)
    current_lines = report_selectors.activity_lines(workplan=current)
    assert sum(line.realised + line.upcoming for line in current_lines) > 0
    first_half = ProgressReport.objects.filter(activity__workplan=current)
    if today.month > 6:
        assert first_half.exists() and not first_half.filter(half=2).exists()
        assert {"green", "orange", "red"} <= set(first_half.values_list("light", flat=True))
    if today > datetime.date(this_year, 1, 23):
        assert current.status == Workplan.Status.ADOPTED
        assert (
            report_selectors.published_version(kind=ReportVersion.Kind.WORKPLAN, year=this_year).page_count
            > 1
        )
    # the published annual report has a published PDF, so its public page links to one
    assert (
        report_selectors.published_version(kind=ReportVersion.Kind.ANNUAL_REPORT, year=last_year).page_count
        > 1
    )


def test_second_demo_run_keeps_edits_to_the_workplan(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("demo_data", stdout=io.StringIO())
    plan = Workplan.objects.get(year=timezone.localdate().year - 1)
    activity = plan.activities.get(title="Strategennetwerk")
    activity.title = "Strategennetwerk Zuid-Holland"
    activity.save()
    activity.events.clear()
    ProgressReport.objects.filter(activity=activity).delete()
    AnnualReport.objects.filter(year=plan.year).update(status=AnnualReport.Status.CONCEPT)

    call_command("demo_data", stdout=io.StringIO())

    activity.refresh_from_db()
    assert activity.title == "Strategennetwerk Zuid-Holland"
    assert not activity.events.exists() and not activity.progress_reports.exists()
    assert not plan.activities.filter(title="Strategennetwerk").exists()
    assert AnnualReport.objects.get(year=plan.year).status == AnnualReport.Status.CONCEPT


def test_demo_data_holds_adopted_minutes_attendance_and_open_actions(settings, tmp_path):
    from governance.models import Action, Attendance, Minutes

    settings.MEDIA_ROOT = tmp_path
    call_command("demo_data", stdout=io.StringIO())
    counts = [Minutes.objects.count(), Attendance.objects.count(), Action.objects.count()]
    call_command("demo_data", stdout=io.StringIO())

    assert [Minutes.objects.count(), Attendance.objects.count(), Action.objects.count()] == counts
    held = Meeting.objects.filter(status=Meeting.Status.HELD, starts_at__lt=timezone.now())
    assert Minutes.objects.count() == held.count() > 0
    assert Minutes.objects.filter(status=Minutes.Status.ADOPTED).exists()
    assert Attendance.objects.filter(status=Attendance.Status.PRESENT).exists()
    assert Action.objects.filter(status=Action.Status.OPEN, owner__isnull=False).exists()


def test_every_demo_municipality_has_a_burgemeester_and_a_griffier_to_convoke(settings, tmp_path):
    from governance.board import convocation
    from members.models import Organisation

    settings.MEDIA_ROOT = tmp_path
    call_command("demo_data", stdout=io.StringIO())

    people = convocation.convocation_people()
    municipalities = Organisation.objects.member_municipalities()
    assert municipalities.count() == 50
    per_municipality = {}
    for person in people:
        per_municipality.setdefault(person.organisation.name, []).append(person.function)
    assert set(per_municipality) == set(municipalities.values_list("name", flat=True))
    assert all(sorted(functions) == ["burgemeester", "griffier"] for functions in per_municipality.values())
    # Each at the municipality's own domain; the demo log-ins are among them.
    assert all(
        person.email.endswith("@" + person.organisation.email_domains.first().domain) for person in people
    )
    assert {"bestuur@gouda.nl", "lid@delft.nl"} <= {person.email for person in people}
