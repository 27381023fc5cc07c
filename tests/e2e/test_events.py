"""A member registers for a congress in Chromium choosing a workshop in each of two rounds, gets
the mail with a valid .ics, cancels through the mail's link without logging in, and the person on
the waiting list gets the place. axe-core checks the agenda, event, registration and
my-registrations pages."""

import base64
import re
from urllib.parse import urlsplit

import icalendar
import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from events import services
from events.models import Registration
from tests.events.conftest import make_event, sessions_of
from tests.factories import MemberFactory
from vzhg.mail.models import OutgoingMail

from .conftest import assert_accessible

pytestmark = pytest.mark.e2e


def test_member_registers_gets_ics_cancels_by_mail_link_and_waiting_list_moves_up(
    page: Page, live_server, log_in, screenshot
):
    event = make_event(
        title="Najaarscongres: Een weerbaar Zuid-Holland",
        rounds=2,
        sessions_per_round=3,
        session_capacity=30,
        capacity=2,
    )
    for item, (start, title) in enumerate(
        [("09:30", "Opening"), ("09:40", "Keynote"), ("10:50", "Workshops")]
    ):
        event.programme.create(starts_at=start, title=title, order=item)
    rounds = sessions_of(event)
    services.registration_create(
        event=event, person=MemberFactory(), session_ids=[rounds[0][0].pk, rounds[1][0].pk]
    )
    member = MemberFactory(first_name="Fleur")
    log_in(member.user)
    main = page.get_by_role("main")

    # The agenda lists the congress; its page shows programme and workshops.
    page.goto(live_server.url + reverse("events:agenda"))
    expect(main.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
    screenshot("agenda")
    main.get_by_role("link", name=event.title).click()
    expect(page).to_have_url(live_server.url + event.get_absolute_url())
    expect(main).to_contain_text("Workshop 2.3")
    assert_accessible(page)
    screenshot("event")

    # Register: one workshop per round, a remark, confirm.
    main.locator(f'a[href="{reverse("events:register", args=[event.slug])}"]').click()
    expect(page.get_by_role("group", name="Ronde 1")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("group", name="Ronde 1").get_by_label(re.compile("Workshop 1.2")).check()
    page.get_by_role("group", name="Ronde 2").get_by_label(re.compile("Workshop 2.3")).check()
    main.locator("textarea[name=remarks]").fill("Vegetarisch")
    screenshot("register")
    main.locator("button[type=submit]").click()
    expect(page).to_have_url(live_server.url + event.get_absolute_url())
    expect(page.locator(".registration-status")).to_have_attribute("data-status", "confirmed")

    registration = Registration.objects.get(event=event, person=member)
    assert registration.status == Registration.Status.CONFIRMED
    assert sorted(c.session.title for c in registration.choices.select_related("session")) == [
        "Workshop 1.2",
        "Workshop 2.3",
    ]

    # The mail (its outbox row): text and HTML, an .ics that parses, with Amsterdam time.
    confirmation = OutgoingMail.objects.filter(to=member.email).latest("pk")
    assert "Workshop 1.2" in confirmation.body_text and "Fleur" in confirmation.body_text
    assert "Workshop 2.3" in confirmation.body_html
    ics = confirmation.attachments[0]
    assert ics["filename"].endswith(".ics") and ics["mimetype"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(base64.b64decode(ics["content"]))
    vevent = calendar.walk("VEVENT")[0]
    assert str(vevent["SUMMARY"]) == event.title
    assert str(vevent.decoded("DTSTART").tzinfo) == "Europe/Amsterdam"

    # My registrations.
    page.goto(live_server.url + reverse("events:mine"))
    expect(main.locator(".my-registration")).to_have_count(1)
    assert_accessible(page)
    screenshot("mine")

    # Someone else joins the waiting list.
    waiting = services.registration_create(
        event=event, person=MemberFactory(), session_ids=[rounds[0][1].pk, rounds[1][1].pk]
    )
    assert waiting.status == Registration.Status.WAITLISTED

    # Cancel through the mail link in a fresh browser session (not logged in).
    page.context.clear_cookies()
    cancel_link = re.search(r"https?://\S+/agenda/afmelden/\S+/", confirmation.body_text).group(0)
    page.goto(live_server.url + urlsplit(cancel_link).path)
    expect(main.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
    screenshot("cancel-confirm")
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED  # opening the link changes nothing
    mails_before = OutgoingMail.objects.order_by("-pk").values_list("pk", flat=True).first()
    main.locator("form button[type=submit]").click()
    expect(main.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("status").last).to_be_visible()
    screenshot("cancelled")

    registration.refresh_from_db()
    waiting.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    assert waiting.status == Registration.Status.CONFIRMED
    recipients = list(OutgoingMail.objects.filter(pk__gt=mails_before).values_list("to", flat=True))
    assert member.email in recipients and waiting.person.email in recipients
