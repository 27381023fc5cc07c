"""Ranked workshop choices: the event place never depends on a workshop; direct allocation gives
the best-ranked workshop with room; workshop waiting lists promote by rank, then time."""

import pytest
from django.utils import translation

from events import services, workshops
from events.models import Event, Registration, SessionChoice, WorkshopChoice
from tests.factories import MemberFactory, MunicipalityFactory, PersonFactory
from vzhg.errors import ServiceError
from vzhg.mail.models import OutgoingMail

from .conftest import make_event, sessions_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def ranked_event(*, ranks=2, rounds=1, sessions_per_round=3, session_capacity=1, **fields) -> Event:
    return make_event(
        rounds=rounds,
        sessions_per_round=sessions_per_round,
        session_capacity=session_capacity,
        workshop_ranks=ranks,
        **fields,
    )


def rank(event, person=None, *per_round):
    """rank(event, person, [w1, w2], [w3]) registers with those rankings, round by round."""
    person = person or MemberFactory()
    rounds = list(event.rounds.order_by("number"))
    ranking = {round_.pk: [s.pk for s in chosen] for round_, chosen in zip(rounds, per_round, strict=False)}
    return services.registration_create(event=event, person=person, session_ids=[], ranking=ranking)


def assigned(registration) -> list[int]:
    return list(registration.choices.order_by("round__number").values_list("session_id", flat=True))


def test_the_best_ranked_workshop_with_room_is_assigned():
    event = ranked_event()
    a, b, c = sessions_of(event)[0]
    first = rank(event, None, [a, b])
    second = rank(event, None, [a, b])
    third = rank(event, None, [a, b])

    assert assigned(first) == [a.pk]
    assert assigned(second) == [b.pk]  # the first choice was full: the second
    # Both ranked workshops full: the event place is confirmed all the same, no workshop yet.
    assert third.status == Registration.Status.CONFIRMED
    assert assigned(third) == []
    assert list(third.ranked_choices.values_list("session_id", "rank")) == [(a.pk, 1), (b.pk, 2)]
    assert c.choices.count() == 0


def test_a_full_workshop_never_waitlists_the_event_place_but_a_full_event_does():
    event = ranked_event(capacity=2)
    a, b, _c = sessions_of(event)[0]
    rank(event, None, [a])
    in_second = rank(event, None, [a])
    third = rank(event, None, [b])

    assert in_second.status == Registration.Status.CONFIRMED
    assert third.status == Registration.Status.WAITLISTED
    assert third.waitlist_reason == "event_full"
    assert assigned(third) == []  # no workshop without an event place


def test_the_municipality_cap_of_a_workshop_is_respected():
    event = ranked_event(session_capacity=5)
    a, b, _c = sessions_of(event)[0]
    a.places_per_municipality = 1
    a.save()
    town = MunicipalityFactory()
    first = rank(event, PersonFactory(organisation=town), [a, b])
    second = rank(event, PersonFactory(organisation=town), [a, b])

    assert assigned(first) == [a.pk]
    assert assigned(second) == [b.pk]


def test_rankings_are_checked():
    event = ranked_event(ranks=2, rounds=2)
    (a, b, c), (d, _e, _f) = sessions_of(event)
    with pytest.raises(ServiceError) as info:
        rank(event, None, [a, b, c], [d])
    assert info.value.code == "too_many_ranks"
    with pytest.raises(ServiceError) as info:
        rank(event, None, [a, a], [d])
    assert info.value.code == "duplicate_session"
    with pytest.raises(ServiceError) as info:
        rank(event, None, [d], [a])
    assert info.value.code == "foreign_session"
    with pytest.raises(ServiceError) as info:
        rank(event, None, [a])
    assert info.value.code == "missing_round"
    round_two = event.rounds.get(number=2)
    round_two.optional = True
    round_two.save()
    registration = rank(event, None, [a])  # an optional round may be skipped
    assert assigned(registration) == [a.pk]
    assert Registration.objects.filter(event=event).count() == 1  # the refusals left nothing


def test_a_freed_workshop_place_goes_to_the_best_rank_then_the_earliest(django_capture_on_commit_callbacks):
    event = ranked_event(sessions_per_round=2)
    a, b = sessions_of(event)[0]
    holder = rank(event, None, [a])
    rank(event, None, [b])
    early_second_choice = rank(event, None, [b, a])  # waits on a's list with rank 2
    late_first_choice = rank(event, None, [a, b])  # waits on a's list with rank 1, registered later
    assert assigned(early_second_choice) == assigned(late_first_choice) == []

    with django_capture_on_commit_callbacks(execute=False):
        services.registration_cancel(registration=holder)

    assert assigned(late_first_choice) == [a.pk]  # rank before time
    assert assigned(early_second_choice) == []
    mail = OutgoingMail.objects.filter(kind="events.workshop.assigned").get()
    assert mail.to == late_first_choice.person.email
    assert "Workshop 1.1" in mail.body_text


def test_equal_ranks_are_promoted_in_the_order_they_registered():
    event = ranked_event(sessions_per_round=1)
    [a] = sessions_of(event)[0]
    holder = rank(event, None, [a])
    earlier = rank(event, None, [a])
    later = rank(event, None, [a])

    services.registration_cancel(registration=holder)

    assert assigned(earlier) == [a.pk]
    assert assigned(later) == []


def test_promotion_from_the_event_waiting_list_assigns_workshops_by_rank():
    event = ranked_event(capacity=1, session_capacity=None)
    a, b, _c = sessions_of(event)[0]
    holder = rank(event, None, [a])
    waiting = rank(event, None, [b, a])
    assert waiting.status == Registration.Status.WAITLISTED

    services.registration_cancel(registration=holder)

    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    assert assigned(waiting) == [b.pk]


def test_changing_the_ranking_assigns_again_and_frees_the_old_place():
    event = ranked_event(sessions_per_round=2)
    a, b = sessions_of(event)[0]
    mover = rank(event, None, [a])
    waiter = rank(event, None, [a])
    assert assigned(waiter) == []

    services.registration_change(registration=mover, session_ids=[], ranking={a.round_id: [b.pk]})

    assert assigned(mover) == [b.pk]
    assert assigned(waiter) == [a.pk]


def test_after_closing_nothing_is_assigned_on_registration():
    event = ranked_event(workshop_allocation=Event.WorkshopAllocation.AFTER_CLOSING)
    a, _b, _c = sessions_of(event)[0]
    registration = rank(event, None, [a])

    assert registration.status == Registration.Status.CONFIRMED
    assert assigned(registration) == []
    assert WorkshopChoice.objects.filter(registration=registration).count() == 1
    assert workshops.workshop_waitlist_promote(event=event) == []


def test_events_without_ranks_keep_the_old_choice():
    event = make_event(rounds=1)
    a, _b = sessions_of(event)[0]
    registration = services.registration_create(event=event, person=MemberFactory(), session_ids=[a.pk])
    assert assigned(registration) == [a.pk]
    assert not WorkshopChoice.objects.exists()
    assert SessionChoice.objects.count() == 1
