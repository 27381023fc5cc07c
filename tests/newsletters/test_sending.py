"""Sending on the test settings: tasks inline, mail in memory. The promises with a real worker,
Redis and an SMTP sink are in test_delivery.py."""

import datetime

import pytest
from django.core import mail as django_mail
from django.utils import timezone

from newsletters.models import Delivery, Newsletter, Subscription
from newsletters.services import batches, editions, sending, subscriptions
from newsletters.tasks import newsletter_sweep
from tests.factories import MemberFactory
from vzhg.errors import ServiceError

from .conftest import NewsletterFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db


def _newsletters():
    return [m for m in django_mail.outbox if "List-Unsubscribe" in m.extra_headers]


def test_send_reaches_confirmed_subscribers_only_and_once(django_capture_on_commit_callbacks):
    newsletter = NewsletterFactory()
    confirmed = SubscriptionFactory.create_batch(3)
    SubscriptionFactory(status=Subscription.Status.PENDING, confirmed_at=None)
    SubscriptionFactory(status=Subscription.Status.UNSUBSCRIBED)
    SubscriptionFactory(bounced_at=timezone.now(), bounce_reason="550 no such user")

    with django_capture_on_commit_callbacks(execute=True):
        created = sending.newsletter_send(newsletter=newsletter)
    with django_capture_on_commit_callbacks(execute=True):
        again = sending.newsletter_send(newsletter=newsletter)  # the second click

    assert (created, again) == (3, 0)
    sent = _newsletters()
    assert sorted(m.to[0] for m in sent) == sorted(s.email for s in confirmed)
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.SENT and newsletter.sent_at is not None
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    message = sent[0]
    assert message.alternatives[0][1] == "text/html"
    assert message.subject == newsletter.title


def test_personal_greeting_uses_the_persons_first_name(django_capture_on_commit_callbacks):
    person = MemberFactory(first_name="Fatima")
    SubscriptionFactory(email=person.email, person=person)
    with django_capture_on_commit_callbacks(execute=True):
        sending.newsletter_send(newsletter=NewsletterFactory())

    [message] = _newsletters()
    assert "Dear Fatima," in message.body


def test_someone_who_unsubscribes_while_an_edition_is_queued_gets_nothing():
    newsletter = NewsletterFactory()
    stays, leaves = SubscriptionFactory.create_batch(2)
    # Queued without running the batches (they start after commit, which is not run here).
    sending.newsletter_send(newsletter=newsletter)
    subscriptions.subscription_unsubscribe(subscription=leaves)

    batches.newsletter_send_batch(newsletter_id=newsletter.pk)

    assert [m.to[0] for m in _newsletters()] == [stays.email]
    skipped = Delivery.objects.get(subscription=leaves)
    assert skipped.status == "failed" and "ended" in skipped.error


def test_hourly_cap_over_a_sliding_window(settings):
    settings.NEWSLETTER_HOURLY_CAP = 5
    settings.NEWSLETTER_RATE_PER_MINUTE = 0
    earlier = NewsletterFactory(status=Newsletter.Status.SENT)
    now = timezone.now()
    # Three messages went out 50 minutes ago; one 70 minutes ago (outside the window).
    for minutes in (50, 50, 50, 70):
        delivery = Delivery.objects.create(
            newsletter=earlier, subscription=SubscriptionFactory(status=Subscription.Status.UNSUBSCRIBED),
            status=Delivery.Status.SENT,
        )  # fmt: skip
        Delivery.objects.filter(pk=delivery.pk).update(sent_at=now - datetime.timedelta(minutes=minutes))
    newsletter = NewsletterFactory()
    SubscriptionFactory.create_batch(4)
    sending.newsletter_send(newsletter=newsletter)

    first = batches.newsletter_send_batch(newsletter_id=newsletter.pk)
    second = batches.newsletter_send_batch(newsletter_id=newsletter.pk)

    assert (first.sent, first.remaining) == (2, 2)  # 3 in the window + 2 = the cap of 5
    assert second.sent == 0 and second.remaining == 2
    # The window frees a place when the oldest of the three leaves it, about 10 minutes from now.
    assert 9 * 60 < second.retry_in < 11 * 60
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.SENDING
    assert newsletter.progress_at > timezone.now() + datetime.timedelta(minutes=9)


