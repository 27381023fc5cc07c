"""ALV vote benchmark: 50 delegates cast their vote at the same moment on PostgreSQL, then the
result is computed with the configured weights.

Needs PostgreSQL: `make bench` runs it under scripts/test's services; run alone
(`.venv/bin/python tests/bench/bench_votes.py`) it starts them itself the same way.

Every delegate is a thread with its own database connection calling the real service
(governance.board.votes.ballot_cast: the row lock on the vote, the presence check, the weight, one
ballot per municipality). Printed: the wall time of the burst, the latency per ballot (p50, p95,
max), the time and the number of queries of the tally, and the check that exactly 50 votes were
counted. Nothing here asserts a timing; the counts are checked and a wrong count fails the run.
"""

import argparse
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = ROOT / ".venv" / "bin" / "python"


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


def percentile_ms(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000 if ordered else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--delegates", type=int, default=50)
    args = parser.parse_args()
    delegates = max(2, min(args.delegates, 400))
    ensure_services()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vzhg.settings.test")
    import django

    django.setup()
    from datetime import timedelta

    from django.core.management import call_command
    from django.db import connection, connections
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    call_command("migrate", verbosity=0, interactive=False)
    from governance.board import assembly, votes
    from governance.models import AgendaItem, Ballot, Body, Meeting, Motion, MunicipalityWeight
    from members.models import Organisation, Person

    run = os.urandom(3).hex()
    body, _created = Body.objects.get_or_create(
        slug=f"alv-bench-{run}", defaults={"name": f"ALV bench {run}", "kind": Body.Kind.ALV}
    )
    meeting = Meeting.objects.create(
        body=body,
        title=f"ALV bench {run}",
        starts_at=timezone.now() - timedelta(minutes=5),
        status="published",
    )
    AgendaItem.objects.create(meeting=meeting, order=1, title="Moties", kind=AgendaItem.Kind.BESLUITVORMING)
    motion = Motion.objects.create(meeting=meeting, title="Benchmotie", text="Het DB wordt gevraagd ...")
    towns = []
    for n in range(delegates):
        town = Organisation.objects.create(
            name=f"Benchgemeente {run} {n}",
            kind=Organisation.Kind.MUNICIPALITY,
            member_since=timezone.localdate() - timedelta(days=365),
        )
        person = Person.objects.create(
            first_name="Bench",
            last_name=f"Griffier {n}",
            email=f"griffier{run}.{n}@example.org",
            organisation=town,
        )
        assembly.delegate_set(meeting=meeting, municipality=town, person=person)
        assembly.presence_check_in(meeting=meeting, municipality=town)
        towns.append(town)
    MunicipalityWeight.objects.update_or_create(
        municipality=towns[0], defaults={"rules": assembly.rules_get(), "weight": 3}
    )
    vote = votes.vote_open(motion=motion)

    barrier = threading.Barrier(delegates)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def cast(town, choice):
        try:
            barrier.wait(timeout=30)
            began = time.perf_counter()
            votes.ballot_cast(vote=vote, municipality=town, choice=choice)
            with lock:
                latencies.append(time.perf_counter() - began)
        except Exception as exc:  # noqa: BLE001 - reported below
            with lock:
                errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=cast, args=(town, "against" if n % 4 == 0 else "for"))
        for n, town in enumerate(towns)
    ]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    burst = time.perf_counter() - began

    with CaptureQueriesContext(connection) as queries:
        tally_began = time.perf_counter()
        tally = votes.vote_tally(vote=vote)
        tally_s = time.perf_counter() - tally_began
    close_began = time.perf_counter()
    closed = votes.vote_close(vote=vote)
    close_s = time.perf_counter() - close_began
    counted = Ballot.objects.filter(vote=vote).count()

    print()
    print(f"Database: {connection.vendor}; {delegates} delegates, each a thread with its own connection")
    print(f"{'what':<38}{'value':>12}")
    print(f"{'burst of ballots (wall, ms)':<38}{burst * 1000:>12.1f}")
    print(f"{'ballot latency p50 (ms)':<38}{percentile_ms(latencies, 0.5):>12.1f}")
    print(f"{'ballot latency p95 (ms)':<38}{percentile_ms(latencies, 0.95):>12.1f}")
    print(f"{'ballot latency max (ms)':<38}{max(latencies, default=float('nan')) * 1000:>12.1f}")
    print(f"{'tally (ms)':<38}{tally_s * 1000:>12.1f}")
    print(f"{'tally queries (pinned at 6 in tests)':<38}{len(queries):>12}")
    print(f"{'close and write the outcome (ms)':<38}{close_s * 1000:>12.1f}")
    print(f"Result: {tally.summary} → {closed.get_result_display()} ({tally.rules_text})")
    print(f"Check: {counted} ballots counted of {delegates}, {len(errors)} errors")
    if errors:
        print("\n".join(errors[:5]))
    if counted != delegates or errors or tally.municipalities_voted != delegates:
        raise SystemExit("bench: the vote counts are wrong")


if __name__ == "__main__":
    main()
