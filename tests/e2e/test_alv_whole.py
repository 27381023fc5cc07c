"""A whole ALV in Chromium, with the real worker and SMTP sink (issue 13's "done when").

The secretariat creates the ALV with its congress and publishes it: the convocation reaches the
burgemeester and the griffier of all 50 member municipalities, once each, counted in the SMTP sink.
Municipalities register for the congress and name their delegate. On the day, presence is
recorded (a delegate checks in from the phone, the secretariat checks in others), two motions are
voted (one from the delegates' phones, one typed in by the secretariat), the besluitenlijst and
the minutes (page and PDF) show the results, and the annual report counts them.

The browser does one of each thing a person does; the other 49 municipalities do the same through
the same services (a browser per municipality would only make the test slower, not truer).
"""

import datetime
import io
from collections import Counter

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from events import lifecycle as event_lifecycle
from events import services as event_services
from events.models import Event
from governance.board import assembly, votes
from governance.models import AnnualReport, Body, Meeting, Motion, Presence, Vote
from members import services as member_services
from members.models import Person
from tests.factories import MemberFactory, MunicipalityFactory

from .conftest import CSP_LISTENER, SCREENSHOT_DIR, TIMEOUT_MS, PageWatch, assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MUNICIPALITIES = 50
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def association():
    secretary = MemberFactory(
        email="secretariaat@vzhg.nl", function=Person.Function.SECRETARIAAT, organisation=None
    )
    secretary.user.is_staff = True
    secretary.user.save()
    secretary.user.groups.add(member_services.secretariat_group_ensure())
    Body.objects.create(
        name="Algemene ledenvergadering", slug="alv", kind=Body.Kind.ALV, order=0, public_meetings=True
    )
    towns = []
    for n in range(MUNICIPALITIES):
        town = MunicipalityFactory(name=f"Gemeente {n + 1:02d}")
        mayor = MemberFactory(
            organisation=town, function=Person.Function.BURGEMEESTER, email=f"burgemeester@gemeente{n:02d}.nl"
        )
        clerk = MemberFactory(
            organisation=town, function=Person.Function.GRIFFIER, email=f"griffier@gemeente{n:02d}.nl"
        )
        towns.append({"town": town, "mayor": mayor, "clerk": clerk})
    return {"secretary": secretary.user, "towns": towns}


