"""An event's own questions in Chromium: a member answers lunch, dieetwensen and parkeren on a
phone, forgets the required one and finds everything she typed still there with a Dutch message;
the secretariat then sees her answers and the counts on the attendee list. axe-core checks both."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from events.models import Question, Registration
from members import services as member_services
from tests.events.conftest import make_event
from tests.factories import MemberFactory, UserFactory

from .conftest import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_a_member_answers_the_questions_and_the_secretariat_sees_them(
    page: Page, live_server, log_in, screenshot
):
    event = make_event(title="Najaarscongres: Een weerbaar Zuid-Holland")
    Question.objects.create(
        event=event, label="Blijft u voor de lunch?", kind=Question.Kind.YES_NO, required=True, order=1
    )
    Question.objects.create(
        event=event, label="Dieetwensen", kind=Question.Kind.TEXT, sensitive=True, order=2,
        help_text="Bijvoorbeeld vegetarisch of glutenvrij.",
    )  # fmt: skip
    Question.objects.create(
        event=event,
        label="Parkeren",
        kind=Question.Kind.CHOICE,
        options="Openbaar vervoer\nFiets\nAuto",
        required=True,
        order=3,
    )
    member = MemberFactory(first_name="Fleur", last_name="Bakker")
    log_in(member.user)
    page.set_viewport_size(PHONE)
    main = page.get_by_role("main")

    page.goto(live_server.url + reverse("events:register", args=[event.slug]))
    assert_accessible(page)
    main.get_by_label("Dieetwensen").fill("glutenvrij")
    main.get_by_role("group", name=re.compile("Parkeren")).get_by_label("Fiets").check()
    main.locator("button[type=submit]").click()

    summary = main.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Beantwoord de vraag ‘Blijft u voor de lunch?’.")
    expect(main.get_by_label("Dieetwensen")).to_have_value("glutenvrij")  # nothing lost
    expect(main.get_by_role("group", name=re.compile("Parkeren")).get_by_label("Fiets")).to_be_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)
    screenshot("question errors on a phone")
    assert not Registration.objects.filter(person=member).exists()

    main.get_by_role("group", name=re.compile("lunch")).get_by_label("Ja").check()
    main.locator("button[type=submit]").click()
    expect(page.locator(".registration-status")).to_have_attribute("data-status", "confirmed")

    # Changing the registration shows what she answered.
    registration = Registration.objects.get(event=event, person=member)
    page.goto(live_server.url + reverse("events:registration_change", args=[registration.pk]))
    expect(main.get_by_label("Dieetwensen")).to_have_value("glutenvrij")
    expect(main.get_by_role("group", name=re.compile("lunch")).get_by_label("Ja")).to_be_checked()

    # The secretariat opens the attendee list with the answers from the event's page.
    secretariat = UserFactory(is_staff=True, email="secretariaat@vzhg.nl")
    secretariat.groups.add(member_services.secretariat_group_ensure())
    page.context.clear_cookies()
    log_in(secretariat)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/admin/events/event/{event.pk}/change/")
    page.get_by_role("link", name="Deelnemerslijst met antwoorden").click()
    row = page.locator("#answers tbody tr", has_text="Bakker")
    expect(row.locator("td")).to_contain_text(["", "ja", "glutenvrij", "Fiets"])
    expect(page.locator("#answer-counts")).to_contain_text(
        "Blijft u voor de lunch?: 1 antwoord (ja: 1; nee: 0)"
    )
    assert_accessible(page)
    screenshot("attendee list with answers")
