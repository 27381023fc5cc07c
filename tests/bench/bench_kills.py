"""Duplicates under repeated worker kills: the outbox (one task per message, as invitations are
sent) and a newsletter edition, each sent through Redis and a real Celery worker into a sink
that counts per recipient, while the worker is SIGKILLed (process group, no warm shutdown) again
and again and restarted; this process plays Celery beat (the sweeps) until nothing is left.

Prints, per run: messages, kills, duplicates (copies beyond the first) and their rate, messages
left "may or may not have arrived" (outbox rows and newsletter deliveries found "sending" after a
kill: decided by MAIL_RESEND_INTERRUPTED), and the duplicate window: the time from the relay's 250
to the commit that records it, measured here as the UPDATE+COMMIT the sender runs at that moment on the same
PostgreSQL (median and 99th percentile).

    bash scripts/test --run .venv/bin/python tests/bench/bench_kills.py [--count 600] [--kills 8]
    MAIL_RESEND_INTERRUPTED=true bash scripts/test --run .venv/bin/python tests/bench/bench_kills.py

Output is for people reading it; nothing here asserts anything.
"""

import argparse
import os
import random
import signal
import statistics
import subprocess
import time
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("MAIL_SENDING_STALE_SECONDS", "3")  # beat decides about interrupted rows soon

from _mail_bench import ROOT, services_or_exit, start_sink_and_django, start_worker  # noqa: E402


def kill(worker: subprocess.Popen) -> None:
    try:
        os.killpg(worker.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    worker.wait(timeout=10)


def wait_ready(worker, log):
    from vzhg.celery import app

    deadline = time.monotonic() + 60
    while not app.control.ping(timeout=0.5):
        if worker.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"bench: the Celery worker did not start; see {log}")


def run(label, *, env, log, kills, start, done, sweep, sink, total):
    rng = random.Random(20261129)
    worker = start_worker(env, 2, log)
    wait_ready(worker, log)
    start()
    killed = 0
    try:
        while killed < kills and not done():
            time.sleep(rng.uniform(0.3, 1.2))
            kill(worker)
            killed += 1
            worker = start_worker(env, 2, log)
            wait_ready(worker, log)
            sweep()
        deadline = time.monotonic() + 600
        while not done():
            if time.monotonic() > deadline:
                raise SystemExit(f"bench {label}: not finished after 600 s; see {log}")
            sweep()
            time.sleep(1.0)
        time.sleep(1.0)
    finally:
        kill(worker)
    copies = sink.recipients
    duplicates = sum(count - 1 for count in copies.values() if count > 1)
    return killed, duplicates, len(copies)


