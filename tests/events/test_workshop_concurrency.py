"""Ranked workshop choices under a rush, on PostgreSQL: 55 people at the same moment rank the same
two workshops of a round. Everyone gets the event place (the event has room, whatever the
workshops), no workshop and no municipality cap is overbooked, nobody is lost."""

import pytest
from django.db import connection

from events import services
from events.models import Registration, SessionChoice
from tests.conftest import at_once
from tests.factories import MunicipalityFactory, PersonFactory

from .conftest import make_event, sessions_of

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

RUSH = 55
FIRST, SECOND = 10, 6  # places in the first and the second ranked workshop
PER_TOWN = 2  # places per municipality in the first workshop


def register_job(event, person, ranking):
    return lambda: services.registration_create(event=event, person=person, session_ids=[], ranking=ranking)


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
    _outcomes, errors = at_once([register_job(event, person, ranking) for person in people])

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


def test_a_rush_of_ranked_choices_for_a_full_event_keeps_every_cap_exact():
    """55 people of five towns at once for 40 places (at most 9 per town), two rounds of ranked
    workshops (direct allocation) with small workshops and a town cap in one: exactly 40 get the
    event place, no cap of the event, a workshop or a town is passed by one, nobody is lost, and
    only people with a place get a workshop."""
    assert connection.vendor == "postgresql"
    event = make_event(
        rounds=2, sessions_per_round=2, workshop_ranks=2, capacity=40, places_per_municipality=9
    )
    (w1, w2), (w3, w4) = sessions_of(event)
    for workshop, capacity, per_town in ((w1, 8, 2), (w2, 10, None), (w3, 15, None), (w4, 15, None)):
        workshop.capacity, workshop.places_per_municipality = capacity, per_town
        workshop.save()
    towns = MunicipalityFactory.create_batch(5)
    people = [PersonFactory(organisation=towns[i % len(towns)]) for i in range(RUSH)]
    ranking = {w1.round_id: [w1.pk, w2.pk], w3.round_id: [w3.pk, w4.pk]}
    _outcomes, errors = at_once([register_job(event, person, ranking) for person in people])

    assert errors == []
    rows = Registration.objects.filter(event=event)
    assert rows.count() == RUSH  # nobody lost
    confirmed = rows.filter(status=Registration.Status.CONFIRMED)
    assert confirmed.count() == 40
    for town in towns:
        assert confirmed.filter(organisation=town).count() <= 9
    chosen = SessionChoice.objects.filter(registration__event=event)
    assert not chosen.exclude(registration__status=Registration.Status.CONFIRMED).exists()
    # Every workshop fills to exactly its places (there are more candidates than places).
    assert [chosen.filter(session=w).count() for w in (w1, w2, w3, w4)] == [8, 10, 15, 15]
    for town in towns:
        assert chosen.filter(session=w1, registration__organisation=town).count() <= 2
