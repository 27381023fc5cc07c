"""The sending promises, proven with the real services: PostgreSQL, Redis, a Celery worker
process and an SMTP sink on loopback (tests/conftest.py). Run with `bash scripts/test
tests/newsletters`.

- An edition to 2,000 subscriptions reaches the sink exactly once per address, also when send
  is pressed twice, and when the worker is killed halfway and started again.
- The received mail is read as a mail client reads it: multipart/alternative with both parts,
  the List-Unsubscribe headers, unsubscribe and web-version links that work, no resource from
  elsewhere; a permanent refusal marks the address bounced and the next edition skips it.
"""

import re
import threading
from collections import Counter
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from newsletters.models import Delivery, Newsletter, Subscription
from newsletters.services import sending

from .conftest import NewsletterFactory, SubscriptionFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

COUNT = 2000


def _subscribers(count: int) -> set[str]:
    now = timezone.now()
    Subscription.objects.bulk_create(
        [
            Subscription(
                email=f"lezer{n:05d}@example.org", status="confirmed", source="import", confirmed_at=now
            )
            for n in range(count)
        ]
    )
    return {f"lezer{n:05d}@example.org" for n in range(count)}


def _assert_exactly_once(sink, expected: set[str]) -> None:
    received = Counter(recipient for mail in sink.messages for recipient in mail.recipients)
    twice = {address: n for address, n in received.items() if n > 1}
    assert not twice, f"{len(twice)} addresses got the edition more than once, e.g. {list(twice.items())[:3]}"
    assert set(received) == expected


def _wait_finished(newsletter, worker, timeout=120):
    worker.wait_idle(timeout=timeout)
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.SENT
    assert not newsletter.deliveries.exclude(status=Delivery.Status.SENT).exists()


def test_two_thousand_subscribers_exactly_once_when_send_is_pressed_twice(celery_worker_process, smtp_sink):
    expected = _subscribers(COUNT)
    newsletter = NewsletterFactory()

    # Two clicks at the same moment (two requests), and a third one a little later.
    results = []

    def click():
        results.append(sending.newsletter_send(newsletter=newsletter))
        connection.close()

    clicks = [threading.Thread(target=click) for _ in range(2)]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join()
    results.append(sending.newsletter_send(newsletter=newsletter))

    assert sorted(results) == [0, 0, COUNT]
    # Extra batch tasks for the same edition (a task retried, the sweep firing early): the
    # worker's two processes now send it side by side; the row locks keep them apart.
    for _ in range(3):
        assert sending.newsletter_dispatch(newsletter_id=newsletter.pk)
    smtp_sink.wait_for(COUNT, timeout=180)
    _wait_finished(newsletter, celery_worker_process)
    assert len(smtp_sink.messages) == COUNT
    _assert_exactly_once(smtp_sink, expected)


