"""Handing outbox rows to the relay: a batch of rows over one SMTP connection, each row at most once.

The exactly-once argument is the one of one row at a time (see services.py), kept for every row
of a batch: a row is claimed on its own (queued → sending, only while it is queued and due,
committed) once the connection is open and before its MAIL FROM and DATA, and recorded "sent" in
its own commit right after the relay's 250, before the next row is claimed. The rows of the batch
that were not claimed yet stay plainly queued. So a worker killed mid-batch leaves at most the one
row it was handing over "sending" (settled by `mail_interrupted_settle`, MAIL_RESEND_INTERRUPTED),
every row before it sent and every row after it queued; a second task for the same rows (a
redelivered task, the sweep, a double dispatch) finds them taken and skips them.

A refusal of one address or one message (5xx/4xx at RCPT, 5xx after DATA) fails or postpones that
row only: smtplib has sent RSET, and the batch goes on over the same connection. A relay failure
(no connection, lost connection, 4xx outside RCPT, 535, refused sender) stops the batch: the
connection is dropped and the rows not handed over yet wait for the relay's next attempt.
"""

from __future__ import annotations

import functools
import logging
import smtplib
from datetime import datetime
from email.generator import Generator

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connections, router, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .attachments import attachment_content
from .bounce_models import BouncedAddress
from .bounces import smtp_refusal_record, undeliverable_reason
from .builders import mail_content_build
from .models import OutgoingMail, RelayState
from .smtp import SmtpFailure, SmtpOutcome, smtp_connection_discard, smtp_failure_classify
from .verp import verp_address

logger = logging.getLogger(__name__)


class BatchMessage(EmailMultiAlternatives):
    """Django's message, with each multipart's boundary drawn as the email generator draws it
    (random, the same form) before it is written: the generator would otherwise compile a regular
    expression for every new boundary to check it against the text (~0.35 ms a message). The check
    made here instead is stricter: the boundary is drawn again while it occurs anywhere in the
    parts' payloads or headers."""

    def message(self):
        message = super().message()
        _boundaries_set(message)
        return message


def _boundaries_set(part) -> None:
    """In the order the generator would draw them: the inner multiparts first."""
    if not part.is_multipart():
        return
    for child in part.get_payload():
        _boundaries_set(child)
    if part.get_boundary() is not None:
        return
    leaves = [leaf for leaf in part.walk() if not leaf.is_multipart()]
    while True:
        boundary = Generator._make_boundary()  # type: ignore[attr-defined]
        if not any(boundary in str(leaf.get_payload()) for leaf in leaves) and not any(
            boundary in str(value) for leaf in part.walk() for value in leaf.values()
        ):
            break
    part.set_boundary(boundary)


def _build_message(mail: OutgoingMail) -> EmailMultiAlternatives:
    from .services import mail_message_id

    # Everything in the outbox is written by the system (RFC 3834: no out-of-office replies);
    # a caller that queues a personal message passes {"Auto-Submitted": "no"} in its headers.
    headers = {"Message-ID": mail_message_id(), "Auto-Submitted": "auto-generated", **mail.headers}
    # The envelope sender (Return-Path) names this row when bounces are read (VERP).
    envelope = verp_address(kind="m", pk=mail.pk)
    if envelope:
        headers = {"From": settings.DEFAULT_FROM_EMAIL, **headers}
    message = BatchMessage(
        subject=mail.subject,
        body=mail.body_text,
        from_email=envelope or settings.DEFAULT_FROM_EMAIL,
        to=[mail.to],
        headers=headers,
    )
    if mail.body_html:
        message.attach_alternative(mail.body_html, "text/html")
    for attachment in mail.attachments:
        message.attach(attachment["filename"], attachment_content(attachment), attachment["mimetype"])
    return message


