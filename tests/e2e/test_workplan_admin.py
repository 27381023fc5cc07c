"""The secretariat's workplan in a real browser: copy last year's plan to this year, change an
activity's number per year, link an event of this year to it, see the realised count on the plan,
write a progress report, render the PDF and download it."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from governance.models import PlannedActivity, ProgressReport, ReportVersion, Workplan
from members import services as member_services
from tests.events.staff_factories import EventFactory
from tests.factories import UserFactory
from tests.governance.report_admin_factories import workplan_with_activities

from .conftest import ARTIFACTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def secretariat():
    user = UserFactory(is_staff=True, email="secretariaat@vzhg.nl")
    user.groups.add(member_services.secretariat_group_ensure())
    return user


def ended_event_this_year(title: str):
    """A published event of this year that is over. Early in January there is little past to
    use: the event then starts at New Year and ends halfway to now."""
    now = timezone.now()
    tz = timezone.get_default_timezone()
    new_year = datetime.datetime(timezone.localdate().year, 1, 1, tzinfo=tz)
    starts_at = max(now - datetime.timedelta(days=3), new_year)
    ends_at = starts_at + min(datetime.timedelta(hours=2), (now - starts_at) / 2)
    return EventFactory(title=title, starts_at=starts_at, ends_at=ends_at)


def test_secretariat_copies_the_plan_links_an_event_and_renders_the_pdf(
    page: Page, live_server, log_in, secretariat, screenshot
):
    this_year = timezone.localdate().year
    last_plan = workplan_with_activities(
        year=this_year - 1, activities=2, title=f"Werkplan VZHG {this_year - 1}"
    )
    event = ended_event_this_year("Themabijeenkomst brede welvaart")
    EventFactory(title="Themabijeenkomst vorig jaar", starts_at=timezone.now() - datetime.timedelta(days=400))
    log_in(secretariat)

    # --- copy last year's plan to this year --------------------------------------------------
    page.goto(f"{live_server.url}/admin/governance/workplan/")
    expect(page.locator("#result_list")).to_contain_text(f"Werkplan VZHG {this_year - 1}")
    screenshot("workplan list")
    page.locator("#result_list").get_by_role("link", name=f"Werkplan VZHG {this_year - 1}").click()
    page.locator(".reports-tools button[value=copy_to_new_year]").click()
    year = page.locator("input[name=year]")
    expect(year).to_have_value(str(this_year))  # next year is proposed
    screenshot("copy asks for the year")
    page.locator(".submit-row input[type=submit]").click()

    plan = Workplan.objects.get(year=this_year)
    expect(page).to_have_url(f"{live_server.url}/admin/governance/workplan/{plan.pk}/change/")
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert plan.status == Workplan.Status.CONCEPT and plan.activities.count() == 2
    activity = plan.activities.get(code="A1")
    row = page.locator(f"#activity-{activity.pk}")
    expect(row.locator(".reports-count")).to_have_attribute("data-planned", "6")
    expect(row.locator(".reports-count")).to_have_attribute("data-realised", "0")
    screenshot("the new plan")

    # --- edit the activity: four a year, realised by this year's event, a progress report ----
    row.get_by_role("link", name="Themabijeenkomst").click()
    page.locator("#id_planned_count").fill("4")
    page.locator(".field-events .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("brede welvaart")
    page.locator(".select2-results__option", has_text="Themabijeenkomst brede welvaart").click()
    page.locator("select[name='progress_reports-0-half']").select_option("1")
    page.locator("select[name='progress_reports-0-light']").select_option("orange")
    page.locator("textarea[name='progress_reports-0-text']").fill(
        "Twee bijeenkomsten schuiven door naar het najaar."
    )
    screenshot("activity edited")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    expect(page.locator(".field-realised .readonly")).to_contain_text("4")
    screenshot("activity saved")

    activity = PlannedActivity.objects.get(pk=activity.pk)
    assert activity.planned_count == 4
    assert list(activity.events.all()) == [event]
    report = ProgressReport.objects.get(activity=activity)
    assert (report.half, report.light, report.written_by) == (1, "orange", secretariat)

    # --- the plan shows the realised count and the light ---------------------------------------
    page.goto(f"{live_server.url}/admin/governance/workplan/{plan.pk}/change/")
    count = page.locator(f"#activity-{activity.pk} .reports-count")
    expect(count).to_have_attribute("data-planned", "4")
    expect(count).to_have_attribute("data-realised", "1")
    expect(count).to_contain_text("4")
    expect(count).to_contain_text("1")
    expect(page.locator(f"#activity-{activity.pk} .reports-light").first).to_have_attribute(
        "data-light", "orange"
    )
    screenshot("realised on the plan")

    # --- render the PDF and download it --------------------------------------------------------
    page.locator(".reports-tools button[value=render_pdf]").click()
    expect(page).to_have_url(f"{live_server.url}/admin/governance/workplan/{plan.pk}/change/")
    version = ReportVersion.objects.get(kind=ReportVersion.Kind.WORKPLAN, year=this_year)
    assert version.status == ReportVersion.Status.READY, version.error
    expect(page.locator(".reports-versions li[data-status=ready]")).to_have_count(1)
    link = page.locator(".reports-versions a.reports-download")
    screenshot("pdf ready")
    response = page.request.get(live_server.url + link.get_attribute("href"))
    assert response.ok and response.headers["content-type"].startswith("application/pdf")
    assert response.body()[:5] == b"%PDF-"
    (ARTIFACTS / "workplan-admin.pdf").write_bytes(response.body())  # to look at

    # Last year's plan is untouched: its activities keep their number and have no links.
    assert list(last_plan.activities.values_list("planned_count", flat=True)) == [6, 2]
    assert not PlannedActivity.events.through.objects.filter(plannedactivity__workplan=last_plan).exists()
