"""The meeting screens of the secretariat: "Nieuwe ALV" with its congress (create, link or
neither), the item "Vaststellen notulen" on a body's next meeting, linked to the previous
meeting's concept minutes, and the action list edited on the meeting's own page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from governance.board import minutes as minutes_services
from governance.board import services as board_services
from governance.models import Action, Meeting, Minutes
from tests.admin_form import change_form_data
from tests.events.staff_factories import EventFactory
from tests.factories import MemberFactory, UserFactory

from .conftest import make_meeting

pytestmark = pytest.mark.django_db


def page_messages(response) -> str:
    return " ".join(str(message) for message in response.context["messages"])


NEW_ALV = reverse("admin:governance_body_alv_new")


def test_nieuwe_alv_creates_its_congress_event(client, secretariat, bodies):
    page = client.get(NEW_ALV).content.decode()
    assert "Create a new draft congress event on the same day" in page
    assert NEW_ALV in client.get(reverse("admin:governance_meeting_changelist")).content.decode()

    response = client.post(
        NEW_ALV,
        {"body": bodies["alv"].pk, "starts_at": "2031-06-05T10:00", "congress": "create"},
        follow=True,
    )

    meeting = Meeting.objects.get(body=bodies["alv"])
    assert response.redirect_chain[-1][0] == reverse("admin:governance_meeting_change", args=[meeting.pk])
    assert "held together with" in page_messages(response)
    assert meeting.items.count() == 10 and meeting.history.first().history_user == secretariat
    assert meeting.event.kind == Event.Kind.ALV_CONGRESS and meeting.event.status == Event.Status.DRAFT
    assert timezone.localtime(meeting.starts_at).date() == datetime.date(2031, 6, 5)


def test_nieuwe_alv_links_an_existing_event_or_none(client, secretariat, bodies):
    event = EventFactory(kind=Event.Kind.ALV_CONGRESS, title="Voorjaarscongres 2031")
    page = client.get(NEW_ALV).content.decode()
    assert "Voorjaarscongres 2031" in page

    refused = client.post(NEW_ALV, {"body": bodies["alv"].pk, "congress": "link"})
    assert refused.status_code == 200 and "Choose the event to link" in refused.content.decode()
    assert not Meeting.objects.exists()

    client.post(NEW_ALV, {"body": bodies["alv"].pk, "congress": "link", "event": event.pk})
    linked = Meeting.objects.get()
    assert linked.event == event and linked.starts_at == event.starts_at

    client.post(NEW_ALV, {"body": bodies["alv"].pk, "starts_at": "2032-06-04T10:00", "congress": "none"})
    alone = Meeting.objects.exclude(pk=linked.pk).get()
    assert alone.event is None and Event.objects.count() == 1


def test_nieuwe_alv_needs_the_meeting_permission(client, bodies):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(NEW_ALV).status_code == 403
    assert client.post(NEW_ALV, {"body": bodies["alv"].pk, "congress": "none"}).status_code == 403
    assert not Meeting.objects.exists()


def held_with_minutes(body, *, days=-20):
    meeting = make_meeting(body, days=days, title="Vorige", items=2)
    return minutes_services.minutes_save(meeting=meeting, text="# Notulen\nBesproken.")


def meeting_add_data(body, *items):
    data = {
        "body": body.pk, "title": "Volgende", "starts_at_0": "2031-03-05", "starts_at_1": "10:00",
        "location": "Den Haag", "online_url": "",
        "items-TOTAL_FORMS": str(len(items)), "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0", "items-MAX_NUM_FORMS": "1000",
        "packs-TOTAL_FORMS": "0", "packs-INITIAL_FORMS": "0",
        "packs-MIN_NUM_FORMS": "0", "packs-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    for n, title in enumerate(items):
        data |= {
            f"items-{n}-order": str(n + 1),
            f"items-{n}-title": title,
            f"items-{n}-kind": "ter_bespreking",
        }
    return data


def test_a_new_meeting_gets_vaststellen_notulen_linked_to_the_previous_minutes(client, secretariat, bodies):
    minutes = held_with_minutes(bodies["ab"])

    client.post(
        reverse("admin:governance_meeting_add"), meeting_add_data(bodies["ab"], "Opening", "Begroting")
    )

    meeting = Meeting.objects.get(title="Volgende")
    assert list(meeting.items.order_by("order").values_list("order", "title")) == [
        (1, "Opening"),
        (2, "Vaststellen notulen"),
        (3, "Begroting"),
    ]
    minutes.refresh_from_db()
    assert minutes.adoption_item == meeting.items.get(order=2)
    assert minutes.history.first().history_user == secretariat


def test_an_item_vaststellen_notulen_typed_on_the_new_meeting_is_not_doubled(client, secretariat, bodies):
    minutes = held_with_minutes(bodies["ab"])

    client.post(
        reverse("admin:governance_meeting_add"),
        meeting_add_data(bodies["ab"], "Opening", "Vaststellen notulen AB 12 maart"),
    )

    meeting = Meeting.objects.get(title="Volgende")
    assert meeting.items.count() == 2
    minutes.refresh_from_db()
    assert minutes.adoption_item.title == "Vaststellen notulen AB 12 maart"


def test_no_item_without_minutes_or_when_they_are_already_on_an_agenda(bodies):
    make_meeting(bodies["alv"], days=-300, title="ALV vorig jaar")
    plain = board_services.meeting_create_alv_from_template(body=bodies["alv"])
    assert plain.items.count() == 10

    minutes = held_with_minutes(bodies["alv"], days=-200)
    first = board_services.meeting_create_alv_from_template(body=bodies["alv"], congress_create=True)
    assert first.items.count() == 11 and first.items.get(order=2).title == "Vaststellen notulen"
    assert Minutes.objects.get(pk=minutes.pk).adoption_item.meeting == first

    from events import lifecycle

    copy = lifecycle.event_duplicate(event=first.event, actor=UserFactory())
    next_year = Meeting.objects.get(event=copy)
    assert next_year.items.filter(title="Vaststellen notulen").count() == 1  # copied, not added again
    assert Minutes.objects.get(pk=minutes.pk).adoption_item.meeting == first  # still adopted there


def test_actions_are_written_on_the_meeting_page(client, secretariat, bodies):
    meeting = make_meeting(bodies["ab"], days=-1, items=2)
    owner = MemberFactory()
    url = reverse("admin:governance_meeting_change", args=[meeting.pk])
    data = change_form_data(client, url)
    assert data["actions-TOTAL_FORMS"] == "0"
    page = client.get(url).content.decode()
    assert 'id="add_id_actions-__prefix__-owner"' in page  # a person can be added from the row
    assert 'id="add_id_actions-__prefix__-item"' not in page  # an item is added in the agenda above
    item = meeting.items.get(order=2)
    data |= {
        "actions-TOTAL_FORMS": "1",
        "actions-0-title": "Begroting aanpassen",
        "actions-0-owner": str(owner.pk),
        "actions-0-due": "2031-01-15",
        "actions-0-item": str(item.pk),
        "actions-0-status": "open",
    }

    assert client.post(url, data).status_code == 302

    action = Action.objects.get()
    assert (action.body, action.meeting, action.item, action.owner) == (bodies["ab"], meeting, item, owner)
    assert action.history.first().history_user == secretariat
    data = change_form_data(client, url)
    data["actions-0-status"] = "done"
    assert client.post(url, data).status_code == 302
    action.refresh_from_db()
    assert action.status == Action.Status.DONE and action.done_at is not None