def row_claim(
    model,
    *,
    pk: int,
    now: datetime,
    due_by: datetime | None = None,
    done: int | None = None,
    done_values: dict | None = None,
) -> bool:
    """Claim the batch row `pk` of `model` (an outbox row or a newsletter delivery): queued (and,
    with `due_by`, due by then: no next attempt or one at or before it) → sending, its attempt
    counted. When `done` is given — the batch's previous row, whose 250 has just come in — it is
    recorded sent (with `done_values`) in the same statement, so in the same commit: one round trip
    to the database per message instead of two, and still nothing is handed to the relay between a
    250 and its "sent". True when `pk` was claimed (False: another task has it).

    The statement is fixed SQL per model and set of columns (`_claim_sql`), the values only
    parameters: building the same UPDATE through the ORM cost more Python than the database took."""
    db = router.db_for_write(model)
    connection = connections[db]
    fields = model._meta
    params: list
    if done is None:
        sql = _claim_sql(model, connection.vendor, (), due_by is not None, False)
        params = [
            "sending",
            _db_value(fields.get_field("last_attempt_at"), now, connection),
            pk,
            "queued",
        ]
    else:
        done_values = {"sent_at": timezone.now(), "error": "", **(done_values or {})}
        names = tuple(done_values)
        sql = _claim_sql(model, connection.vendor, names, due_by is not None, True)
        last_attempt = _db_value(fields.get_field("last_attempt_at"), now, connection)
        params = [done, "sent", "sending", pk, pk, last_attempt]
        for name, value in done_values.items():
            params += [done, _db_value(fields.get_field(name), value, connection)]
        params += [done, "sending", pk, "queued"]
    if due_by is not None:
        params.append(_db_value(fields.get_field("next_attempt_at"), due_by, connection))
    with transaction.mark_for_rollback_on_error(using=db), connection.cursor() as cursor:
        cursor.execute(sql, params)
        count = cursor.rowcount
    if done is None:
        return bool(count)
    if count != 1:
        return count == 2
    # One row changed: the previous one (this one was taken), or — only when the sweep settled
    # the previous one meanwhile — this one.
    assert done_values is not None
    return not model.objects.filter(pk=done, status="sent", sent_at=done_values["sent_at"]).exists()


def _db_value(field, value, connection):
    return field.get_db_prep_value(value, connection=connection, prepared=False)


@functools.lru_cache(maxsize=64)
def _claim_sql(model, vendor: str, names: tuple[str, ...], due: bool, with_done: bool) -> str:
    """The claim's UPDATE for `model`, with `names` the columns set on the row recorded sent (only
    identifiers from the model's own metadata; every value is a parameter). Parameters, in order:
    without a done row: status, last_attempt_at, pk, 'queued' [, due_by];
    with one: done, 'sent', 'sending', pk, pk, last_attempt_at, (done, value) per name, done,
    'sending', pk, 'queued' [, due_by]."""
    quote = connections[router.db_for_write(model)].ops.quote_name
    fields = model._meta

    def column(name: str) -> str:
        return quote(fields.get_field(name).column)

    table, key = quote(fields.db_table), quote(fields.pk.column)
    status, attempts, last_attempt = column("status"), column("attempts"), column("last_attempt_at")
    queued = f"{key} = %s AND {status} = %s"
    if due:
        next_attempt = column("next_attempt_at")
        queued += f" AND ({next_attempt} IS NULL OR {next_attempt} <= %s)"
    if not with_done:
        return (
            f"UPDATE {table} SET {status} = %s, {attempts} = {attempts} + 1, {last_attempt} = %s "
            f"WHERE {queued}"
        )
    sets = [
        f"{status} = CASE WHEN {key} = %s THEN %s ELSE %s END",
        f"{attempts} = CASE WHEN {key} = %s THEN {attempts} + 1 ELSE {attempts} END",
        f"{last_attempt} = CASE WHEN {key} = %s THEN %s ELSE {last_attempt} END",
    ]
    sets += [f"{column(name)} = CASE WHEN {key} = %s THEN %s ELSE {column(name)} END" for name in names]
    return f"UPDATE {table} SET {', '.join(sets)} WHERE ({key} = %s AND {status} = %s) OR ({queued})"


def row_sent(model, *, pk: int, values: dict | None = None) -> None:
    """Record a batch row sent on its own (the last of a batch, or before anything else happens)."""
    model.objects.filter(pk=pk, status="sending").update(
        status="sent", sent_at=timezone.now(), error="", **(values or {})
    )


def mail_send(*, mail_id: int) -> OutgoingMail.Status | None:
    """Send one queued, due message at most once (a batch of one). Returns its new status, or None
    when there was nothing to do (not queued, not due yet, or the relay is known to be failing and
    its next attempt is not due — then the row waits for it)."""
    return mail_send_batch(mail_ids=[mail_id]).get(mail_id)


