"""The capacity promise on PostgreSQL: many simultaneous registrations (threads, each with its own
database connection) for the last places never overbook, never fail and never get lost."""

import pytest
from django.db import connection

from events import services
from events.models import Registration, SessionChoice
from tests.conftest import at_once
from tests.factories import MemberFactory

from .conftest import make_event, sessions_of

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

TAKEN = 50
LAST_PLACES = 10
RUSH = 55  # people trying at the same moment for the last 10 places


def fire(event, people, session_ids):
    """Every person registers at the same moment from their own thread (own connection)."""
    return at_once([register_job(event, person, session_ids) for person in people])


def register_job(event, person, session_ids):
    return lambda: services.registration_create(event=event, person=person, session_ids=session_ids).status


def fill(event, count, session=None):
    for person in MemberFactory.create_batch(count):
        services.registration_create(event=event, person=person, session_ids=[session.pk] if session else [])


def test_the_last_ten_places_of_an_event_go_to_exactly_ten_people():
    assert connection.vendor == "postgresql"
    event = make_event(capacity=TAKEN + LAST_PLACES)
    fill(event, TAKEN)
    rush = MemberFactory.create_batch(RUSH)

    statuses, errors = fire(event, rush, [])

    assert errors == []
    assert statuses.count(Registration.Status.CONFIRMED) == LAST_PLACES
    assert statuses.count(Registration.Status.WAITLISTED) == RUSH - LAST_PLACES
    rows = Registration.objects.filter(event=event)
    assert rows.count() == TAKEN + RUSH  # nobody lost
    assert rows.filter(status=Registration.Status.CONFIRMED).count() == TAKEN + LAST_PLACES
    assert set(rows.filter(person__in=rush).values_list("person_id", flat=True)) == {p.pk for p in rush}


def test_the_last_ten_places_of_a_workshop_go_to_exactly_ten_people():
    event = make_event(rounds=1, session_capacity=TAKEN + LAST_PLACES)  # the event itself is unlimited
    workshop = sessions_of(event)[0][0]
    fill(event, TAKEN, workshop)
    rush = MemberFactory.create_batch(RUSH)

    statuses, errors = fire(event, rush, [workshop.pk])

    assert errors == []
    assert statuses.count(Registration.Status.CONFIRMED) == LAST_PLACES
    assert statuses.count(Registration.Status.WAITLISTED) == RUSH - LAST_PLACES
    confirmed_in_workshop = SessionChoice.objects.filter(
        session=workshop, registration__status=Registration.Status.CONFIRMED
    ).count()
    assert confirmed_in_workshop == TAKEN + LAST_PLACES
    assert Registration.objects.filter(event=event).count() == TAKEN + RUSH


def fire_pages(event, people, data):
    """Every person posts the registration page at the same moment from their own thread (own
    client, own connection): the fast attempt with the rows this process keeps."""
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    url = reverse("events:register", args=[event.slug])
    jobs = []
    for person in people:
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        client.force_login(person.user)
        jobs.append(post_job(client, url, data))
    return at_once(jobs)


def post_job(client, url, data):
    return lambda: client.post(url, data).status_code


@pytest.mark.parametrize("changed", [False, True], ids=["kept", "changed-after-kept"])
def test_the_last_places_through_the_page_with_kept_rows(changed):
    """The rush through the registration page: the event's rows kept by this process (a first
    registration read them), then 55 people at once for the last 10 places of a workshop. With
    `changed` the secretariat lowered the workshop's capacity after the rows were kept (through
    save(): the event row is touched): the kept capacity is never decided on. Each person gets
    one outbox row, about the decision taken."""
    from events import definitions
    from vzhg.mail.models import OutgoingMail

    event = make_event(rounds=1, session_capacity=TAKEN + LAST_PLACES + (5 if changed else 0))
    workshop = sessions_of(event)[0][0]
    fill(event, TAKEN, workshop)
    first = MemberFactory()
    codes, errors = fire_pages(event, [first], {"round_1": workshop.pk})
    assert codes == [302] and errors == []
    assert definitions.event_definition(slug=event.slug).kept  # the rows are kept
    if changed:
        workshop.capacity = TAKEN + LAST_PLACES
        workshop.save()
    rush = MemberFactory.create_batch(RUSH)

    codes, errors = fire_pages(event, rush, {"round_1": workshop.pk})

    assert errors == [] and codes == [302] * RUSH
    rows = Registration.objects.filter(event=event)
    assert rows.count() == TAKEN + 1 + RUSH  # nobody lost
    assert rows.filter(status=Registration.Status.CONFIRMED).count() == TAKEN + LAST_PLACES
    confirmed_in_workshop = SessionChoice.objects.filter(
        session=workshop, registration__status=Registration.Status.CONFIRMED
    ).count()
    assert confirmed_in_workshop == TAKEN + LAST_PLACES
    for registration in rows.filter(person__in=rush + [first]).select_related("person"):
        [mail] = OutgoingMail.objects.filter(to=registration.person.email)  # built and sent inline
        assert mail.kind == f"events.registration.{registration.status}"
