"""One sending batch of an edition: the relay's rate budget, one SMTP connection, and each
delivery handed over at most once.

The exactly-once rule is the outbox's: a Delivery is taken only while it is still queued (a
conditional update, committed on its own); it goes queued → sending (committed before MAIL FROM
and DATA) → sent (committed right after the relay's 250) or failed. A delivery a killed worker
left "sending" is decided by the sweep (sending.deliveries_interrupted_settle) as the outbox
decides (MAIL_RESEND_INTERRUPTED).

SMTP failures are classified by vzhg.mail.smtp, as for the outbox: only a refusal of the address
(at RCPT, or an enhanced status 5.1.x/5.2.x) bounces the subscription. A relay that fails (no
connection, 4xx, 535 authentication, refused sender, 554 greeting) stops the batch, closes the
connection, leaves every delivery queued and records the relay as failing (the admin shows it);
the edition goes on by itself after the relay's back-off, and gives up on a delivery only when
it has waited MAIL_GIVE_UP_AFTER_SECONDS.
"""

from __future__ import annotations

import datetime
import smtplib
import time
from dataclasses import dataclass
from email.utils import formatdate

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from vzhg.history import history_note
from vzhg.mail.bounces import smtp_refusal_record, undeliverable_exists
from vzhg.mail.sending import BatchMessage, row_claim, row_sent
from vzhg.mail.services import (
    mail_message_id,
    relay_failure_record,
    relay_success_record,
    relay_wait_until,
)
from vzhg.mail.smtp import SmtpOutcome, smtp_connection_discard, smtp_failure_classify
from vzhg.mail.templated import MessageTemplate, envelope_address
from vzhg.mail.verp import verp_address

from .. import selectors
from ..models import Delivery, Newsletter, Subscription
from ..rendering import edition_render, mail_reader, mail_render, mail_template_parts
from ..verp import DELIVERY_KIND

MAX_ATTEMPTS = 5
# A batch running longer than this updates progress_at, so the sweep knows it is alive.
PROGRESS_HEARTBEAT_SECONDS = 15


@dataclass
class BatchResult:
    sent: int = 0
    failed: int = 0
    remaining: int = 0
    retry_in: float | None = None  # seconds until the next batch may run (rate limit, relay trouble)


def _send_budget(now: datetime.datetime) -> tuple[int, float]:
    """How many messages may go out now, and (when none) how many seconds until one may.

    Sliding windows over the deliveries really sent: the last minute for
    NEWSLETTER_RATE_PER_MINUTE and the last hour for NEWSLETTER_HOURLY_CAP (0: no limit).
    """
    budget = settings.NEWSLETTER_BATCH_SIZE
    wait = 0.0
    for limit, window in (
        (settings.NEWSLETTER_RATE_PER_MINUTE, datetime.timedelta(minutes=1)),
        (settings.NEWSLETTER_HOURLY_CAP, datetime.timedelta(hours=1)),
    ):
        if not limit:
            continue
        recent = Delivery.objects.filter(status=Delivery.Status.SENT, sent_at__gt=now - window)
        used = recent.count()
        if used >= limit:
            # The window frees a slot when the (used - limit + 1)-th oldest send leaves it.
            leaving = recent.order_by("sent_at").values_list("sent_at", flat=True)[used - limit]
            wait = max(wait, (leaving + window - now).total_seconds() + 0.5)
            budget = 0
        else:
            budget = min(budget, limit - used)
    return budget, wait


def _message(mail: dict, to: str, connection, delivery_id: int | None = None) -> EmailMultiAlternatives:
    # The envelope sender (Return-Path) names the delivery when bounces are read (VERP).
    envelope = verp_address(kind=DELIVERY_KIND, pk=delivery_id)
    headers = {"Message-ID": mail_message_id(), **mail["headers"]}
    if envelope:
        headers = {"From": settings.DEFAULT_FROM_EMAIL, **headers}
    message = BatchMessage(
        subject=mail["subject"],
        body=mail["text"],
        from_email=envelope or settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers,
        connection=connection,
    )
    message.attach_alternative(mail["html"], "text/html")
    return message


# The headers that differ per reader; all others are written once per edition (MessageTemplate).
_FILLED = ("To", "Date", "Message-ID", "List-Unsubscribe")