class _Batch:
    """One batch's SMTP connection, opened when the first row needs it and closed (QUIT) at the end;
    and the row whose 250 came in last, recorded sent together with the next claim (`done`)."""

    def __init__(self) -> None:
        self.connection = None
        self.done: OutgoingMail | None = None

    def done_values(self) -> dict:
        return {"next_attempt_at": None, **_content_removal(self.done)} if self.done else {}

    def flush(self) -> None:
        """Record the row whose 250 came in sent now (nothing else may happen before that)."""
        if self.done is not None:
            row_sent(OutgoingMail, pk=self.done.pk, values=self.done_values())
            self.done = None

    def open(self):
        if self.connection is None:
            connection = get_connection(fail_silently=False)
            try:
                connection.open()
            except (OSError, smtplib.SMTPException):
                smtp_connection_discard(connection)
                raise
            self.connection = connection
        return self.connection

    def discard(self) -> None:
        if self.connection is not None:
            smtp_connection_discard(self.connection)
            self.connection = None

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            except Exception:  # noqa: BLE001 - a failing QUIT changes nothing: the messages were accepted
                smtp_connection_discard(self.connection)
            self.connection = None


def mail_send_batch(*, mail_ids: list[int]) -> dict[int, OutgoingMail.Status | None]:
    """Send the queued, due rows among `mail_ids`, in id order, over one SMTP connection, each at
    most once. Returns each row's new status (None: nothing done — not queued, not due, taken by
    another task, or waiting for a failing relay).

    Every step commits on its own (autocommit): "sending" with the attempt counted, once the
    connection is open and before MAIL FROM / DATA; "sent" right after the relay's 250, before the
    next row; or the failure with its reason. Nothing is raised for a relay failure: the rows wait
    with their back-off for the sweep.
    """
    now = timezone.now()
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    mails = list(
        OutgoingMail.objects.filter(due, pk__in=mail_ids, status=OutgoingMail.Status.QUEUED).order_by("pk")
    )
    results: dict[int, OutgoingMail.Status | None] = dict.fromkeys(mail_ids)
    if not mails:
        return results
    # Lazy rows (vzhg/mail/builders.py) get their content now; one whose subject is gone is skipped.
    unsent = mail_content_build(mails=mails)
    results.update(unsent)
    mails = [mail for mail in mails if mail.pk not in unsent]
    if not mails:
        return results
    bounced = {
        address.email: address
        for address in BouncedAddress.objects.filter(
            email__in={mail.to.strip().lower() for mail in mails if not mail.sensitive},
            undeliverable_since__isnull=False,
        )
    }
    batch = _Batch()
    answered = False  # the relay answered at least once: it works
    try:
        for index, mail in enumerate(mails):
            if not mail.sensitive and (address := bounced.get(mail.to.strip().lower())) is not None:
                batch.flush()
                # Undeliverable (bounced): not sent. Mail the person asked for (a login code) still goes.
                OutgoingMail.objects.filter(pk=mail.pk, status=OutgoingMail.Status.QUEUED).update(
                    status=OutgoingMail.Status.FAILED, error=undeliverable_reason(address)
                )
                results[mail.pk] = OutgoingMail.Status.FAILED
                continue
            if index == 0 and _relay_waiting(mails, now=now):
                break  # the relay is failing and not due: the batch waits for it
            status, failure = _send_one(mail, batch=batch, now=now)
            results[mail.pk] = status
            if failure is None and status is not None:
                answered = True
            elif failure is not None and failure.outcome != SmtpOutcome.RELAY:
                answered = True
            elif failure is not None:
                _relay_waiting(mails[index + 1 :], now=now)
                break  # the relay failed: the rest of the batch waits for its next attempt
    finally:
        batch.flush()
        batch.close()
    if answered:
        from .services import relay_success_record

        relay_success_record()
    return results


