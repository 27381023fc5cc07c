"""Issue 16 in Chromium: the ledenbinding page with its networks per municipality (the secretariat
at desktop width, a board member on a 390 px phone), and the secretariat creating the commission
seat from a given recommendation on the "Behandelen" page; clean under axe-core and the CSP."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from governance.board import recommendations
from governance.models import Body, CommissionSeat, Mandate, VngCommission
from members.models import Person
from networks.models import Network, NetworkMembership
from tests.factories import MemberFactory, secretariat_user
from tests.governance.report_data import build_year

from .conftest import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def year_with_networks():
    year = build_year(municipalities=12, events=6, registrations_per_event=5, activities=4)
    strategen = Network.objects.create(name="Strategennetwerk", slug="strategennetwerk", order=1)
    juristen = Network.objects.create(name="Juristennetwerk", slug="juristennetwerk", order=2)
    since = datetime.date(year.year, 2, 1)
    for number, town in enumerate(year.municipalities[:8]):
        person = MemberFactory(organisation=town)
        NetworkMembership.objects.create(network=strategen, person=person, joined_on=since)
        if number < 3:
            NetworkMembership.objects.create(network=juristen, person=person, joined_on=since)
    return year


@pytest.mark.parametrize("who", ["secretariat-desktop", "board-phone"])
def test_the_ledenbinding_page_shows_the_networks_per_municipality(
    page: Page, live_server, log_in, year_with_networks, screenshot, who
):
    if who == "board-phone":
        board = MemberFactory(
            first_name="Bea", last_name="Bestuur", organisation=year_with_networks.municipalities[11]
        )
        Mandate.objects.create(
            person=board,
            body=Body.objects.get(slug="ab"),
            role=Mandate.Role.LID,
            start=datetime.date(2020, 1, 1),
        )
        page.set_viewport_size(PHONE)
        log_in(board.user)
    else:
        page.set_viewport_size(DESKTOP)
        log_in(secretariat_user())

    page.goto(f"{live_server.url}/jaarverslag/{year_with_networks.year}/ledenbinding/")

    counts = page.get_by_test_id("network-counts")
    expect(counts).to_contain_text("8 van de 12 gemeenten in Strategennetwerk")
    expect(counts).to_contain_text("3 van de 12 gemeenten in Juristennetwerk")
    expect(page.get_by_role("columnheader", name="Netwerken")).to_have_count(1)
    first_town = year_with_networks.municipalities[0].name
    row = page.locator("tr", has=page.get_by_role("rowheader", name=first_town, exact=True))
    expect(row.locator("td.engagement-networks")).to_have_text("2: Strategennetwerk, Juristennetwerk")
    assert_accessible(page)
    screenshot(f"ledenbinding-{who}")


def test_the_secretariat_creates_the_seat_from_a_given_recommendation(
    page: Page, live_server, log_in, screenshot
):
    staff = secretariat_user()
    commission = VngCommission.objects.create(name="Informatiesamenleving")
    wethouder = MemberFactory(first_name="Anna", last_name="Visser", function=Person.Function.WETHOUDER)
    given = recommendations.recommendation_request_give(
        request=recommendations.recommendation_request_create(
            person=wethouder, commission=commission, motivation="Digitalisering.", actor=wethouder.user
        ),
        letter_text="Aanbevolen.",
        actor=staff,
    )
    page.set_viewport_size(DESKTOP)
    log_in(staff)

    page.goto(f"{live_server.url}/admin/governance/recommendationrequest/{given.pk}/change/")
    page.get_by_role("link", name="Commissiezetel aanmaken").click()
    expect(page.get_by_role("heading", name="Commissiezetel aanmaken")).to_be_visible()
    assert_accessible(page)
    today = timezone.localdate()
    page.get_by_label("Zetel begint op").fill(today.isoformat())
    page.get_by_role("button", name="Commissiezetel aanmaken").click()

    expect(page.locator(".messagelist")).to_contain_text(
        "Zetel aangemaakt: Anna Visser in Informatiesamenleving vanaf"
    )
    seat = CommissionSeat.objects.get()
    assert (seat.person, seat.commission, seat.start) == (wethouder, commission, today)
    expect(page.get_by_role("link", name="Commissiezetel aanmaken")).to_have_count(0)
    screenshot("seat-created")

    # the public commission page, at its readable address, names her now
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/bestuur/vng-commissies/{commission.pk}/")
    expect(page).to_have_url(f"{live_server.url}/bestuur/vng-commissies/informatiesamenleving/")
    expect(page.get_by_test_id("members")).to_contain_text("Anna Visser")
    assert_accessible(page)
