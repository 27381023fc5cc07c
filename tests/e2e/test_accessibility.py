"""axe-core finds no WCAG 2.1 A/AA violation on the pages a member sees, error pages included,
and the phone-width menu opens under the Content Security Policy."""

import re

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from playwright.sync_api import Page, expect

from tests.factories import MemberFactory, MunicipalityFactory, RegionFactory
from vzhg.urls import urlpatterns as site_urlpatterns

from .conftest import SCREENSHOT_DIR, assert_accessible

pytestmark = pytest.mark.e2e


# --- a URLconf for the error pages: the site's URLs plus two views that fail on purpose ---------
def _forbidden(request):
    raise PermissionDenied


def _broken(request):
    raise RuntimeError("Deliberate failure: the 500 page is under test.")


urlpatterns = [
    path("e2e/verboden/", _forbidden),
    path("e2e/kapot/", _broken),
    *site_urlpatterns,
]
handler403 = "vzhg.views.permission_denied"
handler404 = "vzhg.views.page_not_found"
handler500 = "vzhg.views.server_error"


@pytest.fixture
def members() -> None:
    """A few member municipalities in two regions, so the home page lists something."""
    holland_rijnland = RegionFactory(name="Holland Rijnland")
    drechtsteden = RegionFactory(name="Drechtsteden")
    for name in ("Leiden", "Katwijk", "Noordwijk"):
        MunicipalityFactory(name=name, region=holland_rijnland)
    for name in ("Dordrecht", "Zwijndrecht"):
        MunicipalityFactory(name=name, region=drechtsteden)


@pytest.mark.parametrize(
    "url_name",
    ["home", "account_login", "account_signup", "account_request_login_code"],
)
def test_public_page_is_accessible(page: Page, live_server, members, url_name):
    response = page.goto(live_server.url + reverse(url_name))
    assert response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("main").get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)


def test_profile_page_is_accessible(page: Page, live_server, log_in):
    member = MemberFactory(
        first_name="Jack",
        tussenvoegsel="de",
        last_name="Vries",
        email="jack.devries@leiden.nl",
        organisation__name="Leiden",
        organisation__region__name="Holland Rijnland",
    )
    log_in(member.user)
    response = page.goto(live_server.url + reverse("members:profile"))
    assert response.status == 200
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_be_visible()
    expect(main).to_contain_text("Jack de Vries")
    expect(main).to_contain_text("Leiden")
    assert_accessible(page)


def test_not_found_page_is_accessible(page: Page, live_server):
    assert django_settings.DEBUG is False  # otherwise Django's technical 404 would be shown
    response = page.goto(live_server.url + "/bestaat-niet/")
    assert response.status == 404
    expect(page.get_by_role("main").get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize(("url", "status"), [("/e2e/verboden/", 403), ("/e2e/kapot/", 500)])
def test_error_page_is_accessible(page: Page, live_server, settings, url, status):
    # The live server runs in this process, so it serves this module's URLconf from here on.
    settings.ROOT_URLCONF = __name__
    assert settings.DEBUG is False  # otherwise Django's technical 500 page would be shown
    response = page.goto(live_server.url + url)
    assert response.status == status
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_be_visible()
    expect(main).not_to_contain_text("Deliberate failure")  # no internals leak to the visitor
    expect(page.get_by_role("banner").locator(f'a[href="{reverse("home")}"]').first).to_be_visible()
    assert_accessible(page)


def test_phone_menu_opens_under_csp(page: Page, live_server, members):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + reverse("home"))
    banner = page.get_by_role("banner")
    login_link = banner.locator(f'a[href="{reverse("account_login")}"]')
    expect(login_link).to_be_hidden()  # collapsed on a phone

    # On a phone the only button the banner shows is the closed menu toggle.
    closed_toggler = banner.get_by_role("button", expanded=False)
    expect(closed_toggler).to_have_count(1)
    menu_id = closed_toggler.get_attribute("aria-controls")
    toggler = banner.locator(f'[aria-controls="{menu_id}"]')
    toggler.click()

    # Bootstrap's bundle (script-src 'self') opened the menu; the animation has finished once
    # the collapse element carries "show" again instead of "collapsing".
    expect(toggler).to_have_attribute("aria-expanded", "true")
    menu = page.locator(f"#{menu_id}")
    expect(menu).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
    expect(login_link).to_be_visible()
    expect(banner.get_by_role("button", name=re.compile("English"))).to_be_visible()
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOT_DIR / "home-phone-menu-open.png", full_page=True)
    assert_accessible(page)
