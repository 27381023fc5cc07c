"""The edition as a reader gets it in Dutch: one greeting, Dutch short dates in the agenda, and
an agenda counted from the edition's own date."""

import datetime
import re

import pytest
from django.utils import timezone, translation

from newsletters.models import Newsletter
from newsletters.rendering import edition_render, mail_render
from newsletters.selectors import newsletter_full
from newsletters.services import sending
from tests.events.staff_factories import EventFactory

from .conftest import NewsletterFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

WEEKDAYS = ["ma", "di", "wo", "do", "vr", "za", "zo"]
MONTHS = ["jan.", "feb.", "mrt.", "apr.", "mei", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec."]


@pytest.fixture(autouse=True)
def _dutch(settings):
    settings.LANGUAGE_CODE = "nl"
    with translation.override("nl"):
        yield


def rendered(newsletter, first_name="", subscription=None) -> dict:
    full = newsletter_full(Newsletter.objects.filter(pk=newsletter.pk)).get()
    return mail_render(
        edition=edition_render(newsletter=full), subscription=subscription, first_name=first_name
    )


def greetings(text: str) -> list[str]:
    return re.findall(r"\b(?:Beste|Geachte|Dear)\b[^,\n<]*,", text)


@pytest.mark.parametrize("first_name", ["Jan", ""])
def test_an_intro_that_greets_is_not_greeted_twice(first_name):
    newsletter = NewsletterFactory(intro="Beste lezer,\n\nHet najaar is begonnen. **Veel leesplezier!**")
    mail = rendered(newsletter, first_name=first_name)
    expected = f"Beste {first_name}," if first_name else "Beste lezer,"
    assert greetings(mail["text"]) == [expected]
    assert greetings(mail["html"]) == [expected]
    assert "Het najaar is begonnen." in mail["text"] and "Het najaar is begonnen." in mail["html"]


@pytest.mark.parametrize(
    "opening", ["Dag van de lokale democratie op 7 november!", "Beste wensen voor 2027!"]
)
def test_an_intro_without_a_greeting_is_kept_whole(opening):
    newsletter = NewsletterFactory(intro=f"{opening}\n\nMeer tekst.")
    mail = rendered(newsletter, first_name="Jan")
    assert greetings(mail["text"]) == ["Beste Jan,"]
    assert opening in mail["text"] and "Meer tekst." in mail["text"]


def test_agenda_dates_are_dutch_short_dates():
    start = timezone.localtime() + datetime.timedelta(days=5)
    moment = start.replace(hour=14, minute=0, second=0, microsecond=0)
    EventFactory(title="Klankbordgroep Wonen", starts_at=moment)
    mail = rendered(NewsletterFactory(date=timezone.localdate()))
    expected = f"{WEEKDAYS[moment.weekday()]} {moment.day} {MONTHS[moment.month - 1]} 14:00"
    assert expected in mail["text"]
    assert expected in mail["html"]
    assert not re.search(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b", mail["text"])


def test_the_agenda_counts_from_the_editions_date_not_from_today(settings):
    settings.NEWSLETTER_AGENDA_WEEKS = 4
    today = timezone.localdate()
    edition_day = today + datetime.timedelta(weeks=6)
    noon = datetime.time(12, 0, tzinfo=timezone.get_default_timezone())
    soon = EventFactory(
        title="Voor de editie", starts_at=datetime.datetime.combine(today + datetime.timedelta(days=3), noon)
    )
    within = EventFactory(
        title="Binnen het venster van de editie",
        starts_at=datetime.datetime.combine(edition_day + datetime.timedelta(weeks=3), noon),
    )
    newsletter = NewsletterFactory(date=edition_day)

    text = rendered(newsletter)["text"]
    assert within.title in text
    assert soon.title not in text


def test_a_sent_edition_keeps_the_agenda_of_its_date(settings, django_capture_on_commit_callbacks):
    settings.NEWSLETTER_AGENDA_WEEKS = 4
    edition_day = timezone.localdate() + datetime.timedelta(weeks=6)
    noon = datetime.time(12, 0, tzinfo=timezone.get_default_timezone())
    later = EventFactory(
        title="Na de editie",
        starts_at=datetime.datetime.combine(edition_day + datetime.timedelta(days=10), noon),
    )
    newsletter = NewsletterFactory(date=edition_day)
    SubscriptionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        sending.newsletter_send(newsletter=newsletter)
    newsletter.refresh_from_db()
    assert [entry["title"] for entry in newsletter.agenda] == [later.title]
