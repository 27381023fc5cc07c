"""The workshop allocation after closing: a min-cost flow (networkx) per round.

Per round, every confirmed registration that ranked a workshop there (or must take part: the
round is not optional) is one unit of flow: source → person → (workshop, municipality) →
workshop → sink, the workshop arc holding its capacity and the (workshop, municipality) arc the
workshop's places per municipality; a first choice passes one unit arc per place on the way, which
carries the fairness cost. The flow is
maximal (everyone gets a workshop in every round where any has room, a workshop they did not
rank if need be) and of least cost, the cost ordering, from strongest to weakest:

1. ranks, lexicographically: as many first choices as possible, then as many second choices…,
   an unranked workshop last (rank cost d_r = W·(B^K − B^(K−r+1)) with B = people + 1, so one
   more first choice outweighs any gain among the other ranks);
2. fairness across municipalities: the k-th first choice granted to one municipality in one
   workshop costs (k−1)·F, a convex cost, so among equally good outcomes the first choices of a
   workshop are spread over the municipalities that want it (no municipality fills a workshop
   while another gets none of its choices);
3. a lot: a random cost < L per (person, workshop) from `random.Random(seed)`, so the remaining
   ties are broken by lot and the same seed gives the same result.

W, F and L are chosen so that each term can never outweigh one step of the term above it.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field

import networkx as nx

from .models import Event, Registration, Round, WorkshopChoice

UNRANKED = 0  # the rank recorded for a workshop the person did not rank


@dataclass
class Person:
    registration_id: int
    group: object  # the municipality (organisation id), or the registration for people without one
    ranks: dict[int, int] = field(default_factory=dict)  # session id → rank (1 = first choice)


@dataclass
class Workshop:
    session_id: int
    capacity: int | None
    per_municipality: int | None


def allocate_round(
    *, people: list[Person], workshops: list[Workshop], ranks: int, seed: int
) -> dict[int, int]:
    """{registration id: session id} for one round; pure (no database), so it can be checked by
    brute force. `ranks` is the number of ranked choices of the event (K)."""
    if not people or not workshops:
        return {}
    n = len(people)
    lot_range = n + 1  # L
    fairness = n * lot_range + 1  # F > every lot together
    weight = n * n * fairness + 1  # W > every fairness and lot cost together
    base = n + 1  # B

    def rank_cost(rank: int) -> int:
        r = rank if rank else ranks + 1
        return weight * (base**ranks - base ** (ranks - r + 1))

    rng = random.Random(seed)
    graph = nx.DiGraph()
    first_choices: dict[tuple[int, object], int] = defaultdict(int)
    groups: set[tuple[int, object]] = set()
    for person in sorted(people, key=lambda p: p.registration_id):
        graph.add_edge("source", ("p", person.registration_id), capacity=1, weight=0)
        for workshop in workshops:
            rank = person.ranks.get(workshop.session_id, UNRANKED)
            key = (workshop.session_id, person.group)
            groups.add(key)
            if rank == 1:
                first_choices[key] += 1
            graph.add_edge(
                ("p", person.registration_id),
                ("first", *key) if rank == 1 else ("cap", *key),
                capacity=1,
                weight=rank_cost(rank) + rng.randrange(lot_range),
            )
    caps = {w.session_id: w.per_municipality for w in workshops}
    for (session_id, group), count in first_choices.items():
        # The k-th first choice of one municipality in one workshop costs (k − 1)·F.
        for k in range(1, count + 1):
            unit = ("unit", session_id, group, k)
            graph.add_edge(("first", session_id, group), unit, capacity=1, weight=(k - 1) * fairness)
            graph.add_edge(unit, ("cap", session_id, group), capacity=1, weight=0)
    for session_id, group in sorted(groups, key=repr):
        cap = caps[session_id]
        capacity = n if cap is None or isinstance(group, tuple) else cap
        graph.add_edge(("cap", session_id, group), ("w", session_id), capacity=capacity, weight=0)
    for workshop in workshops:
        capacity = workshop.capacity if workshop.capacity is not None else n
        graph.add_edge(("w", workshop.session_id), "sink", capacity=capacity, weight=0)
    flow = nx.max_flow_min_cost(graph, "source", "sink")
    result = {}
    for person in people:
        for target, amount in flow[("p", person.registration_id)].items():
            if amount:
                result[person.registration_id] = target[1]
    return result


def allocation_inputs(*, event: Event) -> list[tuple[Round, list[Person], list[Workshop]]]:
    """The confirmed registrations' rankings per round, read in three queries."""
    rounds = list(Round.objects.filter(event=event).prefetch_related("sessions").order_by("number"))
    registrations = {
        registration.pk: registration
        for registration in Registration.objects.filter(
            event=event, status=Registration.Status.CONFIRMED
        ).only("pk", "organisation_id")
    }
    rankings: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
    for choice in WorkshopChoice.objects.filter(registration_id__in=registrations).only(
        "registration_id", "round_id", "session_id", "rank"
    ):
        rankings[(choice.round_id, choice.registration_id)][choice.session_id] = choice.rank
    inputs = []
    for round_ in rounds:
        people = []
        for registration_id, registration in registrations.items():
            ranks = rankings.get((round_.pk, registration_id))
            if ranks is None and round_.optional:
                continue
            group = registration.organisation_id if registration.organisation_id else ("r", registration_id)
            people.append(Person(registration_id=registration_id, group=group, ranks=dict(ranks or {})))
        workshops = [
            Workshop(session_id=s.pk, capacity=s.capacity, per_municipality=s.places_per_municipality)
            for s in round_.sessions.all()
        ]
        inputs.append((round_, people, workshops))
    return inputs


def allocation_compute(*, event: Event, seed: int) -> dict[str, dict[str, int]]:
    """{registration id: {round id: session id}} (string keys: stored as JSON)."""
    result: dict[str, dict[str, int]] = defaultdict(dict)
    for round_, people, workshops in allocation_inputs(event=event):
        round_seed = random.Random(f"{seed}:{round_.number}").randrange(2**62)
        for registration_id, session_id in allocate_round(
            people=people, workshops=workshops, ranks=event.workshop_ranks, seed=round_seed
        ).items():
            result[str(registration_id)][str(round_.pk)] = session_id
    return dict(result)
