"""The allocation after closing: optimal for its stated objective (checked by brute force on small
cases), fair across municipalities, reproducible from its seed, within every cap; and the
secretariat's review of the distribution."""

import itertools
import random
from collections import Counter

import pytest

from events import services, workshops
from events.allocation import Person, Workshop, allocate_round
from events.models import Event, Registration, SessionChoice
from events.selectors import allocation_distribution
from tests.factories import MunicipalityFactory, PersonFactory, UserFactory
from vzhg.errors import ServiceError

from .conftest import make_event, sessions_of


def objective(assignment, people, workshops_, ranks):
    """(−placed, −firsts, −seconds, …, fairness): smaller is better; None when a cap is broken."""
    per_session = Counter(assignment.values())
    per_group = Counter(
        (assignment[p.registration_id], p.group) for p in people if p.registration_id in assignment
    )
    for w in workshops_:
        if w.capacity is not None and per_session[w.session_id] > w.capacity:
            return None
        if w.per_municipality is not None and any(
            count > w.per_municipality
            for (session_id, group), count in per_group.items()
            if session_id == w.session_id and not isinstance(group, tuple)
        ):
            return None
    got = Counter(
        p.ranks.get(assignment[p.registration_id], 0) for p in people if p.registration_id in assignment
    )
    firsts = Counter(
        (assignment[p.registration_id], p.group)
        for p in people
        if p.registration_id in assignment and p.ranks.get(assignment[p.registration_id]) == 1
    )
    fairness = sum(count * (count - 1) // 2 for count in firsts.values())
    return (-len(assignment), *(-got[r] for r in range(1, ranks + 1)), fairness)


def brute_best(people, workshops_, ranks):
    options = [None] + [w.session_id for w in workshops_]
    best = None
    for combo in itertools.product(options, repeat=len(people)):
        assignment = {p.registration_id: s for p, s in zip(people, combo, strict=True) if s is not None}
        value = objective(assignment, people, workshops_, ranks)
        if value is not None and (best is None or value < best):
            best = value
    return best


def random_case(rng):
    n_people = rng.randint(2, 5)
    n_workshops = rng.randint(2, 3)
    ranks = rng.randint(1, 2)
    workshops_ = [
        Workshop(
            session_id=100 + i,
            capacity=rng.choice([None, 1, 2]),
            per_municipality=rng.choice([None, None, 1]),
        )
        for i in range(n_workshops)
    ]
    people = []
    for i in range(n_people):
        ranked = rng.sample([w.session_id for w in workshops_], k=rng.randint(1, ranks))
        people.append(
            Person(
                registration_id=i + 1,
                group=rng.choice(["Delft", "Leiden", ("r", i + 1)]),
                ranks={s: r for r, s in enumerate(ranked, start=1)},
            )
        )
    return people, workshops_, ranks


@pytest.mark.parametrize("case", range(40))
def test_the_allocation_is_optimal_by_brute_force(case):
    people, workshops_, ranks = random_case(random.Random(case))
    result = allocate_round(people=people, workshops=workshops_, ranks=ranks, seed=case)
    assert objective(result, people, workshops_, ranks) == brute_best(people, workshops_, ranks)


def test_first_choices_outweigh_everything_below_them():
    """Three first choices and one unranked workshop beat four second choices."""
    people = [Person(i, ("r", i), {10: 1, 11: 2}) for i in range(1, 4)] + [Person(4, ("r", 4), {11: 1})]
    workshops_ = [Workshop(10, 3, None), Workshop(11, 1, None), Workshop(12, None, None)]
    result = allocate_round(people=people, workshops=workshops_, ranks=2, seed=1)
    assert result == {1: 10, 2: 10, 3: 10, 4: 11}


def test_no_municipality_fills_a_workshop_while_another_gets_none_of_its_choices():
    # Delft has three people who want workshop A first, Leiden one; A has two places.
    people = [Person(i, "Delft", {10: 1, 11: 2}) for i in range(1, 4)] + [Person(4, "Leiden", {10: 1, 11: 2})]
    workshops_ = [Workshop(10, 2, None), Workshop(11, 2, None)]
    for seed in range(20):
        result = allocate_round(people=people, workshops=workshops_, ranks=2, seed=seed)
        assert result[4] == 10  # Leiden gets one of the two places, whatever the lot
        assert sorted(result.values()) == [10, 10, 11, 11]


def test_everyone_gets_a_workshop_where_any_has_room():
    people = [Person(i, ("r", i), {10: 1}) for i in range(1, 4)]
    workshops_ = [Workshop(10, 1, None), Workshop(11, 1, None), Workshop(12, 5, 1)]
    result = allocate_round(people=people, workshops=workshops_, ranks=1, seed=3)
    assert len(result) == 3
    assert list(result.values()).count(10) == 1


def test_the_lot_is_reproducible_from_its_seed_and_differs_between_seeds():
    people = [Person(i, ("r", i), {10: 1, 11: 2}) for i in range(1, 9)]
    workshops_ = [Workshop(10, 4, None), Workshop(11, 4, None)]
    results = [
        tuple(sorted(allocate_round(people=people, workshops=workshops_, ranks=2, seed=s).items()))
        for s in range(6)
    ]
    again = [
        tuple(sorted(allocate_round(people=people, workshops=workshops_, ranks=2, seed=s).items()))
        for s in range(6)
    ]
    assert results == again
    assert len(set(results)) > 1  # the lot decides who of the eight gets a first choice


# --- the services and the review, on the database ------------------------------------------------------


def closing_event(*, people, towns=2, session_capacity=2, sessions_per_round=3):
    event = make_event(
        rounds=2,
        sessions_per_round=sessions_per_round,
        session_capacity=session_capacity,
        workshop_ranks=2,
        workshop_allocation=Event.WorkshopAllocation.AFTER_CLOSING,
    )
    municipalities = [MunicipalityFactory() for _ in range(towns)]
    rounds = list(event.rounds.order_by("number"))
    grid = sessions_of(event)
    for i in range(people):
        ranking = {
            round_.pk: [grid[r][i % len(grid[r])].pk, grid[r][(i + 1) % len(grid[r])].pk]
            for r, round_ in enumerate(rounds)
        }
        services.registration_create(
            event=event,
            person=PersonFactory(organisation=municipalities[i % towns]),
            session_ids=[],
            ranking=ranking,
        )
    return event


@pytest.mark.django_db
def test_run_apply_and_reproduce():
    event = closing_event(people=6)
    actor = UserFactory(is_staff=True)
    run = workshops.workshop_allocation_run(event=event, actor=actor, seed=42)
    assert SessionChoice.objects.filter(registration__event=event).count() == 0  # reviewed first
    again = workshops.workshop_allocation_run(event=event, actor=actor, seed=42)
    assert again.result == run.result
    assert len(run.result) == 6 and all(len(by_round) == 2 for by_round in run.result.values())

    placed = workshops.workshop_allocation_apply(run=run, actor=actor)

    assert placed == 12
    for session in event.rounds.first().sessions.all():
        assert session.choices.count() <= session.capacity
    with pytest.raises(ServiceError) as info:
        workshops.workshop_allocation_apply(run=run, actor=actor)
    assert info.value.code == "already_applied"


@pytest.mark.django_db
def test_direct_events_have_no_allocation_run():
    event = make_event(rounds=1, workshop_ranks=2)
    with pytest.raises(ServiceError) as info:
        workshops.workshop_allocation_run(event=event, actor=None)
    assert info.value.code == "not_after_closing"


@pytest.mark.django_db
def test_the_distribution_counts_choices_per_workshop_and_municipality():
    event = closing_event(people=6, session_capacity=None)
    run = workshops.workshop_allocation_run(event=event, actor=None, seed=1)
    distribution = allocation_distribution(run=run)

    assert distribution["ranks"] == [1, 2, 0]
    # Unlimited workshops: everyone gets the first choice in both rounds.
    assert sum(row["counts"][0] for row in distribution["workshops"]) == 12
    assert [row["total"] for row in distribution["municipalities"]] == [6, 6]
    assert all(row["counts"] == [6, 0, 0] for row in distribution["municipalities"])


@pytest.mark.django_db
@pytest.mark.parametrize("people", [5, 30])
def test_the_distribution_query_count_does_not_grow(people, django_assert_num_queries):
    event = closing_event(people=people, towns=3)
    run = workshops.workshop_allocation_run(event=event, actor=None, seed=7)
    run = type(run).objects.select_related("event").get(pk=run.pk)
    with django_assert_num_queries(4):
        allocation_distribution(run=run)


@pytest.mark.django_db
def test_only_confirmed_registrations_are_allocated():
    event = closing_event(people=3)
    cancelled = Registration.objects.filter(event=event).first()
    services.registration_cancel(registration=cancelled)
    run = workshops.workshop_allocation_run(event=event, actor=None, seed=5)
    assert str(cancelled.pk) not in run.result
    assert len(run.result) == 2


@pytest.mark.django_db
def test_the_results_are_sent_once_to_each_with_their_workshops(django_capture_on_commit_callbacks):
    from vzhg.mail.models import OutgoingMail

    event = closing_event(people=3)
    run = workshops.workshop_allocation_run(event=event, actor=None, seed=9)
    with pytest.raises(ServiceError) as info:
        workshops.workshop_allocation_send(run=run, actor=None)
    assert info.value.code == "not_applied"
    workshops.workshop_allocation_apply(run=run, actor=None)
    sequence = Event.objects.get(pk=event.pk).ics_sequence

    with django_capture_on_commit_callbacks(execute=True):  # the worker's task runs after commit
        assert workshops.workshop_allocation_send(run=run, actor=None) == 3
    with pytest.raises(ServiceError) as info:
        workshops.workshop_allocation_send(run=run, actor=None)
    assert info.value.code == "already_sent"

    mails = OutgoingMail.objects.filter(kind="events.workshop.allocated")
    assert mails.count() == 3
    assert Event.objects.get(pk=event.pk).ics_sequence == sequence + 1  # the calendars follow
    registration = Registration.objects.filter(event=event).select_related("person").first()
    mine = mails.get(to=registration.person.email)
    for choice in registration.choices.select_related("session"):
        assert choice.session.title in mine.body_text
    assert [attachment["filename"] for attachment in mine.attachments] == ["uitnodiging.ics"]
