"""VNG commissions in Chromium: a wethouder asks for a recommendation from their profile and the
secretariat gives it (the wethouder then downloads the letter); the public commission page on a
390 px phone, clean under axe-core and the Content Security Policy."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from governance.models import Body, CommissionSeat, Meeting, RecommendationRequest, VngCommission
from members.models import Person
from tests.events.staff_factories import EventFactory
from tests.factories import MemberFactory, secretariat_user

from .conftest import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def commission():
    commission = VngCommission.objects.create(
        name="Informatiesamenleving", description="De digitale agenda voor gemeenten."
    )
    for first, last, function in (("Roos", "Dijkstra", "griffier"), ("Maarten", "Berg", "wethouder")):
        person = MemberFactory(first_name=first, last_name=last, function=function)
        CommissionSeat.objects.create(person=person, commission=commission, start=datetime.date(2024, 1, 1))
    commission.klankbord_events.add(EventFactory(title="Digitale klankbordbijeenkomst Informatiesamenleving"))
    return commission


def test_a_wethouder_asks_and_the_secretariat_gives_the_recommendation(
    page: Page, live_server, log_in, commission, screenshot
):
    wethouder = MemberFactory(first_name="Anna", last_name="Visser", function=Person.Function.WETHOUDER)
    body = Body.objects.create(name="Dagelijks bestuur", slug="db", kind=Body.Kind.DB)
    Meeting.objects.create(body=body, title="DB april", starts_at=timezone.now() + datetime.timedelta(days=3))

    log_in(wethouder.user)
    page.goto(f"{live_server.url}/profiel/")
    page.get_by_role("link", name="Aanbeveling aanvragen").click()
    page.get_by_label("VNG-commissie").select_option(label="Informatiesamenleving")
    page.get_by_label("Motivatie").fill("Ik ben wethouder digitalisering en breng de regio in.")
    assert_accessible(page)
    page.get_by_role("button", name="Verzoek versturen").click()
    expect(page.locator(".messages")).to_contain_text("ontvangen")
    expect(page.get_by_test_id("recommendation-requests")).to_contain_text("Informatiesamenleving: ontvangen")

    request = RecommendationRequest.objects.get()
    page.context.clear_cookies()
    log_in(secretariat_user())
    page.goto(f"{live_server.url}/admin/governance/recommendationrequest/{request.pk}/change/")
    page.get_by_role("link", name="Dit verzoek behandelen").click()
    page.get_by_label("Besproken in een DB-vergadering").check()
    page.locator("select[name=meeting]").select_option(index=1)
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".messagelist")).to_contain_text("besproken in het DB")

    page.get_by_role("link", name="Dit verzoek behandelen").click()
    page.get_by_label("Aanbeveling geven").check()
    page.get_by_role("button", name="Opslaan").click()  # the prepared letter text
    expect(page.locator(".messagelist")).to_contain_text("aanbeveling gegeven")
    screenshot("recommendation-given")

    page.context.clear_cookies()
    log_in(wethouder.user)
    page.goto(f"{live_server.url}/profiel/")
    letter = page.get_by_role("link", name="Aanbevelingsbrief (pdf)")
    expect(letter).to_be_visible()
    response = page.request.get(live_server.url + letter.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"


def test_the_public_commission_page_on_a_phone(page: Page, live_server, commission, screenshot):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/bestuur/vng-commissies/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Onze Zuid-Hollandse commissieleden")
    assert_accessible(page)
    page.get_by_role("link", name="Informatiesamenleving").click()
    expect(page.get_by_test_id("members")).to_contain_text("Roos Dijkstra")
    expect(page.get_by_test_id("klankbord")).to_contain_text("Digitale klankbordbijeenkomst")
    assert_accessible(page)
    screenshot("commission-phone")
