"""The outbox and the newsletter send in batches over one SMTP connection, each row still at most
once, and the relay's immediate refusal of an address counts as a bounce of that address.

The senders talk to a scripted relay on loopback (tests/mail/relays.py) that refuses one address
at RCPT; tasks run inline."""

import pytest
from django.core import mail as django_mail

from newsletters.models import Delivery, Subscription
from newsletters.services import batches as newsletter_batches
from newsletters.services import sending as newsletter_sending
from tests.newsletters.conftest import NewsletterFactory, SubscriptionFactory
from vzhg.mail import services
from vzhg.mail.bounces import email_undeliverable
from vzhg.mail.models import Bounce, BouncedAddress, OutgoingMail

from .relays import ScriptedRelay

pytestmark = pytest.mark.django_db

GONE = "weg@gouda.nl"
REFUSAL = "550 5.1.1 Mailbox does not exist"


@pytest.fixture
def relay(settings):
    server = ScriptedRelay()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = "vzhg"
    settings.EMAIL_HOST_PASSWORD = "secret"
    settings.EMAIL_TIMEOUT = 5
    settings.MAIL_BOUNCE_HARD_LIMIT = 1
    yield server
    server.close()


def _outbox(addresses):
    return [OutgoingMail.objects.create(to=a, subject="Uitnodiging", body_text="Tekst") for a in addresses]


def test_an_outbox_batch_goes_over_one_connection_and_a_refused_address_does_not_break_it(relay):
    relay.script.refuse = {GONE: REFUSAL}
    addresses = ["anna@gouda.nl", GONE, "bram@delft.nl", "cor@leiden.nl"]
    mails = _outbox(addresses)

    results = services.mail_send_batch(mail_ids=[m.pk for m in mails])

    assert relay.connections == 1
    assert relay.accepted == ["anna@gouda.nl", "bram@delft.nl", "cor@leiden.nl"]
    statuses = dict(OutgoingMail.objects.values_list("to", "status"))
    assert statuses == {**dict.fromkeys(addresses, "sent"), GONE: "failed"}
    assert results[mails[1].pk] == OutgoingMail.Status.FAILED
    # Sent again (a redelivered task, the sweep): nothing goes out twice.
    assert set(services.mail_send_batch(mail_ids=[m.pk for m in mails]).values()) == {None}
    assert len(relay.accepted) == 3


def test_the_relays_5xx_refusal_at_rcpt_makes_the_address_undeliverable_for_the_outbox(relay):
    relay.script.refuse = {GONE: REFUSAL}
    [refused] = _outbox([GONE])

    services.mail_send(mail_id=refused.pk)

    address = BouncedAddress.objects.get(email=GONE)
    assert address.hard_bounces == 1 and address.undeliverable_since is not None
    assert "5.1.1" in address.reason
    bounce = address.bounces.get()
    assert (bounce.kind, bounce.status, bounce.about) == (Bounce.Kind.HARD, "5.1.1", f"m:{refused.pk}")
    # The next message to that address is skipped, as after a bounce read from the mailbox.
    [later] = _outbox([GONE])
    assert services.mail_send(mail_id=later.pk) == OutgoingMail.Status.FAILED
    assert relay.accepted == [] and email_undeliverable(GONE) is not None


def test_a_refusal_for_a_full_mailbox_counts_soft_as_a_bounce_report_would(relay, settings):
    settings.MAIL_BOUNCE_SOFT_LIMIT = 5
    relay.script.refuse = {GONE: "552 5.2.2 Mailbox full"}
    [refused] = _outbox([GONE])

    services.mail_send(mail_id=refused.pk)

    address = BouncedAddress.objects.get(email=GONE)
    assert (address.hard_bounces, address.soft_bounces, address.undeliverable_since) == (0, 1, None)


def test_a_newsletter_refused_at_rcpt_counts_as_a_hard_bounce_and_the_others_go_out(relay):
    newsletter = NewsletterFactory()
    readers = SubscriptionFactory.create_batch(3)
    gone = SubscriptionFactory(email=GONE)
    relay.script.refuse = {GONE: REFUSAL}
    newsletter_sending.newsletter_send(newsletter=newsletter)

    result = newsletter_batches.newsletter_send_batch(newsletter_id=newsletter.pk)

    assert relay.connections == 1
    assert sorted(relay.accepted) == sorted(r.email for r in readers)
    assert (result.sent, result.failed) == (3, 1)
    delivery = Delivery.objects.get(subscription=gone)
    assert delivery.status == Delivery.Status.FAILED and "5.1.1" in delivery.error
    assert Subscription.objects.get(pk=gone.pk).bounced_at is not None
    address = BouncedAddress.objects.get(email=GONE)
    assert address.undeliverable_since is not None
    assert address.bounces.get().about == f"d:{delivery.pk}"


def test_a_relay_failure_mid_batch_stops_it_and_the_rest_stays_queued(relay):
    mails = _outbox(["anna@gouda.nl", "bram@delft.nl", "cor@leiden.nl"])
    relay.script.data_end = "451 4.3.0 Local error, try again"

    services.mail_send_batch(mail_ids=[m.pk for m in mails])

    first, *rest = (OutgoingMail.objects.get(pk=m.pk) for m in mails)
    assert (first.status, first.attempts) == ("queued", 1) and "451" in first.error
    assert [(m.status, m.attempts) for m in rest] == [("queued", 0), ("queued", 0)]
    assert not BouncedAddress.objects.exists()


def test_dispatch_hands_the_rows_over_in_batches(settings, django_capture_on_commit_callbacks):
    settings.MAIL_BATCH_SIZE = 2
    django_mail.outbox = []
    mails = _outbox([f"lid{n}@gouda.nl" for n in range(5)])

    assert services.mail_dispatch(mail_ids=[m.pk for m in mails]) == 5  # eager tasks: 3 batches

    assert sorted(m.to[0] for m in django_mail.outbox) == sorted(m.to for m in mails)
    assert set(OutgoingMail.objects.values_list("status", flat=True)) == {"sent"}


def test_while_a_row_is_handed_over_every_earlier_row_is_sent_and_every_later_one_queued(monkeypatch):
    """The kill-test promise, row by row: at the moment the relay gets a row, that row alone is
    "sending"; the rows before it are recorded sent and the rows after it are plainly queued."""
    from django.core.mail.backends.locmem import EmailBackend

    mails = _outbox([f"lid{n}@gouda.nl" for n in range(4)])
    seen = []
    original = EmailBackend.send_messages

    def send_messages(self, messages):
        seen.append(list(OutgoingMail.objects.order_by("pk").values_list("status", flat=True)))
        return original(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)
    services.mail_send_batch(mail_ids=[m.pk for m in mails])

    assert seen == [
        ["sending", "queued", "queued", "queued"],
        ["sent", "sending", "queued", "queued"],
        ["sent", "sent", "sending", "queued"],
        ["sent", "sent", "sent", "sending"],
    ]
    assert set(OutgoingMail.objects.values_list("status", flat=True)) == {"sent"}
    assert all(m.sent_at and m.attempts == 1 for m in OutgoingMail.objects.all())
