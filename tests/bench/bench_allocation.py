"""Workshop allocation benchmark: a congress after closing at realistic size on PostgreSQL, then the
secretariat's steps: compute (min-cost flow per round), review, apply, send.

Needs PostgreSQL: `make bench` runs it under scripts/test's services; run alone (`.venv/bin/python
tests/bench/bench_allocation.py`) it starts them itself the same way.

Two sizes by default: 500 registrants × 2 rounds × 8 workshops (the figure issue 15 asks for) and
600 × 3 × 8. The registrants come from 50 municipalities and rank 3 workshops per round, the
popular workshops more often (a weighted draw), so the first choices overflow; two workshops per
round hold places per municipality. Printed per size: reading the rankings, the flow per round
(max), the whole compute as the page runs it (`workshop_allocation_run`, stored with its seed), the
review (`allocation_distribution`, with its queries), applying, and sending the results (the
request only records the send; the worker task renders the outbox rows with the .ics in batches,
and their delivery follows; the test settings run both eagerly after the commit, into Django's
locmem backend; production leaves them to the worker). Checked, and a wrong
figure fails the run: everyone placed in every round, no workshop or municipality cap exceeded, the
same seed gives the same result, one mail each. Nothing here asserts a timing.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = ROOT / ".venv" / "bin" / "python"
SIZES = [(500, 2, 8), (600, 3, 8)]
TOWNS = 50
RANKS = 3


def ensure_services() -> None:
    """Re-run this script under scripts/test's throwaway PostgreSQL and Redis when they are absent."""
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return
    print("bench: no PostgreSQL in the environment; starting it with scripts/test --run", flush=True)
    result = subprocess.run(
        [
            "bash",
            str(ROOT / "scripts" / "test"),
            "--run",
            str(PYTHON),
            str(Path(__file__).resolve()),
            *sys.argv[1:],
        ],
        cwd=ROOT,
    )
    raise SystemExit(result.returncode)


