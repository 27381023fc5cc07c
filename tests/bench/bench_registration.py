"""Registration benchmark: registrations per second over HTTP on PostgreSQL under concurrent
clients for ONE event, the same load spread over 50 events, and the ceiling of a bare Django view
(/health/live/) on the same gunicorn, as two ratios (issue 15: one event >= 0.5 x spread, and
>= 0.10 x /health/).

Needs PostgreSQL and Redis: `make bench` runs it under scripts/test's services; run alone
(`.venv/bin/python tests/bench/bench_registration.py`) it starts them itself the same way.

Every client is a different logged-in member who POSTs the registration form of a congress
(two workshop rounds, a workshop picked per member) — the real view, form, locking service,
outbox row and dispatch to Redis. The one congress has places for half of them, a cap per
municipality and small workshops, so every path (confirmed, waiting list for the event, the
municipality or a workshop) is measured; the 50 congresses get the same members spread over them,
with the same proportions. Afterwards the rows are recounted: no event, workshop or municipality
cap overbooked, nobody lost. The requests render no mail (the outbox row is built by the worker
when it sends it), so afterwards a real Celery worker builds and sends those mails into an SMTP
sink and the time is printed: the work is moved out of the request, not gone.

The phases run in rounds (`--rounds`, default 5; new congresses each round): ceiling, spread, one
event, again and again, and the ratios are the median of the rounds' own. The machine's speed
drifts between runs and within one (a shared virtual machine), so a ratio compares figures taken
moments apart.

Output is for people reading it; nothing here asserts a timing.
"""

import argparse
import http.client
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from queue import Empty, Queue

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
PYTHON = ROOT / ".venv" / "bin" / "python"


def ensure_services() -> None:
    """Re-run this script under scripts/test's throwaway PostgreSQL and Redis when they are absent."""
    if os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get(
        "REDIS_URL", ""
    ).startswith("redis://"):
        return
    print("bench: no PostgreSQL/Redis in the environment; starting them with scripts/test --run", flush=True)
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


WORKSHOPS = 4  # per round, two rounds
TOWNS = 20


