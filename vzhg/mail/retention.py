"""Retention in the outbox: the content of mail goes after MAIL_BODY_RETENTION_DAYS (and at once
for failed mail that carried a secret); an app forgetting rows (registrations after their event)
forgets the mail about them too, found by their reference (`mail_reference`)."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from .models import OutgoingMail

ANONYMISED_ADDRESS = "anonymised@invalid"


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
        .exclude(status__in=[OutgoingMail.Status.QUEUED, OutgoingMail.Status.SENDING])
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
    rows = OutgoingMail.objects.filter(reference__in=references).exclude(status=OutgoingMail.Status.SENDING)
    rows.filter(status=OutgoingMail.Status.QUEUED).update(
        status=OutgoingMail.Status.FAILED, error="anonymised before it was sent"
    )
    # A lazy row (vzhg/mail/builders.py) is never built now: what it was built from goes too.
    return rows.update(
        body_text="", body_html="", attachments=[], build=None, to=ANONYMISED_ADDRESS, content_removed_at=now
    )
