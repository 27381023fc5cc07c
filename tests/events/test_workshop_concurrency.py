"""Ranked workshop choices under a rush, on PostgreSQL: 55 people at the same moment rank the same
two workshops of a round. Everyone gets the event place (the event has room, whatever the
workshops), no workshop and no municipality cap is overbooked, nobody is lost."""

import threading

import pytest
from django.db import connection, connections

from events import services
from events.models import Registration, SessionChoice
from tests.factories import MunicipalityFactory, PersonFactory

from .conftest import make_event, sessions_of

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

RUSH = 55
FIRST, SECOND = 10, 6  # places in the first and the second ranked workshop
PER_TOWN = 2  # places per municipality in the first workshop


def test_a_rush_of_ranked_choices_never_overbooks_a_workshop_or_loses_an_event_place():
    assert connection.vendor == "postgresql"
    event = make_event(rounds=1, sessions_per_round=2, workshop_ranks=2)
    first, second = sessions_of(event)[0]
    first.capacity, first.places_per_municipality = FIRST, PER_TOWN
    first.save()
    second.capacity = SECOND
    second.save()
    towns = MunicipalityFactory.create_batch(4)
    people = [PersonFactory(organisation=towns[i % len(towns)]) for i in range(RUSH)]
    ranking = {first.round_id: [first.pk, second.pk]}
    barrier = threading.Barrier(RUSH)
    errors = []
    lock = threading.Lock()

    def attempt(person):
        try:
            barrier.wait(timeout=30)
            services.registration_create(event=event, person=person, session_ids=[], ranking=ranking)
        except Exception as exc:  # noqa: BLE001 - every error is a failure of the promise
            with lock:
                errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not any(thread.is_alive() for thread in threads), "a registration hung"
    assert errors == []
    rows = Registration.objects.filter(event=event)
    assert rows.count() == RUSH
    assert rows.filter(status=Registration.Status.CONFIRMED).count() == RUSH  # nobody waits for the event
    in_first = SessionChoice.objects.filter(session=first)
    # Four towns with two places each: eight of the ten places can be given in the first workshop.
    assert in_first.count() == len(towns) * PER_TOWN
    for town in towns:
        assert in_first.filter(registration__organisation=town).count() == PER_TOWN
    assert SessionChoice.objects.filter(session=second).count() == SECOND
    assert SessionChoice.objects.filter(registration__event=event).count() == len(towns) * PER_TOWN + SECOND
