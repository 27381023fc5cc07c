"""Page benchmark: requests per second of the home and profile pages next to a bare Django view.

Run by scripts/bench (`make bench`), which prepares a database with the demo data, starts gunicorn
with the production settings on 127.0.0.1 and exports the same environment to this script. The
script logs in as the demo member by writing a session straight into that database, then sends a
fixed number of GET requests per page from concurrent keep-alive clients and prints a table.

Output is for people reading it; nothing here asserts a timing.
"""

import argparse
import http.client
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"  # the benchmark only ever talks to this machine
BARE_VIEW = "/health/live/"
PAGES = [(BARE_VIEW, False), ("/", False), ("/profiel/", True)]
MAX_REQUESTS = 50_000
MAX_CONCURRENCY = 64


@dataclass
class Result:
    path: str
    requests: int
    concurrency: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    response_bytes: int = 0
    client_cpu_seconds: float = 0.0

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile_ms(self, fraction: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000


def demo_member_session_cookie() -> str:
    """A logged-in session for the demo member, written into the benchmark's database."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    import django

    django.setup()
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import login
    from django.http import HttpRequest

    from demo.members import MEMBER_EMAIL
    from members.models import Person

    person = Person.objects.select_related("user", "organisation").filter(user__email=MEMBER_EMAIL).first()
    if person is None:
        raise SystemExit(
            f"bench: no person with the demo member's account {MEMBER_EMAIL}; did demo_data run?"
        )
    request = HttpRequest()
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    login(request, person.user, backend=settings.AUTHENTICATION_BACKENDS[0])
    request.session.save()
    print(f"Logged in as {person.user.email} ({person.organisation})")
    return f"{settings.SESSION_COOKIE_NAME}={request.session.session_key}"


def fetch(connection: http.client.HTTPConnection, path: str, headers: dict) -> tuple[int, bytes, str]:
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    return response.status, response.read(), response.getheader("Location", "")


def run(port: int, path: str, headers: dict, requests: int, concurrency: int, max_seconds: float) -> Result:
    """`requests` GETs of `path` from `concurrency` threads, each on its own keep-alive connection;
    stops early when `max_seconds` have passed."""
    result = Result(path=path, requests=0, concurrency=concurrency, seconds=0.0)
    lock = threading.Lock()
    issued = 0
    deadline = time.monotonic() + max_seconds
    start_gate = threading.Barrier(concurrency + 1)

    def client() -> None:
        nonlocal issued
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        latencies, errors, size = [], 0, 0
        start_gate.wait()
        while True:
            with lock:
                if issued >= requests or time.monotonic() > deadline:
                    break
                issued += 1
            began = time.perf_counter()
            try:
                status, body, _ = fetch(connection, path, headers)
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=30)
                errors += 1
                continue
            elapsed = time.perf_counter() - began
            if status == 200:
                latencies.append(elapsed)
                size = len(body)
            else:
                errors += 1
        connection.close()
        with lock:
            result.latencies.extend(latencies)
            result.errors += errors
            result.response_bytes = max(result.response_bytes, size)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    start_gate.wait()
    began, cpu_began = time.perf_counter(), time.process_time()
    for thread in threads:
        thread.join(max_seconds + 60)
    result.seconds = time.perf_counter() - began
    result.client_cpu_seconds = time.process_time() - cpu_began
    result.requests = issued
    return result


def check_page(port: int, path: str, headers: dict) -> None:
    """Before timing anything: the page answers 200 (the profile is not a redirect to the login)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    status, body, location = fetch(connection, path, headers)
    connection.close()
    if status != 200:
        raise SystemExit(f"bench: GET {path} answered {status} {location}\n{body[:500]!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True, help="gunicorn's port on 127.0.0.1")
    parser.add_argument("--requests", type=int, default=2000, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=100, help="untimed requests per page first")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent keep-alive clients")
    parser.add_argument("--max-seconds", type=float, default=60.0, help="time limit per page")
    parser.add_argument("--server", default="", help="a description of the server, for the heading")
    args = parser.parse_args()
    if not (0 < args.requests <= MAX_REQUESTS and 0 < args.concurrency <= MAX_CONCURRENCY):
        parser.error(f"requests must be 1..{MAX_REQUESTS}, concurrency 1..{MAX_CONCURRENCY}")

    cookie = demo_member_session_cookie()
    base_headers = {"Host": f"{HOST}:{args.port}", "Accept-Language": "nl", "User-Agent": "vzhg-bench"}
    results = []
    for path, logged_in in PAGES:
        headers = dict(base_headers, **({"Cookie": cookie} if logged_in else {}))
        check_page(args.port, path, headers)
        run(args.port, path, headers, args.warmup, args.concurrency, args.max_seconds)
        results.append(run(args.port, path, headers, args.requests, args.concurrency, args.max_seconds))

    bare = results[0].per_second
    print()
    print(f"VZHG page benchmark: {args.server}")
    print(
        f"{args.requests} timed GET requests per page after {args.warmup} warm-up, "
        f"{args.concurrency} concurrent keep-alive clients (Python threads, same machine, "
        f"{os.cpu_count()} CPUs)"
    )
    print()
    heading = (
        f"{'path':<12}{'requests':>9}{'clients':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'errors':>8}{'KiB':>7}{'client CPU':>12}{'vs bare':>9}"
    )
    print(heading)
    print("-" * len(heading))
    for result in results:
        ratio = result.per_second / bare if bare else float("nan")
        print(
            f"{result.path:<12}{result.requests:>9}{result.concurrency:>8}{result.per_second:>9.1f}"
            f"{result.percentile_ms(0.50):>9.1f}{result.percentile_ms(0.95):>9.1f}"
            f"{result.errors:>8}{result.response_bytes / 1024:>7.1f}"
            f"{result.client_cpu_seconds / result.seconds:>11.0%}{ratio:>9.2f}"
        )
    print()
    print(
        f"'vs bare' = requests/s of the page divided by those of {BARE_VIEW}, a view that touches "
        "neither database nor template, on the same server."
    )
    print(
        "'client CPU' = CPU time this load generator used, as a share of one core: the client shares "
        "the machine with gunicorn, so the bare view's figure is a ceiling of the setup, not of Django."
    )
    failed = [result.path for result in results if result.errors or result.requests < args.requests]
    if failed:
        print(f"Incomplete runs (errors, or the {args.max_seconds:.0f} s limit hit): {', '.join(failed)}")


if __name__ == "__main__":
    main()
