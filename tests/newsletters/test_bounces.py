"""The newsletter and the bounce mailbox (a real Dovecot, tests/fixtures/imap_server.py): each
delivery's envelope sender names it, a bounce makes the address undeliverable and the next
edition skips it (and says so), and the mailto: of List-Unsubscribe unsubscribes."""

from __future__ import annotations

import re

import pytest
from django.core import mail as django_mail
from django.urls import reverse

from newsletters.models import Delivery, Subscription
from newsletters.services import sending
from newsletters.services.batches import newsletter_send_batch
from tests.mail import bounce_samples as samples
from tests.newsletters.conftest import NewsletterFactory, SubscriptionFactory
from tests.newsletters.test_admin import _inline_management
from vzhg.mail import tasks
from vzhg.mail.models import BouncedAddress
from vzhg.mail.verp import verp_address

pytestmark = pytest.mark.django_db


def _send_edition(django_capture_on_commit_callbacks):
    django_mail.outbox.clear()
    newsletter = NewsletterFactory()
    with django_capture_on_commit_callbacks(execute=True):
        created = sending.newsletter_send(newsletter=newsletter)
    return newsletter, created


def _mailto(message) -> str:
    return re.search(r"<mailto:([^?>]+)\?subject=unsubscribe>", message.extra_headers["List-Unsubscribe"])[1]


def test_each_delivery_names_itself_in_its_envelope_and_its_subscription_in_the_mailto(
    bounce_mailbox, django_capture_on_commit_callbacks
):
    subscription = SubscriptionFactory(email="lezer@gemeente-voorbeeld.nl")
    _send_edition(django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get(subscription=subscription)
    (message,) = django_mail.outbox
    assert message.from_email == verp_address(kind="d", pk=delivery.pk)
    assert message.message()["From"] == "VZHG <secretariaat@vzhg.nl>"
    assert _mailto(message) == verp_address(kind="u", pk=subscription.pk)


def test_without_a_bounce_address_the_mailto_is_the_secretariat(settings, django_capture_on_commit_callbacks):
    settings.MAIL_BOUNCE_ADDRESS = ""
    SubscriptionFactory()
    _send_edition(django_capture_on_commit_callbacks)
    (message,) = django_mail.outbox
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert _mailto(message) == "secretariaat@vzhg.nl"


def test_a_bounced_reader_is_skipped_by_the_next_edition_and_the_sender_is_told(
    bounce_mailbox, django_capture_on_commit_callbacks, secretariat, client
):
    gone = SubscriptionFactory(email="vertrokken@gemeente-voorbeeld.nl")
    SubscriptionFactory(email="blijft@gemeente-voorbeeld.nl")
    _send_edition(django_capture_on_commit_callbacks)
    envelope = next(m.from_email for m in django_mail.outbox if m.to == [gone.email])
    bounce_mailbox.append(samples.exchange_online_not_found(envelope=envelope, recipient=gone.email))

    assert tasks.mail_bounces_read()["bounce"] == 1
    assert BouncedAddress.objects.get(email=gone.email).undeliverable

    django_mail.outbox.clear()
    newsletter = NewsletterFactory()
    form = {"title": newsletter.title, "slug": newsletter.slug, "date": newsletter.date.isoformat()}
    sections = list(newsletter.sections.all())
    form.update(_inline_management("sections", total=len(sections), initial=len(sections)))
    for index, section in enumerate(sections):
        prefix = f"sections-{index}-"
        form.update({f"{prefix}id": section.pk, f"{prefix}newsletter": newsletter.pk,
                     f"{prefix}title": section.title, f"{prefix}order": section.order})  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:newsletters_newsletter_change", args=[newsletter.pk]),
            {**form, "intro": newsletter.intro, "_send_now": "1"},
            follow=True,
        )
    shown = [str(m) for m in response.context["messages"]]
    assert "Sending has started to 1 subscriber." in shown
    assert "1 subscriber was skipped: the address is undeliverable (bounced)." in shown
    assert [m.to for m in django_mail.outbox] == [["blijft@gemeente-voorbeeld.nl"]]
    gone.refresh_from_db()
    assert gone.status == Subscription.Status.CONFIRMED  # the subscription itself is untouched


def test_a_delivery_queued_before_its_address_bounced_is_not_sent(settings):
    settings.MAIL_BOUNCE_ADDRESS = "bounces@vzhg.nl"
    subscription = SubscriptionFactory(email="later-weg@gemeente-voorbeeld.nl")
    newsletter = NewsletterFactory()
    sending.newsletter_send(newsletter=newsletter)  # queued; the batch has not run (no on_commit)
    BouncedAddress.objects.create(
        email=subscription.email, hard_bounces=1, undeliverable_since="2026-11-29T10:00:00Z", reason="5.1.1"
    )
    django_mail.outbox.clear()
    newsletter_send_batch(newsletter_id=newsletter.pk)
    delivery = Delivery.objects.get(subscription=subscription)
    assert delivery.status == Delivery.Status.FAILED
    assert "undeliverable" in delivery.error
    assert django_mail.outbox == []


def test_the_mailto_unsubscribe_arrives_in_the_mailbox_and_is_processed(
    bounce_mailbox, django_capture_on_commit_callbacks
):
    subscription = SubscriptionFactory(email="stopt@gemeente-voorbeeld.nl")
    other = SubscriptionFactory(email="leest-door@gemeente-voorbeeld.nl")
    _send_edition(django_capture_on_commit_callbacks)
    message = next(m for m in django_mail.outbox if m.to == [subscription.email])
    bounce_mailbox.append(samples.unsubscribe_request(to=_mailto(message), sender=subscription.email))

    assert tasks.mail_bounces_read()["unsubscribe"] == 1

    subscription.refresh_from_db()
    other.refresh_from_db()
    assert subscription.status == Subscription.Status.UNSUBSCRIBED
    assert other.status == Subscription.Status.CONFIRMED
    assert subscription.history.first().history_change_reason == "unsubscribed by mail (List-Unsubscribe)"
    assert bounce_mailbox.messages() == []
    assert not BouncedAddress.objects.exists()
