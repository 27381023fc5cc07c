"""The outbox. A message becomes a row first; Celery is only told about it after commit.

If the broker is down, the request that queued the message still succeeds: the row stays
queued and `mail_sweep` hands it to the worker once the broker is back. The worker locks the
row and sends it only while it is still queued, so retries, a second task for the same row or
a restarted worker never send it twice.
"""

import base64
import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.db import transaction
from django.utils import timezone

from .models import OutgoingMail

logger = logging.getLogger(__name__)


class TransientMailError(Exception):
    """The relay could not take the message now; it stays queued and is tried again."""


def mail_queue(
    *,
    to: str,
    subject: str,
    text: str,
    html: str = "",
    headers: dict | None = None,
    attachments: list[tuple[str, bytes, str]] | None = None,
    kind: str = "",
) -> OutgoingMail:
    """Store one message and hand it to the worker once the surrounding transaction commits."""
    mail = OutgoingMail.objects.create(
        kind=kind,
        to=to,
        subject=subject,
        body_text=text,
        body_html=html,
        headers=headers or {},
        attachments=[
            {"filename": name, "mimetype": mimetype, "content": base64.b64encode(content).decode()}
            for name, content, mimetype in (attachments or [])
        ],
    )
    transaction.on_commit(lambda: mail_dispatch(mail_ids=[mail.pk]), robust=True)
    return mail


def mail_queue_message(*, message: EmailMessage, kind: str = "") -> list[OutgoingMail]:
    """Queue a Django EmailMessage (as libraries such as allauth build them), one row per recipient."""
    html = ""
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == "text/html":
            html = content
    if message.content_subtype == "html":
        html, text = message.body, ""
    else:
        text = message.body
    attachments = [
        (name, content.encode() if isinstance(content, str) else content, mimetype)
        for name, content, mimetype in message.attachments
        if isinstance(name, str)
    ]
    return [
        mail_queue(
            to=recipient,
            subject=message.subject,
            text=text,
            html=html,
            headers=dict(message.extra_headers),
            attachments=attachments,
            kind=kind,
        )
        for recipient in message.to
    ]


def mail_dispatch(*, mail_ids: list[int]) -> int:
    """Hand queued rows to the worker. Returns how many were handed over.

    A broker outage is logged, not raised: the rows stay queued for the sweep.
    """
    from .tasks import mail_send_task

    handed = 0
    for mail_id in mail_ids:
        try:
            mail_send_task.delay(mail_id)
        except Exception:  # noqa: BLE001 - kombu raises several kinds when the broker is away
            logger.warning("Broker unavailable; mail %s stays queued for the sweep", mail_id)
            break
        handed += 1
    return handed


def mail_sweep(*, older_than: timedelta | None = None, limit: int = 1000) -> int:
    """Hand queued rows that have waited too long to the worker again (run by Celery beat)."""
    if older_than is None:
        older_than = timedelta(seconds=settings.MAIL_SWEEP_AFTER_SECONDS)
    cutoff = timezone.now() - older_than
    ids = list(
        OutgoingMail.objects.filter(status=OutgoingMail.Status.QUEUED, created_at__lte=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    return mail_dispatch(mail_ids=ids)


def _build_message(mail: OutgoingMail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[mail.to],
        headers=mail.headers,
    )
    if mail.body_html:
        message.attach_alternative(mail.body_html, "text/html")
    for attachment in mail.attachments:
        message.attach(
            attachment["filename"], base64.b64decode(attachment["content"]), attachment["mimetype"]
        )
    return message


def mail_send(*, mail_id: int) -> OutgoingMail.Status | None:
    """Send one queued message exactly once.

    The row stays locked while the relay takes the message, so a second task for the same row
    waits and then finds it sent. Permanent refusals (5xx) end in FAILED with the reason;
    transient ones leave the row queued and raise TransientMailError for the task to retry.
    """
    with transaction.atomic():
        mail = (
            OutgoingMail.objects.select_for_update()
            .filter(pk=mail_id, status=OutgoingMail.Status.QUEUED)
            .first()
        )
        if mail is None:
            return None
        mail.attempts += 1
        try:
            with get_connection(fail_silently=False) as connection:
                connection.send_messages([_build_message(mail)])
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _msg in exc.recipients.values()]
            if all(500 <= code < 600 for code in codes):
                return _mark_failed(mail, str(exc.recipients))
            _mark_attempt(mail, str(exc.recipients))
            raise TransientMailError(str(exc.recipients)) from exc
        except smtplib.SMTPResponseException as exc:
            if 500 <= exc.smtp_code < 600:
                return _mark_failed(mail, f"{exc.smtp_code} {exc.smtp_error!r}")
            _mark_attempt(mail, f"{exc.smtp_code} {exc.smtp_error!r}")
            raise TransientMailError(str(exc)) from exc
        except (OSError, smtplib.SMTPException) as exc:
            _mark_attempt(mail, repr(exc))
            raise TransientMailError(repr(exc)) from exc
        mail.status = OutgoingMail.Status.SENT
        mail.sent_at = timezone.now()
        mail.error = ""
        mail.save(update_fields=["status", "sent_at", "attempts", "error"])
        return mail.status


def _mark_failed(mail: OutgoingMail, reason: str) -> OutgoingMail.Status:
    mail.status = OutgoingMail.Status.FAILED
    mail.error = reason[:2000]
    mail.save(update_fields=["status", "attempts", "error"])
    return mail.status


def _mark_attempt(mail: OutgoingMail, reason: str) -> None:
    mail.error = reason[:2000]
    mail.save(update_fields=["attempts", "error"])


def mail_give_up(*, mail_id: int, reason: str) -> None:
    """After the last retry: the row ends FAILED with the reason, visible to staff."""
    OutgoingMail.objects.filter(pk=mail_id, status=OutgoingMail.Status.QUEUED).update(
        status=OutgoingMail.Status.FAILED, error=reason[:2000]
    )
