"""Phones and form fields in Chromium.

At 320 px (WCAG 1.4.10, reflow) no public or member page scrolls sideways, and no table hides
columns in a scrolling box: board, workplan, annual report, ledenbinding and half-year tables
stack their rows as cards; a box that still scrolls must be reachable by keyboard and named.
Form fields have a border of at least 3:1 against the page (1.4.11) and a focus as clear as a
link's."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from events import services as event_services
from members import services as member_services
from newsletters.models import Newsletter
from tests.events.conftest import make_event, sessions_of
from tests.factories import MemberFactory
from tests.governance.report_data import build_year
from tests.newsletters.conftest import NewsletterFactory

from .conftest import SCREENSHOT_DIR, _safe_name

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Every element wider than its box that scrolls sideways, unless a keyboard reaches it and it
# says what it is (tabindex="0", role="region", aria-label).
HIDDEN_SCROLL = """() => [...document.querySelectorAll('body *')].filter(el => {
    const style = getComputedStyle(el);
    if (!['auto', 'scroll'].includes(style.overflowX) || el.scrollWidth <= el.clientWidth + 1) return false;
    return !(el.tabIndex === 0 && el.getAttribute('role') === 'region' && el.getAttribute('aria-label'));
}).map(el => `${el.tagName.toLowerCase()}.${el.className} (${el.scrollWidth} > ${el.clientWidth})`)"""


@pytest.fixture
def world():
    year = build_year(municipalities=12, events=4, registrations_per_event=4, activities=4)
    member = MemberFactory(first_name="Jacqueline", last_name="van Oudshoorn-Bergambacht")
    member.user.is_staff = True  # the secretariat sees the most: staff tools and PDF versions too
    member.user.save()
    member.user.groups.add(member_services.secretariat_group_ensure())
    event = make_event(rounds=2, title="Najaarscongres: een weerbaar Zuid-Holland")
    event.programme.create(starts_at="10:00", title="Opening door de voorzitter", order=1)
    event_services.registration_create(
        event=event, person=member, session_ids=[r[0].pk for r in sessions_of(event)]
    )
    newsletter = NewsletterFactory(status=Newsletter.Status.SENT, title="Nieuwsbrief najaar")
    return {"year": year.year, "member": member, "event": event, "newsletter": newsletter}


def pages(world) -> list[str]:
    year, event = world["year"], world["event"]
    return [
        reverse("home"),
        reverse("events:agenda"),
        event.get_absolute_url(),
        reverse("events:mine"),
        reverse("governance:board"),
        reverse("governance:board_history"),
        reverse("governance:portal"),
        reverse("members:municipalities"),
        reverse("members:profile"),
        reverse("members:profile_edit"),
        reverse("newsletters:archive"),
        world["newsletter"].get_absolute_url(),
        reverse("newsletters:subscribe"),
        f"/werkplan/{year}/",
        f"/werkplan/{year}/voortgang/1/",
        f"/jaarverslag/{year}/",
        f"/jaarverslag/{year}/ledenbinding/",
    ]


def test_nothing_scrolls_sideways_at_320_px(page: Page, live_server, log_in, world):
    page.set_viewport_size({"width": 320, "height": 800})
    log_in(world["member"].user)
    problems = []
    for url in pages(world):
        response = page.goto(live_server.url + url)
        assert response.status == 200, url
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOT_DIR / f"reflow-320-{_safe_name(url)}.png", full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            problems.append(f"{url}: the page is {width} px wide")
        problems += [f"{url}: hidden sideways scroll in {box}" for box in page.evaluate(HIDDEN_SCROLL)]
    assert not problems, "At 320 px:\n" + "\n".join(problems)


def test_board_table_rows_read_as_cards_on_a_phone(page: Page, live_server, world):
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(live_server.url + reverse("governance:board"))
    cell = page.locator("table.table-stack td[data-label]").nth(1)
    label = cell.get_attribute("data-label")
    before = page.evaluate("(el) => getComputedStyle(el, '::before').content", cell.element_handle())
    assert label and label in before  # each value says which column it belongs to
    # the header row is there for screen readers only (visually hidden: a 1 px box)
    assert page.locator("table.table-stack thead").first.bounding_box()["height"] <= 1


def _luminance(rgb: str) -> float:
    channels = [int(value) / 255 for value in re.findall(r"\d+", rgb)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(one: str, other: str) -> float:
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_form_fields_have_a_3_to_1_border_and_a_clear_focus(page: Page, live_server, log_in, world):
    log_in(world["member"].user)
    fields = [
        (reverse("newsletters:subscribe"), "input[name=email]"),
        (reverse("events:agenda"), "select[name=kind]"),
        (reverse("members:profile_edit"), "input[type=text]"),
    ]
    other = make_event(rounds=1)
    fields.append((reverse("events:register", args=[other.slug]), "input[type=radio]"))
    for url, selector in fields:
        page.goto(live_server.url + url)
        field = page.locator(selector).first
        border = field.evaluate("(el) => getComputedStyle(el).borderTopColor")
        assert _contrast(border, "rgb(255, 255, 255)") >= 3, f"{url} {selector}: border {border}"
        field.focus()
        outline = field.evaluate(
            "(el) => [getComputedStyle(el).outlineStyle, getComputedStyle(el).outlineWidth]"
        )
        assert outline[0] == "solid" and float(outline[1].rstrip("px")) >= 2, (
            f"{url} {selector}: focus {outline}"
        )
