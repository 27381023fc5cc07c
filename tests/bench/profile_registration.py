"""Where a registration POST spends its time: N registrations for ONE congress through Django's
test client (the real middleware, view, form, service and outbox row; production settings on
PostgreSQL and Redis), under cProfile, printed sorted by cumulative and by own time.

    bash scripts/test --run .venv/bin/python tests/bench/profile_registration.py [--people 200]

It prepares the data as tests/bench/bench_registration.py does (one congress with two workshop
rounds, places for half, caps per municipality) and POSTs each member's form once, one after the
other (no concurrency: this is about CPU per request, not about the lock). CSRF is not checked by
the test client; everything else is what gunicorn runs. `--no-dispatch` leaves out the hand-over
to Redis after commit. Nothing here asserts anything.
"""

import argparse
import cProfile
import io
import pstats
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_registration as bench  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--save", help="also write the raw profile here (pstats)")
    args = parser.parse_args()
    bench.ensure_services()
    with tempfile.TemporaryDirectory(prefix="vzhg-profile-reg.") as tmp:
        env = bench.server_env(tmp)
        one, _many, cookies = bench.prepare(env, args.people, 1)
        from django.db import connection
        from django.test import Client

        path = f"/agenda/{one}/aanmelden/"
        # One client (one handler, as one gunicorn worker), logged in as each member in turn.
        client = Client(HTTP_HOST=bench.HOST)

        def post(n: int):
            client.cookies.clear()
            name, value = cookies[n].split("=", 1)
            client.cookies[name] = value
            return client.post(path, body(n))

        # The form's workshop ids, as a member picks them (the n-th workshop per round).
        name, value = cookies[0].split("=", 1)
        client.cookies[name] = value
        page = client.get(path).content.decode()
        options: dict[str, list[str]] = {}
        for name, value in re.findall(r'name="(round_\d)"[^>]*value="(\d+)"', page):
            options.setdefault(name, []).append(value)

        def body(n: int) -> dict:
            return {name: values[n % len(values)] for name, values in options.items()} | {"remarks": ""}

        # Warm up (imports, template loading, the connection) with the first ten members.
        for n in range(10):
            assert post(n).status_code == 302
        queries = [0]
        spent: dict[str, list[float]] = {}

        def count(execute, sql, params, many, context):
            queries[0] += 1
            began = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                # The statement by its first words and table: wall time of the round trip.
                words = re.sub(r'"[a-z_]+"\.', "", sql)[:70]
                spent.setdefault(words, []).append(time.perf_counter() - began)

        profiler = cProfile.Profile()
        began = time.perf_counter()
        profiler.enable()
        with connection.execute_wrapper(count):
            for n in range(10, len(cookies)):
                response = post(n)
                assert response.status_code == 302, response.status_code
        profiler.disable()
        elapsed = time.perf_counter() - began
        posts = len(cookies) - 10
    if args.save:
        profiler.dump_stats(args.save)
    print(
        f"\n{posts} registration POSTs in {elapsed:.2f} s: {elapsed / posts * 1000:.1f} ms each "
        f"(under the profiler), {queries[0] / posts:.1f} queries each"
    )
    print("\nDatabase round trips per POST (wall ms, mean), by statement:")
    for words, times in sorted(spent.items(), key=lambda item: -sum(item[1])):
        print(f"  {sum(times) / posts * 1000:6.2f} ms  x{len(times) / posts:.1f}  {words}")
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(args.top)
        print(f"\n--- sorted by {order} ---")
        print(out.getvalue()[-12000:])


if __name__ == "__main__":
    main()