def test_a_worker_killed_halfway_resumes_where_it_stopped(celery_worker_process, smtp_sink, settings):
    expected = _subscribers(COUNT)
    newsletter = NewsletterFactory()
    halfway = COUNT // 2 - 123
    # The sink keeps `halfway` messages, then holds the next one in DATA (not kept) so the
    # worker is killed while it is in the middle of a delivery, holding its row lock.
    smtp_sink.hold(after=halfway)

    sending.newsletter_send(newsletter=newsletter)
    smtp_sink.wait_for(halfway, timeout=120)
    from tests.conftest import wait_until

    wait_until(lambda: smtp_sink.held >= 1, timeout=30, what="the worker to be in the middle of a delivery")

    # With two pool processes, the other one may have had its last message accepted and not yet
    # committed: kill only once every accepted message is recorded as sent, so that no message is
    # half delivered (a crash between the relay's 250 and the commit is the one case no sender
    # can make exactly-once).
    # The worker's SMTP timeout (10 s) may cut a held DATA off on a slow machine; the delivery then
    # goes back to the queue and the next one is held. So check all three at one moment, just
    # before the kill: a message is held, its delivery is committed "sending", and every accepted
    # message is recorded as sent.
    def _killable() -> bool:
        deliveries = newsletter.deliveries
        return (
            smtp_sink.held >= 1
            and deliveries.filter(status=Delivery.Status.SENDING).exists()
            and deliveries.filter(status=Delivery.Status.SENT).count() == len(smtp_sink.messages)
        )

    wait_until(_killable, timeout=60, what="a delivery held in DATA and every accepted message recorded")
    celery_worker_process.kill()
    smtp_sink.release()

    assert len(smtp_sink.messages) == halfway
    # What the database knows: everything kept by the sink is marked sent; the delivery that was
    # cut off in DATA was committed "sending" before DATA (nobody can know whether the relay kept
    # it); the rest is plainly queued.
    assert newsletter.deliveries.filter(status=Delivery.Status.SENT).count() == halfway
    in_flight = list(newsletter.deliveries.filter(status=Delivery.Status.SENDING))
    # Normally one or two (one per pool process). None when the relay connection of the held
    # delivery gave up first on a slow machine and put it back in the queue: then nothing was in
    # flight, and the rest of the test proves the resume alone (the worker's SMTP timeout is 60 s
    # in the test worker so that this is rare).
    assert len(in_flight) <= 2
    assert newsletter.deliveries.filter(status=Delivery.Status.QUEUED).count() == COUNT - halfway - len(
        in_flight
    )
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.SENDING

    celery_worker_process.restart()
    # What Celery beat does every 15 s once the edition has been quiet for a while.
    assert sending.newsletter_sweep(stalled_after=timezone.timedelta(0))["resumed"] == 1

    smtp_sink.wait_for(COUNT - len(in_flight), timeout=180)
    celery_worker_process.wait_idle(timeout=120)
    # The edition waits for the deliveries in flight: not sent again by themselves
    # (MAIL_RESEND_INTERRUPTED=False), the sweep marks them failed "may or may not have arrived".
    newsletter.refresh_from_db()
    assert newsletter.status == (Newsletter.Status.SENDING if in_flight else Newsletter.Status.SENT)
    later = timezone.now() + timezone.timedelta(seconds=settings.MAIL_SENDING_STALE_SECONDS + 1)
    assert sending.deliveries_interrupted_settle(now=later) == len(in_flight)
    assert sending.newsletter_sweep(stalled_after=timezone.timedelta(0)) == {"started": 0, "resumed": 0}
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.SENT
    failed = list(newsletter.deliveries.filter(status=Delivery.Status.FAILED))
    assert {d.pk for d in failed} == {d.pk for d in in_flight}
    assert all("may or may not have arrived" in d.error for d in failed)
    # The secretariat resends them (the button "Resend the failed deliveries"): once each.
    assert sending.newsletter_failed_resend(newsletter=newsletter) == len(in_flight)
    assert sending.newsletter_failed_resend(newsletter=newsletter) == 0
    smtp_sink.wait_for(COUNT, timeout=60)
    _wait_finished(newsletter, celery_worker_process)
    assert len(smtp_sink.messages) == COUNT
    _assert_exactly_once(smtp_sink, expected)
    # A later sweep finds nothing to do, and nothing more arrives.
    assert sending.newsletter_sweep(stalled_after=timezone.timedelta(0)) == {"started": 0, "resumed": 0}
    celery_worker_process.wait_idle()
    assert len(smtp_sink.messages) == COUNT