def build(*, people: int, rounds: int, workshops: int, tag: str):
    """A published congress after closing with `people` confirmed registrations and their ranks."""
    import random
    from datetime import timedelta

    from django.utils import timezone

    from events.models import Event, Registration, Round, Session, WorkshopChoice
    from members.models import Organisation, Person

    rng = random.Random(f"bench:{tag}")
    now = timezone.now()
    towns = Organisation.objects.bulk_create(
        Organisation(name=f"Benchgemeente {tag} {n}", kind=Organisation.Kind.MUNICIPALITY)
        for n in range(TOWNS)
    )
    persons = Person.objects.bulk_create(
        Person(
            first_name="Deelnemer",
            last_name=f"{tag} {n}",
            email=f"deelnemer.{tag}.{n}@example.org",
            organisation=towns[n % TOWNS],
        )
        for n in range(people)
    )
    starts = now + timedelta(days=10)
    event = Event.objects.create(
        title=f"Congres {tag}",
        slug=f"congres-{tag}",
        kind=Event.Kind.AUTUMN_CONGRESS,
        status=Event.Status.PUBLISHED,
        starts_at=starts,
        ends_at=starts + timedelta(hours=6),
        venue_name="Provinciehuis",
        audience=Event.Audience.OPEN,
        registration_closes_at=now - timedelta(minutes=1),
        workshop_ranks=RANKS,
        workshop_allocation=Event.WorkshopAllocation.AFTER_CLOSING,
    )
    registrations = Registration.objects.bulk_create(
        Registration(
            event=event,
            person=person,
            organisation_id=person.organisation_id,
            status=Registration.Status.CONFIRMED,
            confirmed_at=now,
        )
        for person in persons
    )
    # Room for everyone and a little more; the big rooms are the popular ones.
    capacity = -(-people * 11 // 10 // workshops)
    choices = []
    for number in range(1, rounds + 1):
        round_ = Round.objects.create(event=event, number=number, title=f"Ronde {number}")
        sessions = [
            Session.objects.create(
                round=round_,
                title=f"Workshop {number}.{index + 1}",
                capacity=capacity + (workshops // 2 - index) * 4,
                places_per_municipality=4 if index in (0, 1) else None,
            )
            for index in range(workshops)
        ]
        weights = [workshops - index for index in range(workshops)]
        for registration in registrations:
            order = sorted(range(workshops), key=lambda i: rng.random() ** (1 / weights[i]), reverse=True)[
                :RANKS
            ]
            choices += [
                WorkshopChoice(registration=registration, session=sessions[i], round=round_, rank=rank)
                for rank, i in enumerate(order, start=1)
            ]
    WorkshopChoice.objects.bulk_create(choices, batch_size=2000)
    return event


def measure(*, people: int, rounds: int, workshops: int) -> dict:
    from django.core import mail
    from django.db import connection, transaction
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext

    from events import selectors
    from events import workshops as services
    from events.allocation import allocate_round, allocation_compute, allocation_inputs
    from events.models import Registration, SessionChoice, WorkshopChoice
    from tests.factories import UserFactory
    from vzhg.mail.models import OutgoingMail

    tag = f"{people}x{rounds}x{workshops}-{os.urandom(2).hex()}"
    began = time.perf_counter()
    event = build(people=people, rounds=rounds, workshops=workshops, tag=tag)
    figures: dict = {"build (s)": time.perf_counter() - began}
    actor = UserFactory(is_staff=True, email=f"secretariaat.{tag}@vzhg.nl")

    began = time.perf_counter()
    inputs = allocation_inputs(event=event)
    figures["read the rankings (ms)"] = (time.perf_counter() - began) * 1000
    flows = []
    for round_, round_people, round_workshops in inputs:
        began = time.perf_counter()
        allocate_round(people=round_people, workshops=round_workshops, ranks=RANKS, seed=round_.number)
        flows.append(time.perf_counter() - began)
    figures["flow per round, max (s)"] = max(flows)

    began = time.perf_counter()
    run = services.workshop_allocation_run(event=event, actor=actor, seed=20261130)
    figures["compute and store, whole (s)"] = time.perf_counter() - began
    reproduced = allocation_compute(event=event, seed=20261130) == run.result

    with CaptureQueriesContext(connection) as queries:
        began = time.perf_counter()
        distribution = selectors.allocation_distribution(run=run)
        figures["review: distribution (ms)"] = (time.perf_counter() - began) * 1000
    figures["review: queries"] = len(queries)

    began = time.perf_counter()
    placed = services.workshop_allocation_apply(run=run, actor=actor)
    figures["apply (s)"] = time.perf_counter() - began

    mail.outbox = []
    began = time.perf_counter()
    with transaction.atomic():  # the send task waits for this commit (eager under test settings)
        mailed = services.workshop_allocation_send(run=run, actor=actor)
        queued = time.perf_counter()
    figures["send: request only (s)"] = queued - began
    figures["send: task, eager delivery (s)"] = time.perf_counter() - queued

    ranks = [0] * (RANKS + 1)
    for row in distribution["workshops"]:
        for position, count in enumerate(row["counts"]):
            ranks[position] += count
    figures["got 1st / 2nd / 3rd / unranked"] = " / ".join(str(count) for count in ranks)

    choices = SessionChoice.objects.filter(registration__event=event)
    over_workshop = [
        row
        for row in choices.values("session_id", "session__capacity").annotate(n=Count("pk"))
        if row["session__capacity"] is not None and row["n"] > row["session__capacity"]
    ]
    over_town = [
        row
        for row in choices.values(
            "session_id", "session__places_per_municipality", "registration__organisation_id"
        ).annotate(n=Count("pk"))
        if row["session__places_per_municipality"] is not None
        and row["n"] > row["session__places_per_municipality"]
    ]
    outbox = OutgoingMail.objects.filter(kind="events.workshop.allocated", to__contains=tag)
    confirmed = Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED).count()
    problems = []
    if placed != people * rounds or choices.count() != people * rounds:
        problems.append(f"placed {placed} of {people * rounds}")
    if over_workshop or over_town:
        problems.append(f"caps exceeded: {len(over_workshop)} workshops, {len(over_town)} municipality caps")
    if not reproduced:
        problems.append("the same seed gave another result")
    if (
        mailed != confirmed
        or outbox.values("to").distinct().count() != confirmed
        or outbox.count() != confirmed
    ):
        problems.append(f"{mailed} mails for {confirmed} registrants")
    if WorkshopChoice.objects.filter(registration__event=event).count() != people * rounds * RANKS:
        problems.append("the rankings were not all stored")
    figures["checks"] = "; ".join(problems) or "ok"
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workshops", type=int, default=8)
    args = parser.parse_args()
    sizes = [(max(2, min(args.people, 5000)), args.rounds, args.workshops)] if args.people else SIZES
    ensure_services()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vzhg.settings.test")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    results = {size: measure(people=size[0], rounds=size[1], workshops=size[2]) for size in sizes}

    print()
    print(f"Database: {connection.vendor}; {TOWNS} municipalities, {RANKS} ranked choices per round")
    heads = [f"{p} × {r} × {w}" for p, r, w in sizes]
    print(f"{'registrants × rounds × workshops':<36}" + "".join(f"{head:>22}" for head in heads))
    for key in results[sizes[0]]:
        values = []
        for size in sizes:
            value = results[size][key]
            values.append(f"{value:.2f}" if isinstance(value, float) else str(value))
        print(f"{key:<36}" + "".join(f"{value:>22}" for value in values))
    if any(result["checks"] != "ok" for result in results.values()):
        raise SystemExit("bench: the allocation's checks failed")


if __name__ == "__main__":
    main()
