"""Bounces read from a real IMAP mailbox (Dovecot, tests/fixtures/imap_server.py): reports of
several real-world shapes are APPENDed, the beat task reads them, and the addresses end up
undeliverable (or not) with the reason; handled messages leave the mailbox, others stay for a
person; an unreachable server crashes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail as django_mail
from django.utils import timezone

from tests.fixtures.helpers import free_port
from tests.mail import bounce_samples as samples
from vzhg.mail import tasks
from vzhg.mail.models import Bounce, BouncedAddress, OutgoingMail
from vzhg.mail.services import mail_queue
from vzhg.mail.verp import verp_address

pytestmark = pytest.mark.django_db

RECIPIENT = "Jan.Jansen@gemeente-voorbeeld.nl"


@pytest.fixture(autouse=True)
def _english(settings):
    """Reasons are read by their English msgid, whatever the Dutch catalogue says."""
    settings.LANGUAGE_CODE = "en"


def _sent_envelope(django_capture_on_commit_callbacks, to: str = RECIPIENT) -> tuple[OutgoingMail, str]:
    """Send one outbox message (eager worker, in-memory relay); its envelope sender (VERP)."""
    django_mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        row = mail_queue(to=to, subject="Uitnodiging congres", text="Uitnodiging.", kind="events.invitation")
    row.refresh_from_db()
    assert row.status == OutgoingMail.Status.SENT
    message = django_mail.outbox[-1]
    return row, message.from_email


def test_every_outbox_message_has_a_verp_envelope_sender_and_the_usual_from(
    bounce_mailbox, django_capture_on_commit_callbacks
):
    row, envelope = _sent_envelope(django_capture_on_commit_callbacks)
    assert envelope == verp_address(kind="m", pk=row.pk)
    assert envelope.startswith("bounces+m") and envelope.endswith("@vzhg.nl")
    assert verp_address(kind="m", pk=row.pk + 1).split("-")[1] != envelope.split("-")[1]  # signed per row
    parsed = django_mail.outbox[-1].message()
    assert parsed["From"] == "VZHG <secretariaat@vzhg.nl>"


def test_without_a_bounce_address_nothing_changes(settings, django_capture_on_commit_callbacks):
    settings.MAIL_BOUNCE_ADDRESS = ""
    _row, envelope = _sent_envelope(django_capture_on_commit_callbacks)
    assert envelope == settings.DEFAULT_FROM_EMAIL
    assert tasks.mail_bounces_read() == {"error": "", "soft_forgotten": 0}  # no IMAP host: nothing read


@pytest.mark.parametrize(
    ("sample", "status", "reason_part"),
    [
        (samples.postfix_user_unknown, "5.1.1", "User unknown in virtual mailbox table"),
        (samples.exchange_online_not_found, "5.1.10", "RESOLVER.ADR.RecipientNotFound"),
        (samples.exchange_classic, "", "The recipient name is not recognized"),
        (samples.gmail_not_found, "5.1.1", "does not exist"),
    ],
    ids=["postfix", "exchange-online", "exchange-classic", "gmail"],
)
def test_a_hard_bounce_makes_the_address_undeliverable_and_leaves_the_mailbox(
    bounce_mailbox, django_capture_on_commit_callbacks, sample, status, reason_part
):
    row, envelope = _sent_envelope(django_capture_on_commit_callbacks)
    bounce_mailbox.append(sample(envelope=envelope, recipient=RECIPIENT.lower()))

    outcome = tasks.mail_bounces_read()

    assert outcome["bounce"] == 1 and outcome["error"] == ""
    address = BouncedAddress.objects.get()
    assert address.email == RECIPIENT.lower()
    assert address.undeliverable and address.hard_bounces == 1
    assert address.last_status == status
    assert reason_part in address.reason
    assert Bounce.objects.get().about == f"m:{row.pk}"
    assert bounce_mailbox.messages() == []  # read once: deleted


def test_a_report_read_twice_counts_once(bounce_mailbox, django_capture_on_commit_callbacks, settings):
    settings.MAIL_BOUNCE_HARD_LIMIT = 2
    _row, envelope = _sent_envelope(django_capture_on_commit_callbacks)
    raw = samples.postfix_user_unknown(envelope=envelope, recipient=RECIPIENT)
    bounce_mailbox.append(raw)
    bounce_mailbox.append(raw)  # the same report again (a crash before it was deleted)
    tasks.mail_bounces_read()
    address = BouncedAddress.objects.get()
    assert address.hard_bounces == 1 and not address.undeliverable


def test_processed_messages_go_to_the_archive_folder_when_one_is_set(
    bounce_mailbox, django_capture_on_commit_callbacks, settings
):
    settings.MAIL_BOUNCE_IMAP_ARCHIVE = "Verwerkt"
    _row, envelope = _sent_envelope(django_capture_on_commit_callbacks)
    bounce_mailbox.append(samples.gmail_not_found(envelope=envelope, recipient=RECIPIENT))
    tasks.mail_bounces_read()
    assert bounce_mailbox.messages() == []
    assert len(bounce_mailbox.messages("Verwerkt")) == 1
    assert BouncedAddress.objects.get().undeliverable


def test_a_soft_bounce_is_counted_and_forgotten_after_a_later_delivery(
    bounce_mailbox, django_capture_on_commit_callbacks, settings
):
    settings.MAIL_BOUNCE_SOFT_LIMIT = 3
    _row, envelope = _sent_envelope(django_capture_on_commit_callbacks)
    bounce_mailbox.append(samples.postfix_mailbox_full(envelope=envelope, recipient=RECIPIENT))
    bounce_mailbox.append(samples.postfix_delayed(envelope=envelope, recipient=RECIPIENT))  # a warning
    outcome = tasks.mail_bounces_read()
    assert outcome["bounce"] == 1 and outcome["delayed"] == 1
    address = BouncedAddress.objects.get()
    assert (address.soft_bounces, address.hard_bounces, address.undeliverable) == (1, 0, False)
    assert address.last_status == "5.2.2"
    assert bounce_mailbox.messages() == []

    # A later message is accepted and nothing comes back for it within the reset time.
    later, _envelope = _sent_envelope(django_capture_on_commit_callbacks)
    two_days_on = timezone.now() + datetime.timedelta(hours=settings.MAIL_BOUNCE_SOFT_RESET_HOURS + 1)
    from vzhg.mail.bounces import soft_bounces_forget

    assert soft_bounces_forget(now=timezone.now()) == 0  # too early: a bounce may still come
    assert soft_bounces_forget(now=two_days_on) == 1
    address.refresh_from_db()
    assert address.soft_bounces == 0
    assert address.bounces.count() == 1  # the history stays


def test_soft_bounces_up_to_the_limit_make_the_address_undeliverable(
    bounce_mailbox, django_capture_on_commit_callbacks, settings
):
    settings.MAIL_BOUNCE_SOFT_LIMIT = 2
    for _ in range(2):
        _row, envelope = _sent_envelope(django_capture_on_commit_callbacks)
        bounce_mailbox.append(samples.postfix_mailbox_full(envelope=envelope, recipient=RECIPIENT))
    tasks.mail_bounces_read()
    address = BouncedAddress.objects.get()
    assert address.soft_bounces == 2 and address.undeliverable


def test_a_report_without_our_token_is_not_trusted_and_left_for_a_person(
    bounce_mailbox, django_capture_on_commit_callbacks
):
    row, envelope = _sent_envelope(django_capture_on_commit_callbacks)
    forged = envelope.replace(envelope.split("-")[1][:3], "aaa")
    bounce_mailbox.append(samples.gmail_not_found(envelope="bounces@vzhg.nl", recipient=RECIPIENT))
    bounce_mailbox.append(samples.gmail_not_found(envelope=forged, recipient=RECIPIENT))
    outcome = tasks.mail_bounces_read()
    assert outcome["unknown"] == 2
    assert not BouncedAddress.objects.exists()
    left = bounce_mailbox.messages()
    assert len(left) == 2 and all(b"\\Seen" in flags for flags, _raw in left)
    assert tasks.mail_bounces_read() == {"error": "", "soft_forgotten": 0}  # not read again


def test_an_undeliverable_address_is_skipped_by_the_outbox_but_gets_the_login_code_it_asks_for(
    bounce_mailbox, django_capture_on_commit_callbacks
):
    _row, envelope = _sent_envelope(django_capture_on_commit_callbacks)
    bounce_mailbox.append(samples.postfix_user_unknown(envelope=envelope, recipient=RECIPIENT))
    tasks.mail_bounces_read()
    django_mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        skipped = mail_queue(to=RECIPIENT, subject="Herinnering", text="Tekst")
        code = mail_queue(to=RECIPIENT, subject="Je inlogcode", text="123456", sensitive=True)
    skipped.refresh_from_db()
    code.refresh_from_db()
    assert skipped.status == OutgoingMail.Status.FAILED
    assert "undeliverable" in skipped.error and "User unknown" in skipped.error
    assert code.status == OutgoingMail.Status.SENT
    assert [m.subject for m in django_mail.outbox] == ["Je inlogcode"]


def test_an_unreachable_imap_server_is_logged_and_crashes_nothing(settings, caplog):
    settings.MAIL_BOUNCE_ADDRESS = "bounces@vzhg.nl"
    settings.MAIL_BOUNCE_IMAP_HOST = "127.0.0.1"
    settings.MAIL_BOUNCE_IMAP_PORT = free_port()  # nobody listens
    settings.MAIL_BOUNCE_IMAP_SSL = False
    outcome = tasks.mail_bounces_read()
    assert "ConnectionRefusedError" in outcome["error"]
    assert "trying again at the next beat" in caplog.text


def test_a_wrong_password_is_logged_and_crashes_nothing(bounce_mailbox, settings, caplog):
    settings.MAIL_BOUNCE_IMAP_PASSWORD = "wrong"
    outcome = tasks.mail_bounces_read()
    assert outcome["error"] and "trying again at the next beat" in caplog.text


def test_tls_to_a_server_without_it_fails_safely(bounce_mailbox, settings):
    settings.MAIL_BOUNCE_IMAP_SSL = True  # production's default, against the plain test server
    outcome = tasks.mail_bounces_read()
    assert outcome["error"]