def caps(registrants: int) -> dict:
    """The limits of a congress for `registrants` members: places for half of them, a cap per
    municipality that binds for some towns, and workshops that fill up."""
    return {
        "event": max(1, registrants // 2),
        "town": max(1, registrants * 3 // (5 * TOWNS)),
        "workshop": max(1, registrants // 10),
        "workshop_town": max(1, registrants // (4 * TOWNS)),
    }


def server_env(tmp: str) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="vzhg.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_STATIC_ROOT=f"{tmp}/static",
        DJANGO_MEDIA_ROOT=f"{tmp}/media",
        DJANGO_LOG_LEVEL="WARNING",
        SITE_URL=f"http://{HOST}",
        EMAIL_HOST=os.environ.get("EMAIL_HOST", "127.0.0.1"),
    )
    return env


def prepare(env: dict, people: int, spread: int) -> tuple[str, list[str], list[str]]:
    """Migrate, collect static files, create the one congress, `spread` smaller congresses and
    `people` logged-in members.

    Returns the one event's slug, the spread events' slugs and one session cookie per member.
    """
    events, cookies = prepare_rounds(env, people, spread, 1)
    one, many = events[0]
    return one, many, cookies


def prepare_rounds(
    env: dict, people: int, spread: int, rounds: int
) -> tuple[list[tuple[str, list[str]]], list[str]]:
    """prepare() for `rounds` rounds: per round a new one congress and `spread` new smaller ones,
    for the same `people` members. Returns [(one, spread slugs)] per round and the cookies."""
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    os.environ.update(
        {
            key: env[key]
            for key in (
                "DJANGO_SETTINGS_MODULE",
                "DJANGO_SECRET_KEY",
                "DJANGO_ALLOWED_HOSTS",
                "DJANGO_SECURE_SSL_REDIRECT",
                "DJANGO_STATIC_ROOT",
                "DJANGO_MEDIA_ROOT",
                "SITE_URL",
                "EMAIL_HOST",
            )
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from datetime import time as clock
    from datetime import timedelta
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import login
    from django.http import HttpRequest
    from django.utils import timezone

    from events.models import Event, Round, Session
    from members.models import Organisation, Person, User

    run = secrets.token_hex(3)
    starts = timezone.now() + timedelta(days=30)

    def congress(name: str, registrants: int) -> str:
        limits = caps(registrants)
        event = Event.objects.create(
            title=f"Benchcongres {name} {run}",
            slug=f"benchcongres-{name}-{run}",
            kind=Event.Kind.AUTUMN_CONGRESS,
            status=Event.Status.PUBLISHED,
            starts_at=starts,
            ends_at=starts + timedelta(hours=3),
            venue_name="Provinciehuis",
            capacity=limits["event"],
            places_per_municipality=limits["town"],
            audience=Event.Audience.OPEN,
        )
        for number in (1, 2):
            round_ = Round.objects.create(
                event=event, number=number, title=f"Ronde {number}", starts_at=clock(10 + number)
            )
            for index in range(WORKSHOPS):
                Session.objects.create(
                    round=round_,
                    title=f"Workshop {number}.{index + 1}",
                    capacity=limits["workshop"],
                    places_per_municipality=limits["workshop_town"],
                )
        return event.slug

    events = [
        (
            congress(f"een{r}", people),
            [congress(f"deel{r}-{n}", -(-people // spread)) for n in range(spread)],
        )
        for r in range(1, rounds + 1)
    ]
    towns = [
        Organisation.objects.get_or_create(
            name=f"Benchgemeente {n}",
            kind=Organisation.Kind.MUNICIPALITY,
            defaults={"cbs_code": f"GM9{n:03d}", "member_since": timezone.localdate()},
        )[0]
        for n in range(TOWNS)
    ]
    cookies = []
    engine = import_module(settings.SESSION_ENGINE)
    for n in range(people):
        email = f"bench{run}.{n}@example.org"
        user = User.objects.create_user(email=email)
        Person.objects.create(
            first_name="Bench",
            last_name=f"Lid {n}",
            email=email,
            organisation=towns[n % len(towns)],
            user=user,
        )
        request = HttpRequest()
        request.session = engine.SessionStore()
        login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
        request.session.save()
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={request.session.session_key}")
    return events, cookies


def start_gunicorn(env: dict, port: int, workers: int, threads: int, tmp: str) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "vzhg.wsgi:application",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--error-logfile",
            f"{tmp}/gunicorn.log",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=1)
            connection.request("GET", "/health/live/")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.1)
    print(Path(f"{tmp}/gunicorn.log").read_text(), file=sys.stderr)
    raise SystemExit("bench: gunicorn did not start")


def form_token(port: int, path: str, cookie: str, pick: int) -> tuple[str, str]:
    """GET the registration form: (cookies, form body with the `pick`-th workshop per round)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    connection.request("GET", path, headers={"Cookie": cookie})
    response = connection.getresponse()
    body = response.read().decode()
    if response.status != 200:
        raise SystemExit(f"bench: GET {path} answered {response.status}")
    csrf_cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "").group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    options: dict[str, list[str]] = {}
    for name, value in re.findall(r'name="(round_\d)"[^>]*value="(\d+)"', body):
        options.setdefault(name, []).append(value)
    choices = {
        name: values[(pick + index) % len(values)] for index, (name, values) in enumerate(options.items())
    }
    return f"{cookie}; csrftoken={csrf_cookie}", "&".join(
        [f"csrfmiddlewaretoken={token}"] + [f"{k}={v}" for k, v in choices.items()]
    )


def run_clients(port: int, jobs: list, concurrency: int, send) -> tuple[float, list[float], int]:
    queue: Queue = Queue()
    for job in jobs:
        queue.put(job)
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def client() -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=60)
        while True:
            try:
                job = queue.get_nowait()
            except Empty:
                return
            began = time.perf_counter()
            try:
                ok = send(connection, job)
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=60)
                ok = False
            with lock:
                latencies.append(time.perf_counter() - began)
                errors[0] += 0 if ok else 1

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began, latencies, errors[0]


def cpu_snapshot(server_pid: int) -> Counter:
    """CPU seconds used so far (Linux /proc) by the gunicorn processes, PostgreSQL, Redis and
    this client, with the machine's idle and total CPU seconds: two snapshots around a phase say
    where its CPU went and whether the machine waited."""
    tick = os.sysconf("SC_CLK_TCK")
    used: Counter = Counter()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:  # gone meanwhile
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        seconds = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
        if int(entry) == server_pid or int(fields[1]) == server_pid:
            used["gunicorn"] += seconds
        elif name.startswith("postgres"):
            used["postgres"] += seconds
        elif name.startswith("redis"):
            used["redis"] += seconds
    own = os.times()
    used["client"] = own.user + own.system
    values = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    used["idle"] = (int(values[3]) + int(values[4])) / tick  # idle + iowait
    used["total"] = sum(int(value) for value in values) / tick
    return used


def percentile_ms(latencies: list[float], fraction: float) -> float:
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000 if ordered else float("nan")


def overbooked(slugs: list[str]) -> tuple[int, int, int]:
    """Recount the rows of the events: (places over a cap, registrations of these events,
    confirmed). A cap counts once per place over it: event, municipality at the event,
    workshop, municipality in a workshop."""
    from django.db.models import Count

    from events.models import Event, Registration, SessionChoice

    over = total = confirmed = 0
    for event in Event.objects.filter(slug__in=slugs).prefetch_related("rounds__sessions"):
        rows = Registration.objects.filter(event=event)
        total += rows.count()
        mine = rows.filter(status=Registration.Status.CONFIRMED)
        taken = mine.count()
        confirmed += taken
        over += max(0, taken - event.capacity)
        for row in mine.values("organisation_id").annotate(n=Count("pk")).order_by():
            over += max(0, row["n"] - event.places_per_municipality)
        chosen = SessionChoice.objects.filter(registration__in=mine)
        sessions = {s.pk: s for r in event.rounds.all() for s in r.sessions.all()}
        for row in chosen.values("session_id").annotate(n=Count("pk")).order_by():
            over += max(0, row["n"] - sessions[row["session_id"]].capacity)
        for row in (
            chosen.values("session_id", "registration__organisation_id").annotate(n=Count("pk")).order_by()
        ):
            over += max(0, row["n"] - sessions[row["session_id"]].places_per_municipality)
    return over, total, confirmed


def mail_due(slugs: list[str]) -> list[int]:
    """The outbox rows of the registrations of these events (one mail each: confirmed or waiting
    list), queued lazily by the POSTs for the worker to build."""
    from events.models import Registration
    from vzhg.mail.models import OutgoingMail

    references = [
        f"events.registration:{pk}"
        for pk in Registration.objects.filter(event__slug__in=slugs).values_list("pk", flat=True)
    ]
    return list(
        OutgoingMail.objects.filter(kind__startswith="events.registration.", reference__in=references)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def drain_mail(env: dict, mail_ids: list[int]) -> tuple[int, float, int, dict]:
    """After the rush: a real Celery worker (2 processes, production settings) takes the tasks the
    POSTs left in Redis, builds every mail (text, HTML, .ics, QR) and sends it into a counting SMTP
    sink on loopback. Returns (messages received, seconds from the worker's start to the last
    one, recipients that got more than their rows, the rows' statuses)."""
    import logging
    from collections import Counter

    from _mail_bench import CountingSink, free_port, start_worker
    from aiosmtpd.controller import Controller
    from django.db.models import Count

    from vzhg.mail.models import OutgoingMail

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd: a line per connection
    sink = CountingSink()
    port = free_port()
    controller = Controller(sink, hostname=HOST, port=port)
    controller.start()
    log = (
        Path(os.environ.get("VZHG_TEST_ARTIFACTS") or ROOT / "var" / "test-artifacts")
        / "bench-registration-worker.log"
    )
    log.parent.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    worker = start_worker(
        {**env, "EMAIL_HOST": HOST, "EMAIL_PORT": str(port), "PYTHONUNBUFFERED": "1"}, 2, log
    )
    try:
        seconds = sink.wait_for(len(mail_ids), timeout=900) - began
        time.sleep(1)  # a message sent twice would arrive now
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, 9)
        controller.stop()
    # Each member registered for two events a round (the one and one of the spread): a mail each.
    expected = Counter(OutgoingMail.objects.filter(pk__in=mail_ids).values_list("to", flat=True))
    twice = sum(1 for address, n in sink.recipients.items() if n > expected[address])
    statuses = dict(
        OutgoingMail.objects.filter(pk__in=mail_ids).values_list("status").annotate(n=Count("pk")).order_by()
    )
    return sink.count, seconds, twice, statuses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=400, help="registrations (one member each)")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--spread", type=int, default=50, help="events the second load is spread over")
    parser.add_argument(
        "--rounds",
        type=int,
        default=int(os.environ.get("BENCH_ROUNDS", 5)),
        help="rounds of ceiling, spread and one event, one after the other (new congresses each round)",
    )
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", 2)))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("BENCH_THREADS", 4)))
    args = parser.parse_args()
    people = max(10, min(args.people, 5000))
    concurrency = max(1, min(args.concurrency, 64))
    spread = max(1, min(args.spread, people))
    rounds = max(1, min(args.rounds, 10))
    ensure_services()

    with tempfile.TemporaryDirectory(prefix="vzhg-bench-reg.") as tmp:
        env = server_env(tmp)
        print(
            f"Preparing {people} members and, for each of {rounds} rounds, one congress with "
            f"{caps(people)['event']} places and {spread} congresses for {-(-people // spread)} "
            "members each ...",
            flush=True,
        )
        events, cookies = prepare_rounds(env, people, spread, rounds)
        import socket

        with socket.socket() as sock:
            sock.bind((HOST, 0))
            port = sock.getsockname()[1]
        server = start_gunicorn(env, port, args.workers, args.threads, tmp)
        phases: dict[str, list[tuple[float, list[float], int]]] = {"ceiling": [], "one": [], "many": []}
        cpu: dict[str, Counter] = {"ceiling": Counter(), "one": Counter(), "many": Counter()}

        def timed(key: str, jobs: list, send) -> None:
            before = cpu_snapshot(server.pid)
            phases[key].append(run_clients(port, jobs, concurrency, send))
            after = cpu_snapshot(server.pid)
            cpu[key].update({name: after[name] - before[name] for name in after})

        try:

            def path_of(slug: str) -> str:
                return f"/agenda/{slug}/aanmelden/"

            # Every form is fetched (its CSRF token) before anything is timed.
            jobs = []
            for one, many in events:
                one_jobs = [
                    (path_of(one), *form_token(port, path_of(one), c, n)) for n, c in enumerate(cookies)
                ]
                many_jobs = []
                for n, cookie in enumerate(cookies):
                    path = path_of(many[n % spread])
                    many_jobs.append((path, *form_token(port, path, cookie, n // spread)))
                jobs.append((one_jobs, many_jobs))

            def post(connection, job):
                path, cookie, body = job
                connection.request(
                    "POST",
                    path,
                    body=body,
                    headers={
                        "Cookie": cookie,
                        "Content-Type": "application/x-www-form-urlencoded",
                        "Origin": f"http://{HOST}:{port}",
                        "Referer": f"http://{HOST}:{port}{path}",
                    },
                )
                response = connection.getresponse()
                response.read()
                return response.status == 302

            def health(connection, _job):
                connection.request("GET", "/health/live/")
                response = connection.getresponse()
                response.read()
                return response.status == 200

            run_clients(port, [None] * 200, concurrency, health)  # warm-up
            # The machine's speed drifts (a shared virtual machine: a third between runs); the
            # phases alternate, so each round's ratios compare figures taken moments apart.
            for one_jobs, many_jobs in jobs:
                timed("ceiling", [None] * (people * 4), health)
                timed("many", many_jobs, post)
                timed("one", one_jobs, post)
        finally:
            server.terminate()
            server.wait(timeout=30)

        ones = [one for one, _many in events]
        manys = [slug for _one, many in events for slug in many]
        one_over, one_total, one_confirmed = overbooked(ones)
        many_over, many_total, many_confirmed = overbooked(manys)
        # The mails were not rendered in the requests: the worker builds and sends them now.
        due = mail_due(ones + manys)
        received, mail_seconds, twice, statuses = drain_mail(env, due)

    def rate(phase: tuple[float, list[float], int]) -> float:
        return len(phase[1]) / phase[0]

    print()
    print(
        f"Server: gunicorn {args.workers} workers x {args.threads} threads (gthread), "
        "vzhg.settings.production, PostgreSQL, Redis broker"
    )
    print(f"Clients: {concurrency} concurrent keep-alive connections on {HOST}")
    print(
        f"Rounds: {rounds}, each {people * 4} GET /health/live/, then {people} POSTs spread over "
        f"{spread} events, then {people} POSTs for ONE event (new congresses every round)"
    )
    labels = {
        "ceiling": "GET /health/live/ (ceiling)",
        "one": "POST registration, ONE event",
        "many": f"POST registration, {spread} events",
    }
    latencies_of = {key: [latency for phase in phases[key] for latency in phase[1]] for key in labels}
    print(f"{'what (all rounds)':<40}{'requests':>9}{'per s':>9}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}")
    for key, label in labels.items():
        latencies = latencies_of[key]
        seconds = sum(phase[0] for phase in phases[key])
        errors = sum(phase[2] for phase in phases[key])
        print(
            f"{label:<40}{len(latencies):>9}{len(latencies) / seconds:>9.0f}"
            f"{percentile_ms(latencies, 0.5):>9.1f}{percentile_ms(latencies, 0.95):>9.1f}{errors:>8}"
        )
    print(
        f"{'CPU per request, ms (all rounds)':<40}{'gunicorn':>9}{'Postgres':>9}{'Redis':>9}"
        f"{'client':>8}{'idle %':>8}"
    )
    for key, label in labels.items():
        requests = len(latencies_of[key])
        used = {
            name: 1000 * cpu[key][name] / requests for name in ("gunicorn", "postgres", "redis", "client")
        }
        idle = 100 * cpu[key]["idle"] / cpu[key]["total"] if cpu[key]["total"] else float("nan")
        print(
            f"{label:<40}{used['gunicorn']:>9.2f}{used['postgres']:>9.2f}{used['redis']:>9.2f}"
            f"{used['client']:>8.2f}{idle:>8.0f}"
        )
    print(
        f"{'round':<8}{'ceiling/s':>11}{'one event/s':>13}{f'{spread} events/s':>14}"
        f"{'one/ceiling':>13}{'one/spread':>12}"
    )
    to_ceiling, to_spread = [], []
    for number, (ceiling, one, many) in enumerate(
        zip(phases["ceiling"], phases["one"], phases["many"], strict=True), start=1
    ):
        to_ceiling.append(rate(one) / rate(ceiling))
        to_spread.append(rate(one) / rate(many))
        print(
            f"{number:<8}{rate(ceiling):>11.0f}{rate(one):>13.0f}{rate(many):>14.0f}"
            f"{to_ceiling[-1]:>13.3f}{to_spread[-1]:>12.2f}"
        )
    print(
        f"Ratio one event / {spread} events: {statistics.median(to_spread):.2f} "
        f"(median of {rounds} rounds; goal >= 0.5)"
    )
    print(
        f"Ratio one event / ceiling: {statistics.median(to_ceiling):.3f} "
        f"(median of {rounds} rounds; goal >= 0.10)"
    )
    print(f"p95 registration, one event: {percentile_ms(latencies_of['one'], 0.95):.1f} ms")
    lost = (people * rounds - one_total) + (people * rounds - many_total)
    print(
        f"Check: one event {one_confirmed} confirmed of {one_total}, {spread} events {many_confirmed} "
        f"confirmed of {many_total} (all rounds); overbooked {one_over + many_over}, lost {lost}"
    )
    print(
        f"Confirmation mails built and sent afterwards: {received} in {mail_seconds:.1f} s "
        f"({received / mail_seconds:.0f}/s; a Celery worker of 2 processes from its start, into an SMTP "
        f"sink), for {len(due)} registrations; rows {statuses}, mails more than due: {twice}"
    )
    if one_over or many_over or lost:
        raise SystemExit("bench: the registration counts are wrong")
    if received != len(due) or len(due) != one_total + many_total or twice or statuses != {"sent": len(due)}:
        raise SystemExit("bench: not every registration got its one mail")


if __name__ == "__main__":
    main()
