"""The public site in Chromium: a content page at 390 px (a phone), the home page with its next
events, newsletter and news, and the archive with a past event's materials — axe-clean, under the
strict CSP (the `page` fixture fails on any CSP refusal), nothing scrolling sideways."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from events.material_models import EventMaterial
from newsletters.models import Newsletter
from pages.models import ContentPage, NewsItem
from tests.events.conftest import make_event
from tests.factories import MunicipalityFactory, RegionFactory
from tests.newsletters.conftest import NewsletterFactory

from .conftest import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SIDEWAYS = "() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1"


@pytest.fixture
def site():
    # A transactional test starts from an emptied database: the pages the migration made are gone.
    ContentPage.objects.update_or_create(
        slug="over-de-vereniging",
        defaults={
            "title_nl": "Over de vereniging",
            "body_nl": "De VZHG verbindt de **50 gemeenten** van Zuid-Holland.\n\n"
            "- congressen\n- netwerken\n\nMail [het secretariaat](mailto:secretariaat@vzhg.nl).",
            "published": True,
        },
    )
    region = RegionFactory(name="Haaglanden")
    for name in ["Delft", "Rijswijk", "Westland"]:
        MunicipalityFactory(name=name, region=region)
    make_event(title="Najaarscongres: een weerbaar Zuid-Holland")
    starts = timezone.now() - timedelta(days=20)
    past = make_event(title="Webinar omgevingswet", starts_at=starts, ends_at=starts + timedelta(hours=1))
    EventMaterial.objects.create(event=past, url="https://video.example.org/webinar")
    EventMaterial.objects.create(
        event=past, title="Presentatie provincie", file=SimpleUploadedFile("p.pdf", b"%PDF-1.7\n%%EOF\n")
    )
    NewsletterFactory(status=Newsletter.Status.SENT, title="Nieuwsbrief najaar")
    NewsItem.objects.create(
        title_nl="Nieuw bestuur gekozen", body_nl="De ALV koos een nieuw bestuur.", published=True
    )


def test_a_content_page_on_a_phone(page: Page, live_server, site):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + reverse("pages:page", kwargs={"slug": "over-de-vereniging"}))

    expect(page.get_by_role("heading", level=1)).to_have_text("Over de vereniging")
    expect(page.locator(".content-body strong")).to_have_text("50 gemeenten")
    assert not page.evaluate(SIDEWAYS)
    assert_accessible(page)


def test_the_home_page_and_the_archive(page: Page, live_server, site):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + reverse("home"))

    expect(page.get_by_role("link", name="Najaarscongres: een weerbaar Zuid-Holland")).to_be_visible()
    expect(page.get_by_role("link", name="Nieuwsbrief najaar")).to_be_visible()
    expect(page.get_by_role("link", name="Nieuw bestuur gekozen")).to_be_visible()
    expect(page.locator(".region-card")).to_contain_text("Westland")
    assert not page.evaluate(SIDEWAYS)
    assert_accessible(page)

    # from the footer to a content page, and from the home page to the archive with its materials
    page.get_by_role("link", name="Eerdere bijeenkomsten, presentaties en opnames").click()
    expect(page.get_by_role("link", name="Kijk hier het webinar terug")).to_have_attribute(
        "href", "https://video.example.org/webinar"
    )
    expect(page.get_by_role("link", name="Presentatie provincie")).to_be_visible()
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + reverse("home"))
    assert_accessible(page)
