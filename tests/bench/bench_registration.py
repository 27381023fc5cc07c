"""Registration benchmark: registrations per second over HTTP on PostgreSQL under concurrent
clients, beside the ceiling of a bare Django view (/health/live/) on the same gunicorn, as a ratio.

Needs PostgreSQL and Redis: `make bench` runs it under scripts/test's services; run alone
(`.venv/bin/python tests/bench/bench_registration.py`) it starts them itself the same way.

Every client is a different logged-in member who POSTs the registration form of one congress
(two workshop rounds) — the real view, form, locking service, outbox row and dispatch to Redis.
The congress has places for half of them, so both paths (confirmed, waiting list) are measured;
afterwards the counts are checked: exactly `capacity` confirmed, nobody lost.

Output is for people reading it; nothing here asserts a timing.
"""

import argparse
import http.client
import os
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
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


def prepare(env: dict, people: int, capacity: int) -> tuple[str, list[str]]:
    """Migrate, collect static files and create the congress and `people` logged-in members.

    Returns the event's slug and one session cookie per member.
    """
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
    event = Event.objects.create(
        title=f"Benchcongres {run}",
        slug=f"benchcongres-{run}",
        kind=Event.Kind.AUTUMN_CONGRESS,
        status=Event.Status.PUBLISHED,
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        venue_name="Provinciehuis",
        capacity=capacity,
        audience=Event.Audience.OPEN,
    )
    for number in (1, 2):
        round_ = Round.objects.create(
            event=event, number=number, title=f"Ronde {number}", starts_at=clock(10 + number)
        )
        for index in range(4):
            Session.objects.create(round=round_, title=f"Workshop {number}.{index + 1}", capacity=capacity)
    towns = [
        Organisation.objects.get_or_create(
            name=f"Benchgemeente {n}",
            kind=Organisation.Kind.MUNICIPALITY,
            defaults={"cbs_code": f"GM9{n:03d}", "member_since": timezone.localdate()},
        )[0]
        for n in range(20)
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
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        request.session.save()
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={request.session.session_key}")
    return event.slug, cookies


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


def form_token(port: int, path: str, cookie: str) -> tuple[str, str]:
    """GET the registration form: (csrf cookie, csrf form token, first workshop per round)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    connection.request("GET", path, headers={"Cookie": cookie})
    response = connection.getresponse()
    body = response.read().decode()
    if response.status != 200:
        raise SystemExit(f"bench: GET {path} answered {response.status}")
    csrf_cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "").group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    choices = {name: value for name, value in re.findall(r'name="(round_\d)"[^>]*value="(\d+)"', body)}
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


def percentile_ms(latencies: list[float], fraction: float) -> float:
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000 if ordered else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=400, help="registrations (one member each)")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", 2)))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("BENCH_THREADS", 4)))
    args = parser.parse_args()
    people = max(10, min(args.people, 5000))
    concurrency = max(1, min(args.concurrency, 64))
    ensure_services()

    with tempfile.TemporaryDirectory(prefix="vzhg-bench-reg.") as tmp:
        env = server_env(tmp)
        capacity = people // 2
        print(f"Preparing {people} members and a congress with {capacity} places ...", flush=True)
        slug, cookies = prepare(env, people, capacity)
        import socket

        with socket.socket() as sock:
            sock.bind((HOST, 0))
            port = sock.getsockname()[1]
        server = start_gunicorn(env, port, args.workers, args.threads, tmp)
        try:
            path = f"/agenda/{slug}/aanmelden/"
            forms = [form_token(port, path, cookie) for cookie in cookies]

            def post(connection, job):
                cookie, body = job
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
            ceiling_s, ceiling_lat, ceiling_err = run_clients(
                port, [None] * (people * 4), concurrency, health
            )
            reg_s, reg_lat, reg_err = run_clients(port, forms, concurrency, post)
        finally:
            server.terminate()
            server.wait(timeout=30)

        from events.models import Registration

        confirmed = Registration.objects.filter(event__slug=slug, status="confirmed").count()
        waitlisted = Registration.objects.filter(event__slug=slug, status="waitlisted").count()

    ceiling_rate = len(ceiling_lat) / ceiling_s
    reg_rate = len(reg_lat) / reg_s
    print()
    print(
        f"Server: gunicorn {args.workers} workers x {args.threads} threads (gthread), "
        "vzhg.settings.production, PostgreSQL, Redis broker"
    )
    print(f"Clients: {concurrency} concurrent keep-alive connections on {HOST}")
    print(f"{'what':<34}{'requests':>9}{'per s':>9}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}")
    print(
        f"{'GET /health/live/ (ceiling)':<34}{len(ceiling_lat):>9}{ceiling_rate:>9.0f}"
        f"{percentile_ms(ceiling_lat, 0.5):>9.1f}{percentile_ms(ceiling_lat, 0.95):>9.1f}{ceiling_err:>8}"
    )
    print(
        f"{'POST registration (2 rounds)':<34}{len(reg_lat):>9}{reg_rate:>9.0f}"
        f"{percentile_ms(reg_lat, 0.5):>9.1f}{percentile_ms(reg_lat, 0.95):>9.1f}{reg_err:>8}"
    )
    print(f"Ratio registration / ceiling: {reg_rate / ceiling_rate:.2f}")
    print(
        f"Check: {confirmed} confirmed (capacity {capacity}), {waitlisted} on the waiting list, "
        f"{people - confirmed - waitlisted} lost"
    )
    if confirmed != capacity or confirmed + waitlisted != people:
        raise SystemExit("bench: the registration counts are wrong")


if __name__ == "__main__":
    main()