def test_redis_killed_and_restarted_during_a_send_every_address_once(
    celery_worker_process, smtp_sink, redis_server
):
    from tests.conftest import play_beat_until
    from vzhg.mail.services import mail_sweep

    expected = _subscribers(600)
    newsletter = NewsletterFactory()
    smtp_sink.delay = 0.01  # the edition takes some seconds: Redis crashes in the middle of it

    sending.newsletter_send(newsletter=newsletter)
    smtp_sink.wait_for(100, timeout=60)
    # Redis crashes (no save: every message it held is gone, acknowledged or not) and comes back.
    redis_server.stop()
    redis_server.start()
    assert len(smtp_sink.messages) < COUNT

    def beat():
        mail_sweep()
        sending.newsletter_sweep(stalled_after=timezone.timedelta(seconds=2))

    exits = play_beat_until(
        celery_worker_process, beat,
        lambda: not newsletter.deliveries.filter(status__in=["queued", "sending"]).exists(),
        what="every delivery of the edition to be settled",
    )  # fmt: skip
    celery_worker_process.wait_ready()
    celery_worker_process.wait_idle(timeout=60)
    beat()
    celery_worker_process.wait_idle(timeout=60)
    _wait_finished(newsletter, celery_worker_process)
    assert len(smtp_sink.messages) == len(expected), f"worker exits on its own: {exits}"
    _assert_exactly_once(smtp_sink, expected)


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_the_mail_as_a_mail_client_sees_it(celery_worker_process, smtp_sink, settings):
    reader = SubscriptionFactory(email="anna@example.org")
    SubscriptionFactory(email="bounce-me@example.org")  # the sink refuses it with 550
    SubscriptionFactory(email="nog-niet@example.org", status=Subscription.Status.PENDING, confirmed_at=None)
    newsletter = NewsletterFactory(
        intro="Beste lezer,\n\n<script>alert('x')</script>Welkom bij **deze** editie."
    )

    sending.newsletter_send(newsletter=newsletter)
    [received] = smtp_sink.wait_for(1)
    _wait_finished_or_failed(newsletter, celery_worker_process)

    assert len(smtp_sink.messages) == 1 and received.recipients == ["anna@example.org"]
    message = received.message
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
    html = message.get_body(preferencelist=("html",)).get_content()
    text = received.text
    assert "Welkom bij" in text and "<strong>deze</strong>" in html
    assert "<script" not in html and "alert(" not in html and "alert(" not in text

    # No resource a mail client or the CSP would fetch from elsewhere.
    site = settings.SITE_URL.rstrip("/")
    assert not re.search(r"<(script|link|iframe|object|embed|style)\b", html, re.I)
    assert all(src.startswith(site + "/") for src in re.findall(r'\bsrc="([^"]*)"', html))
    assert "url(" not in html

    # RFC 2369 / RFC 8058 headers.
    unsubscribe_url = re.search(
        r"<(https?://[^>]+/nieuwsbrief/afmelden/[^>]+/)>", message["List-Unsubscribe"]
    ).group(1)
    assert "<mailto:" in message["List-Unsubscribe"] and "subject=unsubscribe" in message["List-Unsubscribe"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe_url in html and unsubscribe_url in text

    # The web-version link opens the edition.
    web_url = re.search(r'href="([^"]+/nieuwsbrief/[^/"]+/)"', html).group(1)
    page = Client().get(_path(web_url))
    assert page.status_code == 200 and newsletter.title in page.content.decode()

    # One click from the mail client (no cookie, no CSRF token) unsubscribes at once.
    response = Client(enforce_csrf_checks=True).post(
        _path(unsubscribe_url), "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    reader.refresh_from_db()
    assert reader.status == Subscription.Status.UNSUBSCRIBED

    # The refused address is marked bounced, visible to staff, and skipped next time.
    bounced = Subscription.objects.get(email="bounce-me@example.org")
    assert bounced.bounced_at is not None and "550" in bounced.bounce_reason
    failed = Delivery.objects.get(subscription=bounced)
    assert failed.status == Delivery.Status.FAILED and "550" in failed.error
    assert sending.newsletter_send(newsletter=NewsletterFactory()) == 0
    celery_worker_process.wait_idle()
    assert len(smtp_sink.messages) == 1


def _wait_finished_or_failed(newsletter, worker):
    worker.wait_idle(timeout=60)
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.SENT
    assert not newsletter.deliveries.filter(status=Delivery.Status.QUEUED).exists()
