"""Invitation benchmark: invitations per second from `invitation_send` through Redis and a real
Celery worker into an SMTP sink on loopback, beside the ceiling measured in the same run: raw
smtplib into the same sink with the same number of parallel senders, each over one connection
(as the outbox sends a batch), so the ratio shows what the outbox, the database and Celery cost.
Raw smtplib with a connection per message (how the outbox sent before it sent in batches) is
printed too, and the worker's peak memory (VmHWM of the worker and its pool processes).

Needs PostgreSQL and Redis: run it through scripts/test, which starts both and exports
DATABASE_URL and REDIS_URL (scripts/bench, `make bench`, does that):

    bash scripts/test --run .venv/bin/python tests/bench/bench_invitations.py [--count 2000] [--concurrency 4]

The script migrates the database it is given, starts the SMTP sink and a `celery worker` itself
and stops them again. Output is for people reading it; nothing here asserts a timing.
"""

import argparse
import os
import smtplib
import subprocess
import sys
import threading
import time
from email.message import EmailMessage
from pathlib import Path

from _mail_bench import HOST, ROOT, peak_memory_kib, services_or_exit, start_sink_and_django, start_worker


def raw_smtplib(port: int, messages: list[EmailMessage], concurrency: int, *, reuse: bool) -> None:
    """The same messages straight into the sink, N threads: each over one connection (`reuse`,
    the ceiling) or a connection per message."""
    chunks = [messages[i::concurrency] for i in range(concurrency)]

    def send(chunk: list[EmailMessage]) -> None:
        if reuse:
            with smtplib.SMTP(HOST, port, timeout=30) as smtp:
                for message in chunk:
                    smtp.send_message(message)
            return
        for message in chunk:
            with smtplib.SMTP(HOST, port, timeout=30) as smtp:
                smtp.send_message(message)

    threads = [threading.Thread(target=send, args=(chunk,)) for chunk in chunks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000, help="invitations to send (default 2000)")
    parser.add_argument(
        "--concurrency", type=int, default=4, help="worker processes and raw senders (default 4)"
    )
    args = parser.parse_args()
    if not 1 <= args.count <= 50_000 or not 1 <= args.concurrency <= 32:
        parser.error("--count must be 1..50000 and --concurrency 1..32")

    if services_or_exit("bench_invitations") is None:
        return 2
    sink, controller, port, env = start_sink_and_django()

    from events import invitations
    from events.models import Event
    from members.models import Organisation, Person
    from vzhg.mail.models import OutgoingMail
    from vzhg.mail.services import _build_message

    # A fresh event and `count` fictional people in one made-up municipality.
    stamp = int(time.time())
    organisation = Organisation.objects.create(
        name=f"Benchgemeente {stamp}", kind=Organisation.Kind.MUNICIPALITY
    )
    Person.objects.bulk_create(
        Person(first_name=f"Deelnemer{i:05d}", last_name="Bench", email=f"bench{stamp}-{i:05d}@example.org",
               organisation=organisation)
        for i in range(args.count)
    )  # fmt: skip
    people = list(Person.objects.filter(organisation=organisation))
    from datetime import timedelta

    from django.utils import timezone

    starts = timezone.now() + timedelta(days=30)
    event = Event.objects.create(
        title="Benchmark-najaarscongres",
        slug=f"bench-{stamp}",
        starts_at=starts,
        ends_at=starts + timedelta(hours=4),
        status=Event.Status.PUBLISHED,
        venue_name="Stadhuis",
    )

    # The ceiling: the very messages the outbox would send, built the same way, sent raw.
    rendered = invitations.invitation_mail_render(event=event, person=people[0])
    template = OutgoingMail(
        to="x@example.org", subject=rendered.subject, body_text=rendered.text, body_html=rendered.html
    )
    raw_messages = []
    for person in people:
        template.to = person.email
        raw_messages.append(_build_message(template).message())
    sink.reset()
    t0 = time.perf_counter()
    raw_smtplib(port, raw_messages, args.concurrency, reuse=False)
    per_message_seconds = sink.wait_for(args.count, timeout=600) - t0
    sink.reset()
    t0 = time.perf_counter()
    raw_smtplib(port, raw_messages, args.concurrency, reuse=True)
    raw_seconds = sink.wait_for(args.count, timeout=600) - t0
    sink.reset()
    del raw_messages

    # The request records one mailing; the worker prepares the outbox rows in batches and sends them.
    log = (
        Path(os.environ.get("VZHG_TEST_ARTIFACTS") or ROOT / "var" / "test-artifacts")
        / "bench-invitations-worker.log"
    )
    log.parent.mkdir(parents=True, exist_ok=True)
    worker = start_worker(env, args.concurrency, log)
    peaks: dict[int, int] = {}
    try:
        from vzhg.celery import app

        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=0.5):
            if worker.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"bench: the Celery worker did not start; see {log}")
        t0 = time.perf_counter()
        result = invitations.invitation_send(event=event, people=people, actor=None)
        queued = time.perf_counter() - t0
        outbox_seconds = sink.wait_for(args.count, timeout=1800) - t0
        time.sleep(0.5)
        peaks = peak_memory_kib(worker.pid)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, 9)
        controller.stop()

    distinct = len(sink.recipients)
    sent = OutgoingMail.objects.filter(
        kind="events.invitation", to__startswith=f"bench{stamp}-", status="sent"
    ).count()
    print(
        f"Invitations: {args.count} people, {args.concurrency} worker processes / raw senders, "
        f"SMTP sink on {HOST}"
    )
    print(f"  {'':34} {'messages/s':>11} {'seconds':>8}")
    print(f"  {'raw smtplib, a connection per message':40} {args.count / per_message_seconds:11.1f} "
          f"{per_message_seconds:8.2f}")  # fmt: skip
    reuse = "raw smtplib, a connection per sender"
    print(f"  {reuse:40} {args.count / raw_seconds:11.1f} {raw_seconds:8.2f}")
    outbox_rate = args.count / outbox_seconds
    print(f"  {'invitation_send + Celery + outbox':40} {outbox_rate:11.1f} {outbox_seconds:8.2f}")
    print(f"  of which the request recording the send to {result.created} people: {queued:.2f} s")
    print(f"  ratio outbox / ceiling: {raw_seconds / outbox_seconds:.2f} "
          f"(ceiling: raw smtplib, a connection per sender, as the outbox sends a batch; "
          f"against a connection per message: {per_message_seconds / outbox_seconds:.2f})")  # fmt: skip
    if peaks:
        print(
            f"  worker peak memory (VmHWM): largest process {max(peaks.values()) / 1024:.0f} MiB, "
            f"all {len(peaks)} processes {sum(peaks.values()) / 1024:.0f} MiB"
        )
    print(f"  delivered {sink.count} messages to {distinct} distinct recipients; {sent} rows marked sent")
    return 0 if sink.count == distinct == args.count else 1


if __name__ == "__main__":
    sys.exit(main())
