"""A new edition in a real browser: the secretariat makes it from the last one (sections and
fixed texts, no items), writes an item and sends a test to two colleagues it ticks.

The live server runs in this process with Celery eager and Django's in-memory mail, so a mail
queued by a request is in django.core.mail.outbox when the response reaches the browser.
"""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import Page, expect

from members import services as member_services
from newsletters.models import Item, Newsletter, Section
from tests.factories import PersonFactory, UserFactory, secretariat_user

pytestmark = pytest.mark.e2e


def test_a_new_edition_from_the_last_one_and_a_test_to_two_colleagues(
    page: Page, live_server, log_in, screenshot
):
    previous = Newsletter.objects.create(
        title="Nieuwsbrief september 2025", slug="nieuwsbrief-september-2025",
        date=datetime.date(2025, 9, 20),
        intro="Beste lezer,\n\nHet zomerreces ligt alweer achter ons.", closing="Veel leesplezier!",
        status=Newsletter.Status.SENT,
    )  # fmt: skip
    for order, title in enumerate(["Vanuit het bestuur", "Provincie Zuid-Holland", "VNG", "Overig"]):
        section = Section.objects.create(newsletter=previous, title=title, order=(order + 1) * 10)
        Item.objects.create(section=section, title=f"Oud bericht {order}", text="Van september.")

    staff = UserFactory(is_staff=True, email="redactie@vzhg.nl")
    staff.groups.add(member_services.secretariat_group_ensure())
    PersonFactory(email=staff.email, first_name="Noor", user=staff)
    anna = secretariat_user(email="anna@vzhg.nl", first_name="Anna", last_name="Smit")
    PersonFactory(email=anna.email, first_name="Anna", user=anna)
    secretariat_user(email="bram@vzhg.nl", first_name="Bram", last_name="Visser")
    secretariat_user(email="cor@vzhg.nl", first_name="Cor", last_name="Jansen")
    log_in(staff)

    page.goto(live_server.url + reverse("admin:newsletters_newsletter_changelist"))
    page.get_by_role("button", name="Nieuwe editie op basis van de vorige").click()
    expect(page.locator(".messagelist")).to_contain_text("vorige")
    edition = Newsletter.objects.exclude(pk=previous.pk).get()
    expect(page).to_have_url(
        live_server.url + reverse("admin:newsletters_newsletter_change", args=[edition.pk])
    )
    expect(page.locator("#id_intro")).to_have_value(previous.intro)
    expect(page.locator("#id_closing")).to_have_value("Veel leesplezier!")
    expect(page.locator("#sections-group tr.has_original input[name$='-title']")).to_have_count(4)
    assert not Item.objects.filter(section__newsletter=edition).exists()
    screenshot("copied")  # (axe-core on admin pages: tests/e2e/test_admin_accessibility.py)

    # An item in the first section, on the section's own page.
    page.locator("#sections-group a.inlinechangelink").first.click()
    page.locator("#id_items-0-title").fill("Najaarscongres 21 november")
    page.locator("#id_items-0-text").fill("Het thema dit jaar: een weerbaar Zuid-Holland.")
    page.locator("input[name=_save]").click()
    expect(page).to_have_url(re.compile(rf"/admin/newsletters/newsletter/{edition.pk}/change/$"))

    # The test goes to me and to the two colleagues I tick.
    page.get_by_label("Anna Smit (anna@vzhg.nl)").check()
    page.get_by_label("Bram Visser (bram@vzhg.nl)").check()
    mail.outbox.clear()
    page.locator("input[name=_send_test]").click()
    expect(page.locator(".messagelist")).to_contain_text("anna@vzhg.nl")
    expect(page.locator(".messagelist")).to_contain_text("bram@vzhg.nl")
    screenshot("tested")
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@vzhg.nl", "bram@vzhg.nl", "redactie@vzhg.nl"]
    assert all(m.subject.startswith("[TEST] ") for m in mail.outbox)
    to_anna = next(m for m in mail.outbox if m.to == ["anna@vzhg.nl"])
    assert "Anna" in to_anna.body and "Najaarscongres 21 november" in to_anna.body
    assert "Veel leesplezier!" in to_anna.body and "Oud bericht" not in to_anna.body
