"""The newsletter in a real browser: someone subscribes, confirms, receives an edition the
secretariat composed, previewed, tested and sent, and unsubscribes in one click.

The live server runs in this process with Celery eager and Django's in-memory mail, so a mail
queued by a request is in django.core.mail.outbox when the response reaches the browser.
"""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from playwright.sync_api import Page, expect

from members import services as member_services
from newsletters.models import Newsletter, Subscription
from tests.factories import PersonFactory, UserFactory

from .conftest import assert_accessible

pytestmark = pytest.mark.e2e

READER = "lotte.de.wit@example.org"


def _local(url: str, live_server) -> str:
    return url.replace(settings.SITE_URL.rstrip("/"), live_server.url)


def _mail_to(address: str, *, containing: str = ""):
    found = [m for m in mail.outbox if address in m.to and containing in m.subject]
    assert found, f"no mail to {address}: {[(m.to, m.subject) for m in mail.outbox]}"
    return found[-1]


def test_subscribe_confirm_receive_and_unsubscribe(page: Page, live_server, log_in, screenshot):
    # --- a reader subscribes on the public page and confirms -----------------------------------
    page.goto(live_server.url + reverse("newsletters:archive"))
    assert_accessible(page)
    page.get_by_role("main").get_by_role(
        "link", name=re.compile("subscri|aanmeld|abonne", re.I)
    ).first.click()
    expect(page).to_have_url(live_server.url + reverse("newsletters:subscribe"))
    field = page.get_by_label(re.compile("e-?mail", re.I))
    field.fill("geen-adres")
    field.press("Enter")
    expect(page.locator(".invalid-feedback")).to_be_visible()
    assert not Subscription.objects.exists()
    assert_accessible(page)
    field = page.get_by_label(re.compile("e-?mail", re.I))
    field.fill(READER)
    field.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text(READER)
    screenshot("subscribed")
    assert_accessible(page)
    assert Subscription.objects.get().status == "pending"

    confirmation = _mail_to(READER)
    link = re.search(r"https?://\S+/nieuwsbrief/bevestigen/\S+/", confirmation.body).group(0)
    page.goto(_local(link, live_server))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert Subscription.objects.get().status == "confirmed"
    assert_accessible(page)

    # --- the secretariat composes, previews, tests and sends ------------------------------------
    staff = UserFactory(is_staff=True, email="redactie@vzhg.nl")
    staff.groups.add(member_services.secretariat_group_ensure())
    PersonFactory(email=staff.email, first_name="Noor", user=staff)
    log_in(staff)
    page.goto(live_server.url + reverse("admin:newsletters_newsletter_add"))
    page.locator("#id_title").fill("Nieuwsbrief december")
    page.locator("#id_intro").fill("Beste lezer,\n\nDit is de **laatste** editie van het jaar.")
    page.locator("input[name=_continue]").click()
    newsletter = Newsletter.objects.get()
    assert newsletter.slug == "nieuwsbrief-december"
    assert newsletter.sections.count() == 4

    # Items are written on a section's own page (the section's change link).
    page.locator("#sections-group a.inlinechangelink").first.click()
    page.locator("#id_items-0-title").fill("Woningbouw versnellen")
    page.locator("#id_items-0-text").fill("Gemeenten en provincie maken afspraken. <script>alert(1)</script>")
    page.locator("#id_items-0-link").fill("https://www.zuid-holland.nl/wonen")
    page.locator("input[name=_save]").click()
    expect(page).to_have_url(re.compile(r"/admin/newsletters/newsletter/\d+/change/$"))
    screenshot("composed")

    page.goto(live_server.url + reverse("admin:newsletters_newsletter_preview", args=[newsletter.pk]))
    expect(page.get_by_text("Woningbouw versnellen")).to_be_visible()
    expect(page.get_by_text("Noor", exact=False).first).to_be_visible()
    assert "alert(1)" not in page.content()
    screenshot("preview")
    page.go_back()

    page.locator("input[name=_send_test]").click()
    expect(page.locator(".messagelist")).to_contain_text(staff.email)
    assert "[TEST]" in _mail_to(staff.email, containing="TEST").subject

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("input[name=_send_now]").click()
    expect(page.locator(".messagelist")).to_contain_text("1")
    expect(page.locator(".newsletter-progress")).to_contain_text("1")
    screenshot("sent")
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.SENT

    # --- the reader reads it and leaves in one click --------------------------------------------
    edition = _mail_to(READER, containing="Nieuwsbrief december")
    assert edition.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = edition.alternatives[0][0]
    web = re.search(r'href="([^"]+/nieuwsbrief/nieuwsbrief-december/)"', html).group(1)
    unsubscribe = re.search(r'href="([^"]+/nieuwsbrief/afmelden/[^"]+/)"', html).group(1)

    page.context.clear_cookies()
    page.goto(_local(web, live_server))
    expect(page.get_by_role("heading", name="Woningbouw versnellen")).to_be_visible()
    assert "alert(1)" not in page.content()
    screenshot("web version")
    assert_accessible(page)

    page.goto(_local(unsubscribe, live_server))
    assert_accessible(page)
    page.get_by_role("main").get_by_role("button").click()
    expect(page.get_by_role("status").first).to_contain_text(READER)
    assert_accessible(page)
    screenshot("unsubscribed")
    assert Subscription.objects.get(email=READER).status == "unsubscribed"
