"""The secretariat runs the ALV's votes from the admin in Chromium: opens a vote on a motion from
the meeting's page, records the room's votes, closes it there; opens an election on an agenda
item, records votes for the candidates, closes it on the vote's page and gives the elected
candidate the mandate. Every page fits 1280 px, axe-core finds nothing, the CSP refuses nothing."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from governance.board import actions as board_actions
from governance.models import Action, AgendaItem, Body, Mandate, Meeting, Motion, Vote
from members import services as member_services
from members.models import Person
from tests.factories import MemberFactory
from tests.governance.assembly_data import delegations

from .conftest import CSP_LISTENER, SCREENSHOT_DIR, TIMEOUT_MS, PageWatch, axe_violations, format_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def alv():
    secretary = MemberFactory(email="secretariaat@vzhg.nl", function=Person.Function.SECRETARIAAT)
    secretary.user.is_staff = True
    secretary.user.save()
    secretary.user.groups.add(member_services.secretariat_group_ensure())
    body = Body.objects.create(name="Algemene ledenvergadering", slug="alv", kind=Body.Kind.ALV, order=0)
    Body.objects.create(name="Dagelijks bestuur", slug="db", kind=Body.Kind.DB, order=2)
    meeting = Meeting.objects.create(
        body=body,
        title="ALV voorjaar",
        starts_at=timezone.now() - datetime.timedelta(hours=1),
        location="Gouda",
        status=Meeting.Status.PUBLISHED,
    )
    AgendaItem.objects.create(meeting=meeting, order=1, title="Opening", kind=AgendaItem.Kind.MEDEDELINGEN)
    election_item = AgendaItem.objects.create(
        meeting=meeting, order=2, title="Verkiezing penningmeester", kind=AgendaItem.Kind.BESLUITVORMING
    )
    Motion.objects.create(meeting=meeting, order=1, title="Motie jeugdzorg", text="Het DB wordt gevraagd ...")
    towns = delegations(meeting, 3)
    board_actions.action_save(
        action=Action(
            body=body, meeting=meeting, item=election_item, title="Kandidaten uitnodigen voor een gesprek",
            owner=towns[0], due=datetime.date(2031, 1, 15),
        )
    )  # fmt: skip
    anna = MemberFactory(first_name="Anna", last_name="Aalders")
    bert = MemberFactory(first_name="Bert", last_name="Bos")
    return {"user": secretary.user, "meeting": meeting, "towns": towns, "anna": anna, "bert": bert}


@pytest.fixture
def admin_page(browser: Browser, live_server, alv):
    """The secretariat's browser at 1280 px, with its own context: axe-core adds inline <style>
    while it measures, which the site's policy rightly refuses, so the policy is checked per page
    before axe runs."""
    context = browser.new_context(
        locale="nl-NL", timezone_id="Europe/Amsterdam", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    watch = PageWatch()
    page.on("console", watch.on_console)
    page.on("pageerror", watch.on_page_error)
    client = Client()
    client.force_login(alv["user"])
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    page.watch = watch  # type: ignore[attr-defined]
    yield page
    context.close()


def check(page: Page, name: str) -> None:
    """This page as it is now: no CSP refusal or script error, fits 1280 px, nothing for axe."""
    watch = page.watch  # type: ignore[attr-defined]
    page.wait_for_load_state("load")
    problems = [f"CSP: {text}" for text in watch.csp_violations] + [f"JS: {e}" for e in watch.page_errors]
    watch.console_errors.clear()
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOT_DIR / f"alv-screens-{name}.png", full_page=True)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    if width > 1280:
        problems.append(f"{width} px wide")
    violations = axe_violations(page)
    if violations:
        problems.append(format_violations(violations))
    watch.console_errors.clear()  # axe's own inline style
    assert not problems, f"{name}: " + "\n".join(problems)


def message(page: Page):
    return page.locator("ul.messagelist")


def test_the_secretariat_opens_records_and_closes_a_vote(admin_page: Page, live_server, alv):
    page, meeting, towns = admin_page, alv["meeting"], alv["towns"]
    page.goto(live_server.url + reverse("admin:governance_meeting_change", args=[meeting.pk]))
    expect(page.locator("#actions-group")).to_contain_text("Kandidaten uitnodigen")
    check(page, "meeting-before")

    row = page.locator(".meeting-votes tr", has_text="Motie jeugdzorg")
    row.get_by_role("button", name="Stemming openen", exact=True).click()
    expect(message(page)).to_contain_text("De stemming over “Motie jeugdzorg” is geopend.")
    vote = Vote.objects.get()
    assert (vote.motion.title, vote.secret, vote.is_open) == ("Motie jeugdzorg", False, True)

    page.locator(".meeting-votes tr", has_text="Motie jeugdzorg").get_by_role(
        "link", name="Stemmen uit de zaal invoeren"
    ).click()
    for town, choice in zip(towns, ["voor", "voor", "tegen"], strict=True):
        page.get_by_role("radio", name=f"{town.organisation.name}: {choice}").check()
    page.get_by_role("button", name="Stemmen opslaan").click()
    expect(message(page)).to_contain_text("3 stemmen vastgelegd")

    page.goto(live_server.url + reverse("admin:governance_meeting_change", args=[meeting.pk]))
    check(page, "meeting-vote-open")
    page.locator(".meeting-votes tr", has_text="Motie jeugdzorg").get_by_role(
        "button", name="Stemming sluiten"
    ).click()
    expect(message(page)).to_contain_text("Motie jeugdzorg is gesloten")
    assert page.url.endswith(reverse("admin:governance_meeting_change", args=[meeting.pk]))
    vote.refresh_from_db()
    assert (vote.status, vote.votes_for, vote.votes_against) == (Vote.Status.CLOSED, 2, 1)
    assert Motion.objects.get().outcome == Motion.Outcome.ADOPTED


def test_the_secretariat_runs_an_election_and_gives_the_mandate(admin_page: Page, live_server, alv):
    page, meeting, towns, anna = admin_page, alv["meeting"], alv["towns"], alv["anna"]
    page.goto(live_server.url + reverse("admin:governance_meeting_change", args=[meeting.pk]))
    page.locator(".meeting-votes tr", has_text="Verkiezing penningmeester").get_by_role(
        "link", name="Verkiezing openen"
    ).click()
    check(page, "election-form")
    page.get_by_label("mandaat in").select_option(label="Dagelijks bestuur")
    page.get_by_label("rol").select_option(value=Mandate.Role.PENNINGMEESTER)
    page.get_by_label("kandidaten").select_option([str(anna.pk), str(alv["bert"].pk)])
    page.get_by_label("geheime stemming").uncheck()
    page.get_by_role("button", name="Verkiezing openen").click()
    expect(message(page)).to_contain_text("De verkiezing “Verkiezing penningmeester” is geopend.")
    vote = Vote.objects.get()
    assert vote.mandate_role == Mandate.Role.PENNINGMEESTER and vote.candidates.count() == 2

    page.goto(live_server.url + reverse("admin:governance_vote_record", args=[vote.pk]))
    check(page, "election-record")
    for town, choice in zip(towns, ["Anna Aalders", "Anna Aalders", "Bert Bos"], strict=True):
        page.get_by_role("radio", name=f"{town.organisation.name}: {choice}").check()
    page.get_by_role("button", name="Stemmen opslaan").click()
    expect(message(page)).to_contain_text("3 stemmen vastgelegd")

    page.goto(live_server.url + reverse("admin:governance_vote_change", args=[vote.pk]))
    expect(page.locator(".vote-tally")).to_contain_text("Anna Aalders")
    check(page, "election-vote-open")
    page.get_by_role("button", name="Stemming sluiten").click()
    expect(message(page)).to_contain_text("is gesloten")
    expect(page.locator(".vote-tally")).to_contain_text("Anna Aalders is gekozen.")

    page.goto(live_server.url + reverse("admin:governance_vote_changelist"))
    page.locator(f"input[name='_selected_action'][value='{vote.pk}']").check()
    page.locator("select[name='action']").select_option("elected_mandate_create")
    page.get_by_role("button", name="Uitvoeren").click()
    expect(message(page)).to_contain_text("Anna Aalders heeft het mandaat")
    check(page, "election-mandate")
    mandate = Mandate.objects.get(person=anna)
    assert (mandate.body.slug, mandate.role) == ("db", Mandate.Role.PENNINGMEESTER)


def test_nieuwe_alv_with_its_congress_from_the_meeting_list(admin_page: Page, live_server, alv):
    page = admin_page
    page.goto(live_server.url + reverse("admin:governance_meeting_changelist"))
    page.get_by_role("link", name="Nieuwe ALV").click()
    check(page, "alv-new")
    page.get_by_label("Begint om").fill("2031-06-05T10:00")
    page.get_by_label("Een nieuw concept-congres op dezelfde dag aanmaken").check()
    page.get_by_role("button", name="ALV aanmaken").click()
    expect(message(page)).to_contain_text("Er is een concept-ALV met de standaardagenda aangemaakt")
    created = Meeting.objects.get(starts_at__year=2031)
    assert created.event is not None and created.items.count() == 10
    assert page.url.endswith(reverse("admin:governance_meeting_change", args=[created.pk]))
    check(page, "alv-new-created")