def window_ms(samples=300):
    """The step between the relay's 250 and the record of it: one UPDATE ... + COMMIT."""
    from django.utils import timezone

    from vzhg.mail.models import OutgoingMail

    rows = list(
        OutgoingMail.objects.bulk_create(
            [
                OutgoingMail(to=f"w{i}@example.org", subject="w", body_text="w", status="sending")
                for i in range(samples)
            ]
        )
    )
    times = []
    for row in rows:
        t0 = time.perf_counter()
        OutgoingMail.objects.filter(pk=row.pk, status="sending").update(
            status="sent", sent_at=timezone.now(), error=""
        )
        times.append((time.perf_counter() - t0) * 1000)
    OutgoingMail.objects.filter(pk__in=[r.pk for r in rows]).delete()
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99) - 1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=600, help="messages per run (default 600)")
    parser.add_argument("--kills", type=int, default=8, help="SIGKILLs per run (default 8)")
    args = parser.parse_args()
    if services_or_exit("bench_kills") is None:
        return 2
    sink, controller, port, env = start_sink_and_django()
    from django.conf import settings
    from django.utils import timezone

    from newsletters.models import Delivery, Subscription
    from newsletters.services import editions as newsletter_editions
    from newsletters.services import sending as newsletter_sending
    from vzhg.mail import services as mail_services
    from vzhg.mail.models import OutgoingMail

    artifacts = Path(os.environ.get("VZHG_TEST_ARTIFACTS") or ROOT / "var" / "test-artifacts")
    artifacts.mkdir(parents=True, exist_ok=True)
    stamp = int(time.time())
    results = []

    # --- the outbox ---------------------------------------------------------------------------
    sink.reset()

    def outbox_start():
        for i in range(args.count):
            mail_services.mail_queue(
                to=f"kill{stamp}-{i:05d}@example.org", subject="Uitnodiging", text="Welkom."
            )

    def outbox_done():
        return not OutgoingMail.objects.filter(status__in=["queued", "sending"]).exists()

    killed, duplicates, reached = run(
        "outbox", env=env, log=artifacts / "bench-kills-outbox.log", kills=args.kills, start=outbox_start,
        done=outbox_done, sweep=mail_services.mail_sweep, sink=sink, total=args.count,
    )  # fmt: skip
    unknown_to = list(
        OutgoingMail.objects.filter(status="failed", error=mail_services.interrupted_reason()).values_list(
            "to", flat=True
        )
    )
    arrived = sum(1 for to in unknown_to if sink.recipients.get(to))
    unknown = f"{len(unknown_to)} ({arrived} arrived)"
    results.append(("outbox", args.count, killed, duplicates, reached, unknown))

    # --- a newsletter edition -----------------------------------------------------------------
    sink.reset()
    now = timezone.now()
    Subscription.objects.bulk_create(
        Subscription(
            email=f"nkill{stamp}-{i:05d}@example.org", status="confirmed", source="import", confirmed_at=now
        )
        for i in range(args.count)
    )  # fmt: skip
    newsletter = newsletter_editions.newsletter_create(
        title="Kill-editie", slug=f"kill-{stamp}", date=timezone.localdate()
    )

    def newsletter_done():
        return not Delivery.objects.filter(newsletter=newsletter, status__in=["queued", "sending"]).exists()

    killed, duplicates, reached = run(
        "newsletter", env=env, log=artifacts / "bench-kills-newsletter.log", kills=args.kills,
        start=lambda: newsletter_sending.newsletter_send(newsletter=newsletter), done=newsletter_done,
        sweep=lambda: newsletter_sending.newsletter_sweep(stalled_after=timedelta(seconds=2)),
        sink=sink, total=args.count,
    )  # fmt: skip
    unknown_to = list(
        Delivery.objects.filter(
            newsletter=newsletter, status="failed", error=mail_services.interrupted_reason()
        ).values_list("subscription__email", flat=True)
    )
    arrived = sum(1 for to in unknown_to if sink.recipients.get(to))
    unknown = f"{len(unknown_to)} ({arrived} arrived)"
    results.append(("newsletter", args.count, killed, duplicates, reached, unknown))
    controller.stop()

    median, p99 = window_ms()
    print(
        "Duplicates under repeated SIGKILLs of the worker "
        f"(MAIL_RESEND_INTERRUPTED={settings.MAIL_RESEND_INTERRUPTED})"
    )
    print(
        f"{'run':<12}{'messages':>10}{'kills':>7}{'reached':>9}{'duplicates':>12}{'rate':>9}{'unknown':>16}"
    )
    for label, count, killed, duplicates, reached, unknown in results:
        rate = duplicates / count * 100
        print(f"{label:<12}{count:>10}{killed:>7}{reached:>9}{duplicates:>12}{rate:>8.2f}%{unknown:>16}")
    print(
        f"duplicate window (relay's 250 → its commit: one UPDATE+COMMIT on PostgreSQL): "
        f"median {median:.2f} ms, p99 {p99:.2f} ms"
    )
    print(
        "unknown: rows (outbox) and deliveries (newsletter) interrupted while sending, failed with "
        "'may or may not have arrived' (resendable)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
