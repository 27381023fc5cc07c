"""Issue 16's leftovers in a real browser: a network meeting only for its members (a non-member is
told why and where to join; a member registers), a news item with an image at 390 px, and the
profile page whose sections all come through members.extensions.profile_panel_add — each
axe-clean under the strict CSP (the page fixture fails on any CSP refusal)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from playwright.sync_api import Page, expect

from events.models import Registration
from members.models import Person
from networks.services import membership_join
from newsletters.models import NewsletterList
from tests.events.conftest import make_event
from tests.factories import MemberFactory
from tests.networks.conftest import NetworkFactory
from tests.pages.conftest import make_news

from .conftest import assert_accessible

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def _no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_network_meeting_refuses_a_non_member_and_takes_a_member(
    page: Page, live_server, log_in, screenshot
):
    page.set_viewport_size(PHONE)
    network = NetworkFactory(name="Juristennetwerk", slug="juristennetwerk")
    meeting = make_event(network=network, network_only=True, title="Juristenmiddag")
    outsider = MemberFactory(first_name="Otto", last_name="Buiten")
    log_in(outsider.user)

    page.goto(live_server.url + meeting.get_absolute_url())
    notice = page.locator(".network-only")
    expect(notice).to_contain_text("Deze bijeenkomst is voor leden van het Juristennetwerk.")
    expect(page.get_by_role("link", name="Aanmelden", exact=True)).to_have_count(0)
    assert_accessible(page)
    _no_sideways_scroll(page)
    screenshot("non-member")
    notice.get_by_role("link", name="Meld je aan bij het Juristennetwerk").click()
    expect(page).to_have_url(live_server.url + network.get_absolute_url())

    # Straight to the form anyway: refused in words, nothing stored.
    page.goto(live_server.url + reverse("events:register", args=[meeting.slug]))
    expect(page.get_by_role("alert")).to_contain_text(
        "Deze bijeenkomst is voor leden van het Juristennetwerk."
    )
    assert not Registration.objects.filter(event=meeting).exists()

    member = MemberFactory(first_name="Jet", last_name="Jurist")
    membership_join(network=network, person=member, actor=None)
    page.context.clear_cookies()
    log_in(member.user)
    page.goto(live_server.url + meeting.get_absolute_url())
    expect(page.locator(".network-only")).to_have_count(0)
    page.get_by_role("link", name="Aanmelden", exact=True).click()
    page.get_by_role("button", name="Aanmelding bevestigen").click()
    expect(page.locator(".registration-status")).to_have_attribute("data-status", "confirmed")
    assert_accessible(page)
    screenshot("member-registered")


def _photo() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (1200, 800), (0, 85, 140)).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_a_news_item_with_an_image_on_a_phone(page: Page, live_server, screenshot, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    item = make_news(
        title_nl="Nieuw bestuur gekozen",
        image=SimpleUploadedFile("bestuur.jpg", _photo()),
        image_alt="Het nieuwe bestuur op de trap van het provinciehuis",
    )
    page.set_viewport_size(PHONE)

    for url in (item.get_absolute_url(), reverse("pages:news"), reverse("home")):
        page.goto(live_server.url + url)
        image = page.get_by_role("img", name="Het nieuwe bestuur op de trap van het provinciehuis")
        expect(image).to_be_visible()
        expect(image).to_have_attribute("width", "1200")
        expect(image).to_have_attribute("height", "800")
        assert image.evaluate("img => img.complete && img.naturalWidth") == 1200  # loaded under the CSP
        assert_accessible(page)
        _no_sideways_scroll(page)
        screenshot(url.strip("/").replace("/", "-") or "home")


def test_the_profile_sections_on_a_phone(page: Page, live_server, log_in, screenshot):
    """All three sections from the apps above members: newsletter lists, networks, recommendations."""
    NewsletterList.objects.create(name="Griffiersnetwerk", slug="griffiers", description="Voor griffiers.")
    NetworkFactory(name="Strategennetwerk", slug="strategennetwerk")
    bestuurder = MemberFactory(first_name="Carlijn", last_name="de Haan", function=Person.Function.WETHOUDER)
    log_in(bestuurder.user)
    page.set_viewport_size(PHONE)

    page.goto(live_server.url + reverse("members:profile"))

    expect(page.get_by_test_id("newsletter-lists")).to_be_visible()
    expect(page.get_by_test_id("profile-network-strategennetwerk")).to_be_visible()
    ids = page.locator("main h2").evaluate_all("hs => hs.map(h => h.id)")
    order = [
        ids.index(name) for name in ("profile-newsletter", "profile-networks", "profile-recommendations")
    ]
    assert order == sorted(order), ids
    assert_accessible(page)
    _no_sideways_scroll(page)
    screenshot("profile")
