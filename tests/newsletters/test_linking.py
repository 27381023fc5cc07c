"""An item that links an event (date and a link to its page) or a board meeting (date, no link:
its page carries the board's token); the picker in the admin shows the dates."""

import datetime
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from governance.models import Body, Meeting
from newsletters.models import Item
from newsletters.rendering import edition_render, mail_render
from newsletters.selectors import newsletter_full
from tests.events.conftest import make_event

from .conftest import NewsletterFactory

pytestmark = pytest.mark.django_db

WHEN = timezone.make_aware(datetime.datetime(2026, 11, 21, 13, 30))


def _meeting():
    body = Body.objects.create(name="Algemeen bestuur", slug="ab", kind=Body.Kind.AB, order=1)
    return Meeting.objects.create(body=body, title="Vergadering AB", starts_at=WHEN, location="Den Haag")


def _link(item, row):
    item.linked_type = ContentType.objects.get_for_model(row)
    item.linked_id = row.pk
    item.save()


def test_a_linked_event_shows_its_date_and_links_its_page_and_a_meeting_only_its_date(client, secretariat):
    newsletter = NewsletterFactory(with_items=2, status="sent")
    first, second = Item.objects.filter(section__newsletter=newsletter).order_by("order")
    event = make_event(title="Najaarscongres", slug="najaarscongres", starts_at=WHEN, ends_at=WHEN)
    meeting = _meeting()
    _link(first, event)
    _link(second, meeting)

    mail = mail_render(edition=edition_render(newsletter=newsletter_full().get(pk=newsletter.pk)))
    web = client.get(newsletter.get_absolute_url()).content.decode()

    event_url = "/agenda/najaarscongres/"
    assert event_url in reverse("events:detail", kwargs={"slug": "najaarscongres"})
    assert "Saturday 21 November 2026 13:30 · Najaarscongres http" in mail["text"]
    # In the mail through the click counter (newsletters.clicks), to the event's page.
    tracked = re.search(
        r'href="([^"]+/nieuwsbrief/klik/[^"]+/)" style="[^"]*">Najaarscongres</a>', mail["html"]
    )
    assert client.get(re.sub(r"^https?://[^/]+", "", tracked.group(1)))["Location"].endswith(event_url)
    assert "Saturday 21 November 2026 13:30 · Vergadering AB" in mail["text"]
    assert str(meeting.token) not in mail["text"] + mail["html"] + web
    assert f'{event_url}">Najaarscongres</a>' in web
    assert "Vergadering AB" in web


def test_the_edition_is_read_in_the_same_queries_however_many_items_link(django_assert_num_queries):
    def edition_with(count):
        newsletter = NewsletterFactory(with_items=count)
        for item in Item.objects.filter(section__newsletter=newsletter):
            _link(item, make_event())
        return newsletter

    for newsletter in (edition_with(2), edition_with(10)):
        # edition, sections, items, the linked events; the concept's agenda: events, meetings
        with django_assert_num_queries(6):
            edition = edition_render(newsletter=newsletter_full().get(pk=newsletter.pk))
        assert all(item["linked"] for section in edition.sections for item in section["items"])


def test_the_picker_shows_the_dates_and_saves_the_choice(client, secretariat):
    newsletter = NewsletterFactory(with_items=0)
    section = newsletter.sections.first()
    event = make_event(title="Najaarscongres", starts_at=WHEN, ends_at=WHEN)
    make_event(title="Lang geleden", starts_at=timezone.now() - datetime.timedelta(days=400))
    meeting = _meeting()
    url = reverse("admin:newsletters_section_change", args=[section.pk])

    page = client.get(url).content.decode()

    assert "21-11-2026 13:30 · Najaarscongres" in page and "21-11-2026 13:30 · Vergadering AB" in page
    assert "Lang geleden" not in page
    event_type = ContentType.objects.get_for_model(Event)
    data = {"title": section.title, "order": section.order, "items-TOTAL_FORMS": "1",
            "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "0", "items-MAX_NUM_FORMS": "1000",
            "items-0-title": "Kom naar het congres", "items-0-order": "0",
            "items-0-linked_choice": f"{event_type.pk}:{event.pk}"}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    item = Item.objects.get(section=section)
    assert item.linked == event

    # A kind that cannot be linked (a forged value) is refused.
    user_type = ContentType.objects.get_for_model(secretariat)
    data.update({"items-INITIAL_FORMS": "1", "items-0-id": item.pk, "items-0-section": section.pk,
                 "items-0-linked_choice": f"{user_type.pk}:{secretariat.pk}"})  # fmt: skip
    assert client.post(url, data).status_code == 200
    item.refresh_from_db()
    assert item.linked == event
    assert meeting.pk  # offered above, under "Meetings"