def _context_page(browser: Browser, live_server, user, viewport=None) -> Page:
    """A browser of its own for `user` (the secretariat at its desk, a delegate on a phone)."""
    context = browser.new_context(
        locale="nl-NL", timezone_id="Europe/Amsterdam", viewport=viewport or {"width": 1280, "height": 900}
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    watch = PageWatch()
    page.on("console", watch.on_console)
    page.on("pageerror", watch.on_page_error)
    page.watch = watch  # type: ignore[attr-defined]
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    return page


def _clean(page: Page) -> None:
    watch = page.watch  # type: ignore[attr-defined]
    problems = [f"CSP: {text}" for text in watch.csp_violations] + [f"JS: {e}" for e in watch.page_errors]
    assert not problems, problems


def _shot(page: Page, name: str) -> None:
    """A screenshot of each step for people to look at (screenshots/alv-whole-<name>.png)."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOT_DIR / f"alv-whole-{name}.png", full_page=True)


def _pdf_text(page: Page, url: str) -> str:
    response = page.request.get(url)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.body()))
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged
    return " ".join("".join(p.extract_text() for p in reader.pages).split())


def _text(page: Page) -> str:
    return " ".join(page.locator("main, #content").first.inner_text().split())


def test_a_whole_alv(browser: Browser, live_server, association, celery_worker_process, smtp_sink):
    towns = association["towns"]
    desk = _context_page(browser, live_server, association["secretary"])
    message = desk.locator("ul.messagelist")

    # 1. The secretariat creates the ALV with a new congress event on the same day.
    desk.goto(live_server.url + reverse("admin:governance_meeting_changelist"))
    desk.get_by_role("link", name="Nieuwe ALV").click()
    day = timezone.localtime() + datetime.timedelta(days=21)
    desk.get_by_label("Begint om").fill(day.strftime("%Y-%m-%dT10:00"))
    desk.get_by_label("Een nieuw concept-congres op dezelfde dag aanmaken").check()
    desk.get_by_role("button", name="ALV aanmaken").click()
    expect(message).to_contain_text("Er is een concept-ALV met de standaardagenda aangemaakt")
    meeting = Meeting.objects.get(body__slug="alv")
    congress = meeting.event
    assert congress is not None and congress.kind == Event.Kind.ALV_CONGRESS
    event_lifecycle.event_publish(event=congress, actor=association["secretary"])
    first = Motion.objects.create(meeting=meeting, order=1, title="Motie regiodeal", text="Het DB ...")
    second = Motion.objects.create(meeting=meeting, order=2, title="Motie jeugdzorg", text="Het DB ...")
    first.submitted_by.add(towns[0]["town"])
    second.submitted_by.add(towns[1]["town"])

    # 2. Publishing convokes the designated people of all 50 member municipalities, once each.
    desk.goto(live_server.url + reverse("admin:governance_meeting_change", args=[meeting.pk]))
    desk.locator("input[name=_publish]").click()
    expect(message).to_contain_text("gepubliceerd")
    convoked = {person.email for row in towns for person in (row["mayor"], row["clerk"])}
    subject = f"Oproeping: {meeting.title}"
    smtp_sink.wait_for(len(convoked), timeout=120)
    celery_worker_process.wait_idle(timeout=120)
    convocations = [mail for mail in smtp_sink.messages if mail.message["Subject"] == subject]
    received = Counter(address for mail in convocations for address in mail.recipients)
    assert set(received) == convoked and set(received.values()) == {1}
    text = convocations[0].message.get_body(preferencelist=("plain",)).get_content()
    assert congress.get_absolute_url() in text and meeting.get_absolute_url() in text
    desk.goto(live_server.url + reverse("admin:governance_meeting_change", args=[meeting.pk]))
    expect(desk.locator("#content")).to_contain_text("0 van de 50")
    _shot(desk, "1-published")

    # 3. A griffier registers for the congress and names the burgemeester as delegate; 39 more
    #    municipalities do the same.
    first_town = towns[0]
    clerk = _context_page(browser, live_server, first_town["clerk"].user)
    clerk.goto(live_server.url + reverse("events:register", kwargs={"slug": congress.slug}))
    clerk.get_by_label("Afgevaardigde (stemgerechtigd)").select_option(label=str(first_town["mayor"]))
    clerk.get_by_role("button", name="Aanmelding bevestigen").click()
    expect(clerk.get_by_role("main")).to_contain_text(
        f"{first_town['mayor']} is de afgevaardigde van {first_town['town'].name}"
    )
    _shot(clerk, "2-registered")
    _clean(clerk)
    for row in towns[1:40]:
        event_services.registration_create(event=congress, person=row["clerk"], session_ids=[])
        assembly.delegate_set(
            meeting=meeting, municipality=row["town"], person=row["mayor"], actor=row["clerk"].user
        )
    desk.goto(live_server.url + reverse("admin:governance_meeting_change", args=[meeting.pk]))
    expect(desk.locator("#content")).to_contain_text("40 van de 50")

    # 4. The day: the delegate checks in on the phone, the secretariat checks in the next one,
    #    36 more are checked in at the door: 38 of 50 present.
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    begins = max(timezone.now() - datetime.timedelta(minutes=30), midnight)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=begins)
    Event.objects.filter(pk=congress.pk).update(
        starts_at=begins, ends_at=begins + datetime.timedelta(hours=6)
    )
    phone = _context_page(browser, live_server, first_town["mayor"].user, viewport=PHONE)
    ballot_url = live_server.url + reverse(
        "governance:ballot", kwargs={"pk": meeting.pk, "token": meeting.token}
    )
    phone.goto(ballot_url)
    phone.get_by_role("button", name="Ik ben aanwezig").click()
    expect(phone.get_by_role("main")).to_contain_text(f"{first_town['town'].name} is aangemeld als aanwezig")
    desk.goto(live_server.url + reverse("admin:governance_delegate_presence", args=[meeting.pk]))
    desk.get_by_role("button", name=f"{towns[1]['town'].name} als aanwezig markeren").click()
    for row in towns[2:38]:
        assembly.presence_check_in(meeting=meeting, municipality=row["town"], actor=association["secretary"])
    desk.goto(live_server.url + reverse("admin:governance_delegate_presence", args=[meeting.pk]))
    expect(desk.locator("#content")).to_contain_text("38 van de 50 gemeenten aanwezig")
    _shot(desk, "3-presence")
    assert Presence.objects.filter(meeting=meeting).count() == 38

    # 5. The first motion, voted from the delegates' phones: one in this browser, four more
    #    phones posting the same form, the other 33 through the same service.
    change = live_server.url + reverse("admin:governance_meeting_change", args=[meeting.pk])
    desk.goto(change)
    desk.locator(".meeting-votes tr", has_text="Motie regiodeal").get_by_role(
        "button", name="Stemming openen", exact=True
    ).click()
    expect(message).to_contain_text("De stemming over “Motie regiodeal” is geopend.")
    vote = Vote.objects.get(motion=first)
    phone.goto(ballot_url)
    phone.get_by_role("button", name="Voor").click()
    expect(phone.get_by_role("main")).to_contain_text("is vastgelegd")
    _shot(phone, "4-phone-vote")
    assert_accessible(phone)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _clean(phone)
    for row in towns[1:5]:
        other_phone = Client()
        other_phone.force_login(row["mayor"].user)
        response = other_phone.post(
            ballot_url, {"vote": vote.pk, "municipality": row["town"].pk, "choice": "against"}
        )
        assert response.status_code == 302
    for row in towns[5:38]:
        votes.ballot_cast(vote=vote, municipality=row["town"], choice="for", actor=row["mayor"].user)
    desk.goto(change)
    desk.locator(".meeting-votes tr", has_text="Motie regiodeal").get_by_role(
        "button", name="Stemming sluiten"
    ).click()
    expect(message).to_contain_text("gesloten")
    vote.refresh_from_db()
    assert (vote.votes_for, vote.votes_against, vote.result) == (34, 4, Vote.Result.ADOPTED)

    # A phone that votes after the close is refused and changes nothing.
    phone.goto(ballot_url)
    expect(phone.get_by_role("main")).to_contain_text("Er is nu geen stemming open")
    late = Client()
    late.force_login(towns[6]["mayor"].user)
    late.post(ballot_url, {"vote": vote.pk, "municipality": towns[6]["town"].pk, "choice": "against"})
    vote.refresh_from_db()
    assert (vote.votes_for, vote.votes_against) == (34, 4)

    # 6. The second motion, typed in by the secretariat from the room's show of hands.
    desk.goto(change)
    desk.locator(".meeting-votes tr", has_text="Motie jeugdzorg").get_by_role(
        "button", name="Stemming openen", exact=True
    ).click()
    jeugd = Vote.objects.get(motion=second)
    for row in towns[3:38]:
        votes.ballot_cast(
            vote=jeugd, municipality=row["town"], choice="against", actor=association["secretary"]
        )
    desk.goto(live_server.url + reverse("admin:governance_vote_record", args=[jeugd.pk]))
    for row, choice in zip(towns[:3], ["voor", "voor", "onthouding"], strict=True):
        desk.get_by_role("radio", name=f"{row['town'].name}: {choice}").check()
    desk.get_by_role("button", name="Stemmen opslaan").click()
    expect(message).to_contain_text("stemmen vastgelegd")
    desk.goto(change)
    desk.locator(".meeting-votes tr", has_text="Motie jeugdzorg").get_by_role(
        "button", name="Stemming sluiten"
    ).click()
    jeugd.refresh_from_db()
    assert (jeugd.votes_for, jeugd.votes_against, jeugd.votes_abstain) == (2, 35, 1)
    assert jeugd.result == Vote.Result.REJECTED
    _clean(desk)

    # 7. The besluitenlijst, as page and tagged PDF, shows both results and who voted what.
    kwargs = {"pk": meeting.pk, "token": meeting.token}
    desk.goto(live_server.url + reverse("governance:decisions", kwargs=kwargs))
    page_text = _text(desk)
    _shot(desk, "5-besluitenlijst")
    pdf_text = _pdf_text(desk, live_server.url + reverse("governance:decisions_pdf", kwargs=kwargs))
    for shown in (page_text, pdf_text):
        assert "38 van de 50 gemeenten aanwezig" in shown
        assert "Motie regiodeal" in shown and "34 voor, 4 tegen, 0 onthoudingen" in shown
        assert "Motie jeugdzorg" in shown and "2 voor, 35 tegen, 1 onthouding" in shown
        assert f"Tegen: {towns[1]['town'].name}, {towns[2]['town'].name}" in shown

    # 8. The minutes: written on the day, adopted at the next ALV, then a tagged PDF.
    desk.goto(change)
    desk.get_by_role("link", name="Notulen schrijven").click()
    desk.get_by_label("Tekst").fill("De voorzitter opent de vergadering en heet iedereen welkom.")
    desk.locator("input[name=_save]").click()
    expect(message).to_contain_text("toegevoegd")
    autumn = Meeting.objects.create(
        body=meeting.body, title="ALV najaar", starts_at=timezone.now(), status=Meeting.Status.PUBLISHED
    )
    from governance.board import adoption

    adoption.minutes_adoption_item_ensure(meeting=autumn)
    desk.goto(live_server.url + reverse("admin:governance_minutes_change", args=[meeting.minutes.pk]))
    desk.get_by_label("nu vaststellen").check()
    desk.locator("input[name=_save]").click()
    expect(message).not_to_contain_text("fout")
    meeting.minutes.refresh_from_db()
    assert meeting.minutes.status == "adopted"
    minutes_pdf = _pdf_text(desk, live_server.url + reverse("governance:minutes_pdf", kwargs=kwargs))
    assert "38 van de 50 gemeenten aanwezig" in minutes_pdf and "Motie jeugdzorg" in minutes_pdf
    assert f"Voor: {towns[0]['town'].name}" in minutes_pdf and "heet iedereen welkom" in minutes_pdf

    # 9. The annual report counts the assembly.
    year = timezone.localtime(begins).year
    AnnualReport.objects.get_or_create(year=year)
    desk.goto(live_server.url + reverse("reports:annual_report", args=[year]))
    report = _text(desk)
    _shot(desk, "6-annual-report")
    assert "38 lidgemeenten aanwezig; 2 stemmingen" in report
    assert "Motie „Motie regiodeal”: aangenomen (34 voor, 4 tegen)" in report
    _clean(desk)
