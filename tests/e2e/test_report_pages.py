"""The workplan and annual report pages in Chromium: the adopted workplan and the published annual
report are clean under axe-core (WCAG 2.1 AA) and under the site's Content Security Policy (the
page fixture fails on any CSP refusal); staff pages too. Screenshots go to var/test-artifacts."""

import pytest
from playwright.sync_api import Page, expect

from tests.factories import secretariat_user
from tests.governance.report_data import build_year

from .conftest import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def year():
    return build_year(municipalities=20, events=8, registrations_per_event=6, activities=6)


def test_adopted_workplan_page_is_accessible(page: Page, live_server, year, screenshot):
    page.goto(f"{live_server.url}/werkplan/{year.year}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(str(year.year))
    expect(page.locator("#activities")).to_contain_text("Themabijeenkomst nummer 6")
    expect(page.locator(".concept-banner")).to_have_count(0)
    assert_accessible(page)
    screenshot("workplan")
    page.get_by_role("link", name="Inleiding en achtergrond").click()
    expect(page).to_have_url(
        f"{live_server.url}/werkplan/{year.year}/#chapter-{year.workplan.sections.first().pk}"
    )


def test_published_annual_report_page_is_accessible(page: Page, live_server, year, screenshot):
    page.goto(f"{live_server.url}/jaarverslag/{year.year}/")
    chart = page.locator("svg.bar-chart")
    expect(chart).to_be_visible()
    expect(chart.locator("g.bar")).to_have_count(20)
    assert chart.get_attribute("role") == "img" and chart.get_attribute("aria-label")
    assert_accessible(page)
    screenshot("annual-report")


def test_staff_pages_are_accessible(page: Page, live_server, log_in, year, screenshot):
    log_in(secretariat_user())
    page.goto(f"{live_server.url}/jaarverslag/{year.year}/")
    expect(page.locator(".staff-tools")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/werkplan/{year.year}/voortgang/1/")
    expect(page.locator(".progress-table tbody tr").first).to_contain_text("A1")
    assert_accessible(page)
    screenshot("half-year")
    # write a traffic light from the overview: the form, an error kept in place, then saved
    page.locator(".progress-write").first.click()
    page.locator("textarea[name=text]").fill("")
    page.locator(".progress-form button[type=submit]").click()
    expect(page.locator(".invalid-feedback")).to_be_visible()
    assert_accessible(page)
    page.locator("input[name=light][value=red]").check()
    page.locator("textarea[name=text]").fill("Zaal nog niet vastgelegd.")
    page.locator(".progress-form button[type=submit]").click()
    expect(page.locator(".progress-table")).to_contain_text("Zaal nog niet vastgelegd.")
    page.goto(f"{live_server.url}/jaarverslag/{year.year}/ledenbinding/")
    expect(page.locator("svg.bar-chart g.bar")).to_have_count(20)
    assert_accessible(page)
    screenshot("ledenbinding")
