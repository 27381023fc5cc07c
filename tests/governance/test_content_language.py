"""In the English interface, Dutch content written by members and the secretariat (event texts,
newsletters, the workplan and annual report, agendas and document titles) says it is Dutch
(lang="nl", WCAG 3.1.2), so a screen reader reads it with a Dutch voice; the interface around
it stays English."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from events import services as event_services
from newsletters.models import Newsletter
from tests.events.conftest import make_event, sessions_of
from tests.factories import MemberFactory
from tests.newsletters.conftest import NewsletterFactory

from .conftest import add_pdf, make_meeting
from .report_data import build_year

pytestmark = pytest.mark.django_db

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Languages(HTMLParser):
    """Each text node with the language in force for it (the nearest lang attribute)."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, str | None]] = []
        self.texts: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append((tag, dict(attrs).get("lang")))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if data.strip():
            lang = next((lang for _, lang in reversed(self.stack) if lang), None)
            self.texts.append((data.strip(), lang))


def language_of(html: str, text: str) -> set[str | None]:
    """The languages of every text node in <main> that contains text."""
    parser = _Languages()
    parser.feed(html[html.index("<main") :])
    found = {lang for data, lang in parser.texts if text in data}
    assert found, f"{text!r} is not on the page"
    return found


@pytest.fixture
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def test_event_texts_are_marked_dutch(client, english):
    event = make_event(
        rounds=1,
        title="Klankbordbijeenkomst jeugdzorg",
        summary="Samen verder met de jeugdzorg.",
        description="Wethouders en ambtenaren praten over de regio.",
    )
    event.programme.create(starts_at="10:00", title="Ontvangst met koffie", order=1)
    person = MemberFactory()
    event_services.registration_create(event=event, person=person, session_ids=[sessions_of(event)[0][0].pk])
    client.force_login(person.user)

    detail = client.get(event.get_absolute_url()).content.decode()
    agenda = client.get(reverse("events:agenda")).content.decode()

    assert 'lang="en"' in detail[:200]
    for text in (
        "Klankbordbijeenkomst jeugdzorg",
        "Samen verder met de jeugdzorg.",
        "Wethouders en ambtenaren",
        "Ontvangst met koffie",
        "Workshop 1.1",
    ):
        assert language_of(detail, text) == {"nl"}, text
    assert language_of(detail, "Programme") == {None}  # the interface stays English
    assert language_of(agenda, "Klankbordbijeenkomst jeugdzorg") == {"nl"}


def test_a_newsletter_edition_is_marked_dutch(client, english):
    newsletter = NewsletterFactory(status=Newsletter.Status.SENT, title="Nieuwsbrief najaar")

    page = client.get(newsletter.get_absolute_url()).content.decode()

    for text in ("Nieuwsbrief najaar", "Het najaar is begonnen.", "Bericht 0", "Tekst van bericht 0"):
        assert language_of(page, text) == {"nl"}, text
    assert language_of(client.get(reverse("newsletters:archive")).content.decode(), "Nieuwsbrief najaar") == {
        "nl"
    }


def test_an_agenda_and_its_documents_are_marked_dutch(client, english, bodies, people):
    meeting = make_meeting(bodies["ab"], title="Vergadering algemeen bestuur", items=1)
    add_pdf(meeting.items.get(), title="Begroting 2027")
    client.force_login(people["ab_member"])

    page = client.get(meeting.get_absolute_url()).content.decode()

    for text in ("Vergadering algemeen bestuur", "Agendapunt 1", "Voorstel nummer 1", "Begroting 2027"):
        assert language_of(page, text) == {"nl"}, text
    assert language_of(page, "Proposal") == {None}


def test_the_workplan_and_annual_report_are_marked_dutch(client, english):
    year = build_year(activities=1, events=1, meetings=1, newsletters=1)

    workplan = client.get(f"/werkplan/{year.year}/").content.decode()
    report = client.get(f"/jaarverslag/{year.year}/").content.decode()

    for text in ("De VZHG is de schakel", "Themabijeenkomst nummer 1", "verspreid over het jaar"):
        assert language_of(workplan, text) == {"nl"}, text
    assert language_of(report, "Voorwoord van de voorzitter") == {"nl"}
