"""The secretariat in a real browser: invite the griffiers to an event (audience, preview, send)
and see the progress; then check people in at the door on a phone-sized screen."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from events.models import Invitation
from members import services as member_services
from members.models import Person
from tests.events.staff_factories import EventFactory, RegistrationFactory
from tests.factories import MemberFactory, MunicipalityFactory, PersonFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def secretariat():
    user = UserFactory(is_staff=True, email="secretariaat@vzhg.nl")
    user.groups.add(member_services.secretariat_group_ensure())
    return user


def test_secretariat_invites_the_griffiers_and_sees_the_progress(
    page: Page, live_server, log_in, secretariat, screenshot
):
    event = EventFactory(title="Netwerkbijeenkomst griffiers")
    griffiers = [
        PersonFactory(
            first_name=name, organisation=MunicipalityFactory(name=town), function=Person.Function.GRIFFIER
        )
        for name, town in (("Lotte", "Leiden"), ("Gijs", "Gouda"), ("Dewi", "Delft"))
    ]
    PersonFactory(organisation=griffiers[0].organisation, function=Person.Function.BURGEMEESTER)
    log_in(secretariat)

    page.goto(f"{live_server.url}/admin/events/event/")
    expect(page.locator("#result_list")).to_contain_text("Netwerkbijeenkomst griffiers")
    screenshot("event list")
    page.goto(f"{live_server.url}/admin/events/event/{event.pk}/change/")
    screenshot("event page")
    page.locator(f'a[href="/admin/events/event/{event.pk}/invitations/"]').click()
    expect(page.locator("#progress-heading")).to_be_visible()
    screenshot("invitations page")

    page.locator('input[name="audience"][value="function"]').check()
    page.locator('input[name="functions"][value="griffier"]').check()
    page.locator('input[name="preview"]').click()
    expect(page.locator("#preview-subject")).to_contain_text("Netwerkbijeenkomst griffiers")
    # The preview is the mail as the first of them (in name order) gets it; nothing is sent yet.
    expect(page.locator("#preview-text")).to_contain_text(griffiers[0].first_name)
    assert mail.outbox == [] and not Invitation.objects.exists()
    screenshot("preview")

    page.locator('input[name="send"]').click()
    expect(page.locator("#progress-total")).to_have_text("3")
    expect(page.locator("#progress-sent")).to_have_text("3")
    expect(page.locator("#progress-failed")).to_have_text("0")
    screenshot("sent")
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in griffiers)

    # Sending to the same audience again mails nobody: the preview offers no send button.
    page.locator('input[name="audience"][value="function"]').check()
    page.locator('input[name="functions"][value="griffier"]').check()
    page.locator('input[name="preview"]').click()
    expect(page.locator("#preview-subject")).to_be_visible()
    expect(page.locator('input[name="send"]')).to_have_count(0)
    assert len(mail.outbox) == 3


def test_check_in_at_the_door_on_a_phone(page: Page, live_server, log_in, secretariat, screenshot):
    event = EventFactory(title="ALV en voorjaarscongres")
    anouk = RegistrationFactory(event=event, person=MemberFactory(first_name="Anouk", last_name="Visser"))
    RegistrationFactory(event=event, person=MemberFactory(first_name="Bas", last_name="Jong"))
    log_in(secretariat)
    page.set_viewport_size(PHONE)

    page.goto(f"{live_server.url}/admin/events/event/{event.pk}/checkin/")
    counts = page.locator("#checkin-counts")
    expect(counts).to_contain_text(re.compile(r"0\D+2"))
    page.locator("#checkin-q").fill("viss")
    page.locator("#checkin-q").press("Enter")
    rows = page.locator("#results > li")
    expect(rows).to_have_count(1)
    screenshot("search on a phone")

    button = rows.first.locator("button")
    box = button.bounding_box()
    assert box["height"] >= 44 and box["x"] + box["width"] <= PHONE["width"]  # a thumb can hit it
    button.click()
    expect(counts).to_contain_text(re.compile(r"1\D+2"))
    expect(page.locator("#results > li.is-present")).to_have_count(1)
    screenshot("checked in")
    anouk.refresh_from_db()
    assert anouk.attended
    # No horizontal scrolling on the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
