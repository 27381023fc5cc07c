"""Newsletter benchmark: deliveries per second of one edition to 5,000 subscriptions, from
`newsletter_send` through Redis and a real Celery worker into an SMTP sink on loopback, beside
the ceiling measured in the same run: the very same messages (rendered per reader, as the
worker renders them) sent with raw smtplib over one connection into the same sink, as one
batch chain does. Also the worker's peak memory (VmHWM of the worker and its pool processes).

Needs PostgreSQL and Redis: run it through scripts/test, which starts both and exports
DATABASE_URL and REDIS_URL (scripts/bench, `make bench`, does that):

    bash scripts/test --run .venv/bin/python tests/bench/bench_newsletters.py [--count 5000]

No relay limits apply here (the test settings set NEWSLETTER_RATE_PER_MINUTE and
NEWSLETTER_HOURLY_CAP to 0): the figure is what the machinery costs, not what a relay allows.
Output is for people reading it; nothing here asserts a timing.
"""

import argparse
import os
import smtplib
import subprocess
import sys
import time
from pathlib import Path

from _mail_bench import HOST, ROOT, peak_memory_kib, services_or_exit, start_sink_and_django, start_worker


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000, help="subscriptions (default 5000)")
    args = parser.parse_args()
    if not 1 <= args.count <= 100_000:
        parser.error("--count must be 1..100000")

    if services_or_exit("bench_newsletters") is None:
        return 2
    sink, controller, port, env = start_sink_and_django()
    from django.conf import settings
    from django.utils import timezone

    from newsletters import selectors
    from newsletters.models import Delivery, Item, Newsletter, Subscription
    from newsletters.rendering import edition_render, mail_render
    from newsletters.services import batches, editions, sending

    stamp = int(time.time())
    now = timezone.now()
    Subscription.objects.bulk_create(
        Subscription(
            email=f"bench{stamp}-{i:05d}@example.org", status="confirmed", source="import", confirmed_at=now
        )
        for i in range(args.count)
    )  # fmt: skip
    newsletter = editions.newsletter_create(
        title="Benchmark-nieuwsbrief", slug=f"bench-{stamp}", date=timezone.localdate(),
        intro="Beste lezer,\n\nDit is een **benchmark**-editie met een paar berichten.",
    )  # fmt: skip
    for section in newsletter.sections.all():
        for number in range(3):
            Item.objects.create(
                section=section, order=number, title=f"{section.title}: bericht {number}",
                text=(
                    "Een alinea tekst met een [link](https://vng.nl) en wat *nadruk*.\n\n"
                    "- punt een\n- punt twee"
                ),
                link="https://www.zuid-holland.nl",
            )  # fmt: skip

    # The ceiling: the same messages (rendered per reader) over one raw smtplib connection.
    full = selectors.newsletter_full(Newsletter.objects.filter(pk=newsletter.pk)).get()
    edition = edition_render(newsletter=full)
    subscriptions = list(Subscription.objects.filter(email__startswith=f"bench{stamp}-"))
    raw = []
    for subscription in subscriptions:
        mail = mail_render(edition=edition, subscription=subscription)
        raw.append(batches._message(mail, subscription.email, None).message())
    sink.reset()
    t0 = time.perf_counter()
    with smtplib.SMTP(HOST, port, timeout=30) as smtp:
        for message, subscription in zip(raw, subscriptions, strict=True):
            smtp.sendmail(settings.DEFAULT_FROM_EMAIL, [subscription.email], message.as_bytes(linesep="\r\n"))
    raw_seconds = sink.wait_for(args.count, timeout=600) - t0
    sink.reset()
    del raw

    log = (
        Path(os.environ.get("VZHG_TEST_ARTIFACTS") or ROOT / "var" / "test-artifacts")
        / "bench-newsletters-worker.log"
    )
    log.parent.mkdir(parents=True, exist_ok=True)
    worker = start_worker(env, 2, log)
    peaks: dict[int, int] = {}
    try:
        from vzhg.celery import app

        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=0.5):
            if worker.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"bench: the Celery worker did not start; see {log}")
        t0 = time.perf_counter()
        created = sending.newsletter_send(newsletter=newsletter)
        queued = time.perf_counter() - t0
        sent_seconds = sink.wait_for(args.count, timeout=1800) - t0
        time.sleep(0.5)
        peaks = peak_memory_kib(worker.pid)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, 9)
        controller.stop()

    twice = sum(1 for n in sink.recipients.values() if n > 1)
    marked = Delivery.objects.filter(newsletter=newsletter, status="sent").count()
    print(
        f"Newsletter: one edition to {args.count} subscriptions, "
        f"batches of {settings.NEWSLETTER_BATCH_SIZE}, SMTP sink on {HOST}"
    )
    print(f"  {'':40} {'messages/s':>11} {'seconds':>8}")
    print(
        f"  {'raw smtplib, one connection (ceiling)':40} {args.count / raw_seconds:11.1f} {raw_seconds:8.2f}"
    )
    print(f"  {'newsletter_send + Celery batches':40} {args.count / sent_seconds:11.1f} {sent_seconds:8.2f}")
    print(f"  of which queuing {created} deliveries in one transaction: {queued:.2f} s")
    print(f"  ratio newsletter / ceiling: {raw_seconds / sent_seconds:.2f}")
    if peaks:
        print(
            f"  worker peak memory (VmHWM): largest process {max(peaks.values()) / 1024:.0f} MiB, "
            f"all {len(peaks)} processes {sum(peaks.values()) / 1024:.0f} MiB"
        )
    print(f"  delivered {sink.count} messages to {len(sink.recipients)} distinct recipients "
          f"({twice} more than once); {marked} deliveries marked sent")  # fmt: skip
    return 0 if sink.count == len(sink.recipients) == args.count and not twice else 1


if __name__ == "__main__":
    sys.exit(main())
