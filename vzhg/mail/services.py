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
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import OutgoingMail

logger = logging.getLogger(__name__)


ANONYMISED_ADDRESS = "anonymised@invalid"


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
    sensitive: bool = False,
    reference: str = "",
) -> OutgoingMail:
    """Store one message and hand it to the worker once the surrounding transaction commits.

    `sensitive`: the message carries a secret for the recipient only (a login code, a reset or
    confirmation link); its content is never shown and is removed once it has been sent.
    `reference` names what the message is about (`mail_reference(obj)`), so retention can find it.
    """
    mail = OutgoingMail.objects.create(
        kind=kind,
        sensitive=sensitive,
        reference=reference,
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


def mail_reference(obj) -> str:
    """The `reference` of mail about a model row: "app_label.model:pk"."""
    return f"{obj._meta.label_lower}:{obj.pk}"


def mail_queue_message(
    *, message: EmailMessage, kind: str = "", sensitive: bool = False, reference: str = ""
) -> list[OutgoingMail]:
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
            sensitive=sensitive,
            reference=reference,
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


def mail_message_id() -> str:
    """A Message-ID on the site's own domain (Django's default names the machine: @localhost)."""
    return make_msgid(domain=urlsplit(settings.SITE_URL).hostname or "localhost")


def _build_message(mail: OutgoingMail) -> EmailMultiAlternatives:
    # Everything in the outbox is written by the system (RFC 3834: no out-of-office replies);
    # a caller that queues a personal message passes {"Auto-Submitted": "no"} in its headers.
    headers = {"Message-ID": mail_message_id(), "Auto-Submitted": "auto-generated", **mail.headers}
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[mail.to],
        headers=headers,
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
        fields = ["status", "sent_at", "attempts", "error"]
        if mail.sensitive:
            fields += _remove_content(mail, now=mail.sent_at)
        mail.save(update_fields=fields)
        return mail.status


def _remove_content(mail: OutgoingMail, *, now) -> list[str]:
    """Empty the body and attachments (the subject and addresses stay); returns the fields."""
    mail.body_text, mail.body_html, mail.attachments = "", "", []
    mail.content_removed_at = now
    return ["body_text", "body_html", "attachments", "content_removed_at"]


def mail_content_purge(*, older_than: timedelta | None = None, now=None) -> int:
    """Remove the content of mail that left (or failed) longer than MAIL_BODY_RETENTION_DAYS ago,
    and of failed mail that carried a secret. Subject, address and status stay. Run nightly by beat.
    """
    now = now or timezone.now()
    if older_than is None:
        older_than = timedelta(days=settings.MAIL_BODY_RETENTION_DAYS)
    cutoff = now - older_than
    return (
        OutgoingMail.objects.filter(content_removed_at__isnull=True)
        .exclude(status=OutgoingMail.Status.QUEUED)
        .filter(
            Q(sent_at__lt=cutoff)
            | Q(sent_at__isnull=True, created_at__lt=cutoff)
            | Q(sensitive=True, status=OutgoingMail.Status.FAILED)
        )
        .update(body_text="", body_html="", attachments=[], content_removed_at=now)
    )


def mail_references_anonymise(*, references: list[str], now=None) -> int:
    """Retention: remove the content of every mail about these rows (any status but sending:
    a queued one is no longer wanted once its subject is forgotten) and their recipient address."""
    now = now or timezone.now()
    if not references:
        return 0
    rows = OutgoingMail.objects.filter(reference__in=references)
    rows.filter(status=OutgoingMail.Status.QUEUED).update(
        status=OutgoingMail.Status.FAILED, error="anonymised before it was sent"
    )
    return rows.update(
        body_text="", body_html="", attachments=[], to=ANONYMISED_ADDRESS, content_removed_at=now
    )


def _mark_failed(mail: OutgoingMail, reason: str) -> OutgoingMail.Status:
    mail.status = OutgoingMail.Status.FAILED
    mail.error = reason[:2000]
    fields = ["status", "attempts", "error"]
    if mail.sensitive:
        fields += _remove_content(mail, now=timezone.now())
    mail.save(update_fields=fields)
    return mail.status


def _mark_attempt(mail: OutgoingMail, reason: str) -> None:
    mail.error = reason[:2000]
    mail.save(update_fields=["attempts", "error"])


def mail_give_up(*, mail_id: int, reason: str) -> None:
    """After the last retry: the row ends FAILED with the reason, visible to staff."""
    OutgoingMail.objects.filter(pk=mail_id, status=OutgoingMail.Status.QUEUED).update(
        status=OutgoingMail.Status.FAILED, error=reason[:2000]
    )