def _prepared(*, edition, subscription: Subscription, first_name: str, delivery_id: int):
    """The reader's message as (MAIL FROM, RCPT TO, bytes), filled into the message written once
    per edition and variant (greeted or not) — the bytes Django would write for this reader
    (vzhg.mail.templated) — or None when it needs the ordinary build."""
    reader = mail_reader(edition=edition, subscription=subscription)
    envelope = verp_address(kind=DELIVERY_KIND, pk=delivery_id)
    key = ("message", bool(first_name), bool(envelope))
    cache = edition.rendered
    html, text, stand_ins = mail_template_parts(edition=edition, greeted=bool(first_name))
    if key not in cache:
        mail = {"subject": edition.newsletter.title, "html": html, "text": text, "headers": reader["headers"]}
        cache[key] = MessageTemplate.build(
            _message(mail, subscription.email, None, delivery_id),
            filled=_FILLED,
            stand_ins=(stand_ins["name"], stand_ins["unsubscribe"]),
        )
    template = cache[key]
    if template is None or "List-Unsubscribe" not in reader["headers"]:
        return None
    url = reader["unsubscribe_url"]
    headers = {
        "To": subscription.email,
        "Date": formatdate(localtime=settings.EMAIL_USE_LOCALTIME),
        "Message-ID": mail_message_id(),
        "List-Unsubscribe": reader["headers"]["List-Unsubscribe"],
    }
    values = {
        "plain": {stand_ins["name"]: first_name, stand_ins["unsubscribe"]: url},
        "html": {stand_ins["name"]: escape(first_name), stand_ins["unsubscribe"]: escape(url)},
    }
    data = template.fill(headers=headers, values=values)
    if data is None:
        return None
    try:
        return (
            envelope_address(envelope or settings.DEFAULT_FROM_EMAIL),
            [envelope_address(subscription.email)],
            data,
        )
    except ValueError:
        return None  # the ordinary build says why


def _first_name(subscription: Subscription) -> str:
    person = subscription.person  # no query when there is no person
    return person.first_name if person is not None else ""


def newsletter_send_batch(*, newsletter_id: int) -> BatchResult:
    """Send up to one batch of an edition's queued deliveries over one SMTP connection.

    Each delivery is taken in its own short transaction: locked (skipping rows another worker
    holds), sent while the lock is held, marked sent or failed, committed. A worker killed
    halfway leaves the row it was sending queued (its transaction never commits) and every
    earlier row sent; the next batch resumes there.
    """
    result = BatchResult()
    newsletter = selectors.newsletter_full(Newsletter.objects.filter(pk=newsletter_id)).first()
    if newsletter is None or newsletter.status != Newsletter.Status.SENDING:
        return result
    now = timezone.now()
    budget, wait = _send_budget(now)
    if budget == 0:
        Newsletter.objects.filter(pk=newsletter_id).update(progress_at=now + datetime.timedelta(seconds=wait))
        result.retry_in = wait
        result.remaining = Delivery.objects.filter(
            newsletter_id=newsletter_id, status=Delivery.Status.QUEUED
        ).count()
        return result
    relay_due = relay_wait_until(now=now)
    if relay_due is not None:
        # The relay is failing and not due for another try: wait for it, send nothing.
        Newsletter.objects.filter(pk=newsletter_id).update(progress_at=relay_due)
        result.retry_in = max(1.0, (relay_due - now).total_seconds())
        result.remaining = Delivery.objects.filter(
            newsletter_id=newsletter_id, status=Delivery.Status.QUEUED
        ).count()
        return result
    Newsletter.objects.filter(pk=newsletter_id).update(progress_at=now)
    edition = edition_render(newsletter=newsletter)
    # The batch's candidates in one query, with what the loop needs to know about each. No lock
    # is held while sending: each delivery is still claimed on its own (queued → sending, only
    # while queued), so two batches that pick the same rows never both send one.
    candidates = list(
        Delivery.objects.select_related("subscription", "subscription__person")
        .annotate(undeliverable=undeliverable_exists("subscription__email"))
        .filter(newsletter_id=newsletter_id, status=Delivery.Status.QUEUED)
        .order_by("pk")[:budget]
    )
    rate = settings.NEWSLETTER_RATE_PER_MINUTE
    interval = 60.0 / rate if rate else 0.0
    next_slot = time.monotonic()
    heartbeat = time.monotonic()
    connection = get_connection()
    done: list[int] = []  # the delivery whose 250 came in, recorded sent with the next claim
    try:
        for delivery in candidates:
            if interval:
                pause = next_slot - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
                next_slot = max(next_slot, time.monotonic()) + interval
            if time.monotonic() - heartbeat > PROGRESS_HEARTBEAT_SECONDS:
                # A long batch shows it is alive, so the sweep can call an edition stalled early.
                Newsletter.objects.filter(pk=newsletter_id).update(progress_at=timezone.now())
                heartbeat = time.monotonic()
            outcome = _send_one(
                delivery=delivery, edition=edition, connection=connection, result=result, done=done
            )
            if outcome == "sent" and result.sent == 1:
                relay_success_record()  # ends a recorded outage (and wakes the outbox)
            if outcome == "relay":
                result.retry_in = max(
                    1.0, ((relay_wait_until() or timezone.now()) - timezone.now()).total_seconds()
                )
                break
            if outcome == "transient":
                result.retry_in = 60.0
                break
    finally:
        _done_flush(done)
        smtp_connection_discard(connection)
    result.remaining = Delivery.objects.filter(
        newsletter_id=newsletter_id, status=Delivery.Status.QUEUED
    ).count()
    if result.remaining == 0:
        newsletter_finish(newsletter_id=newsletter_id)
    else:
        due = timezone.now() + datetime.timedelta(seconds=result.retry_in or 0)
        Newsletter.objects.filter(pk=newsletter_id).update(progress_at=due)
    return result