def test_rate_per_minute_limits_a_batch(settings):
    settings.NEWSLETTER_RATE_PER_MINUTE = 600  # 0.1 s apart
    settings.NEWSLETTER_HOURLY_CAP = 0
    settings.NEWSLETTER_BATCH_SIZE = 100
    newsletter = NewsletterFactory()
    SubscriptionFactory.create_batch(4)
    sending.newsletter_send(newsletter=newsletter)

    started = datetime.datetime.now()
    result = batches.newsletter_send_batch(newsletter_id=newsletter.pk)
    elapsed = (datetime.datetime.now() - started).total_seconds()

    assert result.sent == 4
    assert elapsed >= 0.3  # four messages paced 0.1 s apart


def test_scheduled_edition_is_sent_by_the_sweep(django_capture_on_commit_callbacks):
    newsletter = NewsletterFactory()
    SubscriptionFactory.create_batch(2)
    editions.newsletter_schedule(newsletter=newsletter, when=timezone.now() + datetime.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        newsletter_sweep()
    assert _newsletters() == []

    Newsletter.objects.filter(pk=newsletter.pk).update(
        scheduled_for=timezone.now() - datetime.timedelta(minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        newsletter_sweep()

    assert len(_newsletters()) == 2
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.SENT


def test_scheduling_in_the_past_is_refused():
    newsletter = NewsletterFactory()
    with pytest.raises(ServiceError):
        editions.newsletter_schedule(newsletter=newsletter, when=timezone.now() - datetime.timedelta(hours=1))
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.CONCEPT


def test_sweep_resumes_a_stalled_send(django_capture_on_commit_callbacks):
    newsletter = NewsletterFactory()
    SubscriptionFactory.create_batch(3)
    sending.newsletter_send(newsletter=newsletter)  # the batches were never started (worker lost)
    assert _newsletters() == []

    with django_capture_on_commit_callbacks(execute=True):
        sending.newsletter_sweep(stalled_after=datetime.timedelta(0))

    assert len(_newsletters()) == 3
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.SENT


def test_a_newsletter_has_a_message_id_on_the_site_domain(settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://vzhg.example.nl"
    SubscriptionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        sending.newsletter_send(newsletter=NewsletterFactory())
    [message] = _newsletters()
    assert message.message()["Message-ID"].strip("<>").endswith("@vzhg.example.nl")


@pytest.mark.parametrize("resend", [False, True])
def test_a_delivery_a_killed_worker_left_sending_is_decided_by_the_setting(settings, resend):
    settings.MAIL_RESEND_INTERRUPTED = resend
    settings.MAIL_SENDING_STALE_SECONDS = 300
    newsletter = NewsletterFactory(status=Newsletter.Status.SENDING)
    started = timezone.now() - datetime.timedelta(seconds=301)
    interrupted = Delivery.objects.create(
        newsletter=newsletter, subscription=SubscriptionFactory(), status=Delivery.Status.SENDING,
        attempts=1, last_attempt_at=started,
    )  # fmt: skip
    recent = Delivery.objects.create(
        newsletter=newsletter, subscription=SubscriptionFactory(), status=Delivery.Status.SENDING,
        attempts=1, last_attempt_at=timezone.now(),
    )  # fmt: skip
    Delivery.objects.create(
        newsletter=newsletter, subscription=SubscriptionFactory(), status=Delivery.Status.SENT
    )

    # While a delivery may still be going out, the edition is not finished.
    assert not batches.newsletter_finish(newsletter_id=newsletter.pk)
    assert sending.deliveries_interrupted_settle() == 1

    interrupted.refresh_from_db()
    recent.refresh_from_db()
    assert recent.status == Delivery.Status.SENDING
    if resend:
        assert interrupted.status == Delivery.Status.QUEUED
    else:
        assert interrupted.status == Delivery.Status.FAILED
        assert "may or may not have arrived" in interrupted.error
        # The secretariat's button sends it again.
        assert sending.newsletter_failed_resend(newsletter=newsletter) == 1
        interrupted.refresh_from_db()
        assert interrupted.status == Delivery.Status.QUEUED


def test_a_delivery_is_committed_sending_before_the_relay_gets_it(settings, monkeypatch):
    """While the relay is taking the message the delivery is already recorded "sending"."""
    from django.core.mail.backends.locmem import EmailBackend

    newsletter = NewsletterFactory(status=Newsletter.Status.SENDING)
    delivery = Delivery.objects.create(newsletter=newsletter, subscription=SubscriptionFactory())
    seen = []
    original = EmailBackend.send_messages

    def send_messages(self, messages):
        seen.append(Delivery.objects.get(pk=delivery.pk).status)
        return original(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)
    result = batches.newsletter_send_batch(newsletter_id=newsletter.pk)

    assert seen == [Delivery.Status.SENDING]
    assert result.sent == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SENT, 1)
    assert delivery.last_attempt_at is not None
