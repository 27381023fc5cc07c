"""A network meeting only for its members (issue 16): today's members register, anyone else sees
why not and where to join, and a direct POST is refused in Dutch (never a 500)."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from events import services
from events.models import Registration
from networks.services import membership_join, membership_leave
from tests.events.conftest import make_event
from tests.factories import MemberFactory

from .conftest import NetworkFactory

pytestmark = pytest.mark.django_db

REFUSAL = "Deze bijeenkomst is voor leden van het Juristennetwerk."


@pytest.fixture
def meeting(juristen):
    return make_event(network=juristen, network_only=True, title="Juristenmiddag")


def _dutch(client, person):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    client.force_login(person.user)
    return client


def test_a_member_of_the_network_registers(client, meeting, juristen, jurist):
    membership_join(network=juristen, person=jurist, actor=None)
    response = _dutch(client, jurist).post(reverse("events:register", args=[meeting.slug]), {"remarks": ""})
    assert response.status_code == 302
    assert Registration.objects.get(event=meeting, person=jurist).status == Registration.Status.CONFIRMED


def test_a_non_member_sees_why_and_where_to_join_on_the_event_page(client, meeting, juristen):
    response = _dutch(client, MemberFactory()).get(meeting.get_absolute_url())
    page = response.content.decode()
    assert REFUSAL in page
    assert f'href="{juristen.get_absolute_url()}"' in page
    assert "Meld je aan bij het Juristennetwerk" in page
    assert reverse("events:register", args=[meeting.slug]) not in page


def test_a_closed_network_says_the_secretariat_adds_people(client, juristen):
    closed = NetworkFactory(name="Kring gemeentesecretarissen", open_for_signup=False)
    event = make_event(network=closed, network_only=True)
    page = _dutch(client, MemberFactory()).get(event.get_absolute_url()).content.decode()
    assert "Alleen het secretariaat voegt mensen toe aan dit netwerk." in page
    assert "Meld je aan bij" not in page


def test_a_direct_post_of_a_non_member_is_refused_in_dutch(client, meeting):
    person = MemberFactory()
    response = _dutch(client, person).post(reverse("events:register", args=[meeting.slug]), {"remarks": ""})
    assert response.status_code == 200
    assert REFUSAL in response.content.decode()
    assert not Registration.objects.filter(event=meeting, person=person).exists()


def test_someone_who_left_the_network_is_refused_by_the_service(meeting, juristen, jurist):
    membership_join(network=juristen, person=jurist, actor=None, today=datetime.date(2025, 1, 1))
    membership_leave(network=juristen, person=jurist, actor=None)
    with pytest.raises(services.ServiceError) as refused:
        services.registration_create(event=meeting, person=jurist, session_ids=[])
    assert refused.value.code == "network_only"
    assert not Registration.objects.filter(event=meeting).exists()


def test_a_network_meeting_open_to_all_still_takes_anyone(client, juristen):
    event = make_event(network=juristen)
    person = MemberFactory()
    response = _dutch(client, person).post(reverse("events:register", args=[event.slug]), {"remarks": ""})
    assert response.status_code == 302
    assert Registration.objects.filter(event=event, person=person).exists()


def test_the_check_costs_no_query_for_events_without_a_network(django_assert_num_queries, juristen):
    person = MemberFactory()
    for event in (make_event(), make_event(network=juristen)):
        with django_assert_num_queries(0):
            assert services.person_in_network(event=event, person=person)


def test_network_only_needs_a_network():
    event = make_event()
    event.network_only = True
    with pytest.raises(ValidationError) as invalid:
        event.full_clean()
    assert "network_only" in invalid.value.message_dict


def test_the_agenda_marks_a_meeting_for_network_members_without_a_query_per_event(client, meeting, juristen):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    open_meeting = make_event(network=juristen, title="Open netwerkmiddag")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    client.get(reverse("events:agenda"))  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        page = client.get(reverse("events:agenda")).content.decode()
    item = page.split("Juristenmiddag", 1)[1].split("</li>", 1)[0]
    assert REFUSAL in item
    assert REFUSAL not in page.split(open_meeting.title, 1)[1].split("</li>", 1)[0]

    for number in range(3):  # more network meetings cost no more queries
        make_event(network=NetworkFactory(), network_only=True, title=f"Kringmiddag {number}")
    with CaptureQueriesContext(connection) as more:
        client.get(reverse("events:agenda"))
    assert len(more) == len(few)