def _ours(delivery: Delivery):
    """The delivery while this batch holds it: queued (not claimed yet) or sending (claimed)."""
    return Delivery.objects.filter(
        pk=delivery.pk, status__in=[Delivery.Status.QUEUED, Delivery.Status.SENDING]
    )


def _done_flush(done: list[int]) -> None:
    """Record the delivery whose 250 came in sent now (nothing else may happen before that)."""
    while done:
        row_sent(Delivery, pk=done.pop())


def _send_one(*, delivery: Delivery, edition, connection, result: BatchResult, done: list[int]) -> str:
    """One delivery of the batch, at most once, over the batch's open connection. Two short
    commits, as in the outbox: the claim (queued → sending, the attempt counted; only while it is
    still queued, so a delivery another batch took is skipped; after the connection is open and
    before MAIL FROM and DATA), then "sent" right after the relay's 250 (the connection stays open
    for the next one; QUIT only ends the batch), or the failure with its reason. A worker killed in
    between leaves this one delivery "sending" (the sweep decides about it: MAIL_RESEND_INTERRUPTED)
    and the rest of the batch plainly queued. The mail is rendered from the edition rendered once
    per batch, with only the reader's parts filled in (rendering.mail_render)."""
    subscription = delivery.subscription
    if not subscription.is_active or getattr(delivery, "undeliverable", False):  # annotated by the batch
        _done_flush(done)
        # Unsubscribed, or the address bounced, after the edition was queued: never sent.
        error = (
            _("Not sent: the subscription ended before it was this address's turn.")
            if not subscription.is_active
            else _("Not sent: the address is undeliverable.")
        )
        if Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.QUEUED).update(
            status=Delivery.Status.FAILED, error=error
        ):
            result.failed += 1
        return "skipped"
    first_name = _first_name(subscription)
    prepared = None
    if type(connection) is SmtpBackend:  # the bytes go to the relay as Django's SMTP backend sends them
        prepared = _prepared(
            edition=edition, subscription=subscription, first_name=first_name, delivery_id=delivery.pk
        )
    if prepared is None:
        message = _message(
            mail_render(edition=edition, subscription=subscription, first_name=first_name),
            subscription.email,
            connection,
            delivery.pk,
        )
    delivery.attempts += 1
    delivery.last_attempt_at = timezone.now()
    try:
        connection.open()  # no-op while the connection from the last message is still open
    except (OSError, smtplib.SMTPException) as exc:
        _done_flush(done)
        if not Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.QUEUED).exists():
            return "taken"
        return _failed(delivery, subscription, exc, connection, result)
    # The claim also records the previous delivery sent, in the same commit (row_claim).
    claimed = row_claim(
        Delivery, pk=delivery.pk, now=delivery.last_attempt_at, done=done.pop() if done else None
    )
    if not claimed:
        return "taken"  # another batch has it
    # Committed "sending": from here on the relay may have the message.
    try:
        if prepared is not None:
            connection.connection.sendmail(*prepared)
        else:
            message.send()
    except (OSError, smtplib.SMTPException) as exc:
        return _failed(delivery, subscription, exc, connection, result)
    # The relay said 250: recorded sent with the next delivery's claim, or at the end of the batch,
    # before anything else is handed to the relay or can go wrong (QUIT included).
    done.append(delivery.pk)
    result.sent += 1
    return "sent"


