"""The admin, where the secretariat works all day, in Chromium: axe-core finds no WCAG 2.1 A/AA
violation on the index, the change lists and change forms of events, meetings, people,
newsletters, the outbox and a history page, at 1280 px and on a 390 px phone; the page fixture
fails on anything the Content Security Policy refuses. At 1280 px the change forms with table
inlines (events, workshop rounds, meetings) fit the window: nothing scrolls sideways."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Browser, Page

from governance.models import Body
from members import services as member_services
from members.models import Person
from tests.events.conftest import make_event
from tests.factories import MemberFactory, MunicipalityFactory
from tests.governance.conftest import make_meeting
from tests.newsletters.conftest import NewsletterFactory
from vzhg.mail.services import mail_queue

from .conftest import CSP_LISTENER, SCREENSHOT_DIR, PageWatch, _safe_name, axe_violations, format_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def office():
    """The secretariat and a little of everything it edits."""
    secretary = MemberFactory(email="secretariaat@vzhg.nl", function=Person.Function.SECRETARIAAT)
    secretary.user.is_staff = True
    secretary.user.save()
    secretary.user.groups.add(member_services.secretariat_group_ensure())
    event = make_event(rounds=2, host=MunicipalityFactory(name="Gouda"), title="Klankbord jeugdzorg")
    event.programme.create(
        starts_at="10:00", title="Ontvangst", description="Koffie en thee bij binnenkomst.", order=1
    )
    body = Body.objects.create(
        name="Algemeen bestuur", slug="ab", kind=Body.Kind.AB, public_meetings=True, order=1
    )
    meeting = make_meeting(body, title="Vergadering algemeen bestuur", items=3)
    person = MemberFactory(first_name="Anna")
    person.first_name = "Anne"
    person.save()
    newsletter = NewsletterFactory(title="Nieuwsbrief voorjaar")
    mail_queue(
        to="lid@delft.nl", subject="Je aanmelding", text="Tot dan.", kind="events.registration.confirmed"
    )
    return {
        "user": secretary.user,
        "event": event,
        "meeting": meeting,
        "person": person,
        "newsletter": newsletter,
    }


def admin_pages(office) -> list[str]:
    event, meeting, person, newsletter = (
        office["event"],
        office["meeting"],
        office["person"],
        office["newsletter"],
    )
    return [
        reverse("admin:index"),
        reverse("admin:events_event_changelist"),
        reverse("admin:events_event_change", args=[event.pk]),
        reverse("admin:events_round_change", args=[event.rounds.first().pk]),
        reverse("admin:governance_meeting_changelist"),
        reverse("admin:governance_meeting_change", args=[meeting.pk]),
        reverse("admin:members_person_changelist"),
        reverse("admin:members_person_change", args=[person.pk]),
        reverse("admin:members_person_history", args=[person.pk]),
        reverse("admin:newsletters_newsletter_changelist"),
        reverse("admin:newsletters_newsletter_change", args=[newsletter.pk]),
        reverse("admin:mail_outgoingmail_changelist"),
    ]


@pytest.mark.parametrize("width", [1280, 390])
def test_the_admin_is_accessible(browser: Browser, live_server, office, width):
    # A context of its own rather than the page fixture: axe-core itself adds inline <style>
    # while it measures text areas, which the site's policy rightly refuses. So the policy is
    # checked on each page as loaded, before axe runs; axe's own refusals do not count.
    context = browser.new_context(
        locale="nl-NL", timezone_id="Europe/Amsterdam", viewport={"width": width, "height": 900}
    )
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    watch = PageWatch()
    page.on("console", watch.on_console)
    page.on("pageerror", watch.on_page_error)
    client = Client()
    client.force_login(office["user"])
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    problems = []
    try:
        for url in admin_pages(office):
            watch.console_errors.clear()
            response = page.goto(live_server.url + url)
            assert response.status == 200, url
            page.wait_for_load_state("load")
            problems += [f"{url}: CSP: {text}" for text in watch.csp_violations]
            problems += [f"{url}: JavaScript error: {text}" for text in watch.page_errors]
            SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=SCREENSHOT_DIR / f"admin-{width}-{_safe_name(url)}.png", full_page=True)
            violations = axe_violations(page)
            if violations:
                problems.append(f"{url}: axe-core:\n{format_violations(violations)}")
    finally:
        context.close()
    assert not problems, "WCAG 2.1 A/AA problems in the admin:\n" + "\n".join(problems)


def test_change_forms_and_change_lists_fit_1280(page: Page, live_server, log_in, office):
    """No sideways scrolling of the page, and no column hidden in a scrolling results box."""
    log_in(office["user"])
    MemberFactory(email="anne-marie.van.oudshoorn-bergambacht@gemeentekrimpenerwaard.nl")
    event, meeting = office["event"], office["meeting"]
    too_wide = {}
    for url in (
        reverse("admin:events_event_change", args=[event.pk]),
        reverse("admin:events_round_change", args=[event.rounds.first().pk]),
        reverse("admin:governance_meeting_change", args=[meeting.pk]),
        reverse("admin:members_person_change", args=[office["person"].pk]),
        reverse("admin:newsletters_newsletter_change", args=[office["newsletter"].pk]),
        reverse("admin:events_event_changelist"),
        reverse("admin:events_registration_changelist"),
        reverse("admin:governance_meeting_changelist"),
        reverse("admin:members_person_changelist"),
        reverse("admin:newsletters_subscription_changelist"),
        reverse("admin:mail_outgoingmail_changelist"),
    ):
        page.goto(live_server.url + url)
        widths = page.evaluate(
            """() => {
                const results = document.querySelector('#changelist .results');
                return [document.documentElement.scrollWidth,
                        results ? results.scrollWidth - results.clientWidth : 0];
            }"""
        )
        if widths[0] > 1280 or widths[1] > 1:
            too_wide[url] = {"page": widths[0], "hidden columns (px)": widths[1]}
    assert not too_wide, f"admin pages that do not fit a 1280 px window: {too_wide}"