def _relay_waiting(mails: list[OutgoingMail], *, now: datetime) -> bool:
    """When the relay is failing and its next attempt is not due: the rows wait for it (and say
    why). True then."""
    state = RelayState.objects.filter(pk=RelayState.SINGLETON, failing_since__isnull=False).first()
    if state is None or state.next_attempt_at is None or state.next_attempt_at <= now:
        return False
    OutgoingMail.objects.filter(pk__in=[m.pk for m in mails], status=OutgoingMail.Status.QUEUED).update(
        next_attempt_at=state.next_attempt_at, error=state.last_error
    )
    return True


def _send_one(
    mail: OutgoingMail, *, batch: _Batch, now: datetime
) -> tuple[OutgoingMail.Status | None, SmtpFailure | None]:
    try:
        message = _build_message(mail)
    except OSError as exc:  # an attachment kept by reference is gone from storage
        OutgoingMail.objects.filter(pk=mail.pk, status=OutgoingMail.Status.QUEUED).update(
            status=OutgoingMail.Status.FAILED,
            error=_("An attachment could not be read: %(error)s") % {"error": exc},
        )
        return OutgoingMail.Status.FAILED, None

    def claim() -> bool:
        done, values = batch.done, batch.done_values()
        batch.done = None
        return row_claim(
            OutgoingMail, pk=mail.pk, now=now, due_by=now, done=done.pk if done else None, done_values=values
        )

    # Connect (greeting, EHLO, STARTTLS, AUTH) before the row is marked "sending": a worker
    # killed while connecting leaves it plainly queued. From the claim on, the relay may get it.
    try:
        connection = batch.open()
    except (OSError, smtplib.SMTPException) as exc:
        failure = smtp_failure_classify(exc)
        if not claim():
            return None, None
        return _after_failure(mail, failure), failure
    if not claim():
        return None, None  # another task took it in the meantime
    try:
        connection.send_messages([message])
    except (OSError, smtplib.SMTPException) as exc:
        failure = smtp_failure_classify(exc)
        if failure.outcome == SmtpOutcome.RELAY:
            batch.discard()  # never reuse a half-open connection
        # A refusal of this address or message: smtplib sent RSET, the connection goes on.
        return _after_failure(mail, failure), failure
    # The relay said 250: recorded sent with the next row's claim, or at the end of the batch,
    # before anything else is handed to the relay or can go wrong (QUIT included).
    batch.done = mail
    return OutgoingMail.Status.SENT, None


def _after_failure(mail: OutgoingMail, failure: SmtpFailure) -> OutgoingMail.Status:
    from .services import _give_up, _give_up_before, _retry_delay, relay_failure_record

    now = timezone.now()
    sending = OutgoingMail.objects.filter(pk=mail.pk, status=OutgoingMail.Status.SENDING)
    if failure.permanent:
        sending.update(
            status=OutgoingMail.Status.FAILED,
            error=failure.reason[:2000],
            next_attempt_at=None,
            **_content_removal(mail),
        )
        if failure.bounces:
            # The relay refused the address at once (5xx at RCPT): counted as a bounce, as a
            # report from the bounce mailbox would be.
            smtp_refusal_record(
                email=mail.to, reason=failure.reason, about=f"m:{mail.pk}", attempt=mail.attempts + 1
            )
        return OutgoingMail.Status.FAILED
    next_attempt = now + _retry_delay(mail.attempts + 1)
    if failure.outcome == SmtpOutcome.RELAY:
        state = relay_failure_record(reason=failure.reason, now=now)
        next_attempt = max(next_attempt, state.next_attempt_at or now)
    logger.info(
        "Mail %s not sent (%s), next attempt %s: %s", mail.pk, failure.outcome, next_attempt, failure.reason
    )
    sending.update(
        status=OutgoingMail.Status.QUEUED, error=failure.reason[:2000], next_attempt_at=next_attempt
    )
    if mail.created_at <= _give_up_before(now):
        _give_up(OutgoingMail.objects.filter(pk=mail.pk, status=OutgoingMail.Status.QUEUED))
        return OutgoingMail.Status.FAILED
    return OutgoingMail.Status.QUEUED


def _content_removal(mail: OutgoingMail) -> dict:
    """The fields that empty a mail with a secret (login code, link) once it has left or failed
    for good: nobody, staff included, reads it afterwards. Other mail keeps its content."""
    if not mail.sensitive:
        return {}
    return {"body_text": "", "body_html": "", "attachments": [], "content_removed_at": timezone.now()}