def _failed(
    delivery: Delivery, subscription: Subscription, exc: BaseException, connection, result: BatchResult
) -> str:
    failure = smtp_failure_classify(exc)
    if failure.outcome == SmtpOutcome.RELAY:
        smtp_connection_discard(connection)  # never reuse a half-open connection
    # A refusal of this address or this message leaves the connection as it was (smtplib sent
    # RSET): the batch goes on over it.
    if failure.outcome == SmtpOutcome.RECIPIENT:
        _bounce(delivery, subscription, failure.reason)
        result.failed += 1
        return "failed"
    if failure.outcome == SmtpOutcome.MESSAGE:
        _ours(delivery).update(
            status=Delivery.Status.FAILED,
            error=failure.reason[:2000],
            attempts=delivery.attempts,
            last_attempt_at=delivery.last_attempt_at,
        )
        result.failed += 1
        return "failed"
    if failure.outcome == SmtpOutcome.RELAY:
        return _relay_failing(delivery, failure.reason, result)
    return _transient(delivery, failure.reason, connection, result)


def _bounce(delivery: Delivery, subscription: Subscription, reason: str) -> None:
    _ours(delivery).update(
        status=Delivery.Status.FAILED,
        error=reason[:2000],
        attempts=delivery.attempts,
        last_attempt_at=delivery.last_attempt_at,
    )
    Subscription.objects.filter(pk=subscription.pk).update(
        bounced_at=timezone.now(), bounce_reason=reason[:2000]
    )
    # Counted as a bounce of the address too, as a report from the bounce mailbox would be.
    smtp_refusal_record(
        email=subscription.email,
        reason=reason,
        about=f"{DELIVERY_KIND}:{delivery.pk}",
        attempt=delivery.attempts,
    )


def _relay_failing(delivery: Delivery, reason: str, result: BatchResult) -> str:
    """The relay, not this address: the delivery stays queued (its attempt and the error are
    kept) unless it has waited past MAIL_GIVE_UP_AFTER_SECONDS; the batch stops."""
    now = timezone.now()
    status = Delivery.Status.QUEUED
    if delivery.created_at <= now - datetime.timedelta(seconds=settings.MAIL_GIVE_UP_AFTER_SECONDS):
        status = Delivery.Status.FAILED
        result.failed += 1
    _ours(delivery).update(
        status=status,
        error=reason[:2000],
        attempts=delivery.attempts,
        last_attempt_at=delivery.last_attempt_at,
    )
    relay_failure_record(reason=reason, now=now)
    return "relay"


def _transient(delivery: Delivery, reason: str, connection, result: BatchResult) -> str:
    """A temporary refusal of this address (4xx at RCPT): tried again later, at most MAX_ATTEMPTS."""
    status = Delivery.Status.QUEUED
    if delivery.attempts >= MAX_ATTEMPTS:
        status = Delivery.Status.FAILED
        result.failed += 1
    _ours(delivery).update(
        status=status,
        error=reason[:2000],
        attempts=delivery.attempts,
        last_attempt_at=delivery.last_attempt_at,
    )
    return "transient"


def newsletter_finish(*, newsletter_id: int) -> bool:
    """Sending → sent once nothing is queued any more."""
    with transaction.atomic():
        newsletter = Newsletter.objects.select_for_update().filter(pk=newsletter_id).first()
        if newsletter is None or newsletter.status != Newsletter.Status.SENDING:
            return False
        if newsletter.deliveries.filter(
            status__in=[Delivery.Status.QUEUED, Delivery.Status.SENDING]
        ).exists():
            return False
        newsletter.status = Newsletter.Status.SENT
        newsletter.sent_at = timezone.now()
        history_note(newsletter, reason="every delivery handled")
        newsletter.save(update_fields=["status", "sent_at", "updated_at"])
        return True
