"""A walk-in added at the door on a phone (390 px) is on the attendee list (the page with the
answers and the PDF), and the door sees the counts of the own questions without names; both
pages axe-clean (issue 15)."""

import io
import re

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from events.models import Question
from events.questions import registration_answers_save
from tests.e2e.conftest import assert_accessible
from tests.events.staff_factories import EventFactory, RegistrationFactory, nl
from tests.factories import MemberFactory, MunicipalityFactory, secretariat_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_a_walk_in_reaches_the_attendee_list(page: Page, live_server, log_in, screenshot):
    event = EventFactory(title="Najaarscongres")
    lunch = Question.objects.create(event=event, label="Lunch", kind=Question.Kind.YES_NO, order=1)
    Question.objects.create(event=event, label="Dieetwensen", kind=Question.Kind.TEXT, sensitive=True)
    registration = RegistrationFactory(
        event=event, person=MemberFactory(first_name="Anouk", last_name="Visser")
    )
    registration_answers_save(registration=registration, answers={lunch.pk: "yes"})
    MunicipalityFactory(name="Delft")
    log_in(secretariat_user(email="secretariaat@vzhg.nl"))
    page.set_viewport_size(PHONE)

    page.goto(f"{live_server.url}/admin/events/event/{event.pk}/checkin/")
    counts = page.locator("#answer-counts")
    expect(counts).to_contain_text(f"Lunch: 1 {nl('yes')}")
    expect(counts).not_to_contain_text("Dieetwensen")
    expect(counts).not_to_contain_text("Visser")
    page.locator("#id_walkin-name").fill("Wim Binnenloper")
    page.locator("#id_walkin-organisation").select_option(label="Delft")
    page.locator("#walk-in input[type=submit]").click()
    expect(page.locator(".messagelist")).to_contain_text("Wim Binnenloper, Delft")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot("walk-in added at the door")

    page.goto(f"{live_server.url}/admin/events/event/{event.pk}/answers/")
    rows = page.locator("#answers tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(1)).to_contain_text("Wim Binnenloper")
    expect(rows.nth(1)).to_contain_text("Delft")
    expect(page.locator("#answers-caption")).to_contain_text(re.compile(r"\b2\b"))
    assert_accessible(page)
    screenshot("attendee list with the walk-in")

    pdf = page.request.get(f"{live_server.url}/admin/events/event/{event.pk}/attendees.pdf")
    assert pdf.status == 200
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert "Wim Binnenloper" in text and "Delft" in text
