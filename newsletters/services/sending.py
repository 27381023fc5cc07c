"""Sending an edition as a whole: start it, hand its batches to the worker, queue failed
deliveries again, settle deliveries a killed worker left behind, and the periodic sweep.

Sending uses Delivery rows of its own rather than one OutgoingMail row per reader: a relay's
limits (messages per minute, per hour) are limits on the whole edition, so the batches must be
able to count what went out in the last minute and hour, wait, and go on later — something the
outbox's one-task-per-row model cannot do. One batch, and the exactly-once rule for each
delivery, is in batches.py. Single mails (confirmation, test) still go through the outbox
(vzhg.mail.services.mail_queue).
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import User
from vzhg.history import history_note

from .. import selectors
from ..models import Delivery, Newsletter
from ..rendering import agenda_entries, agenda_start
from .batches import newsletter_finish

logger = logging.getLogger(__name__)


def newsletter_send(*, newsletter: Newsletter, actor: User | None = None) -> int:
    """Start sending: one Delivery per active subscription, in one transaction; the batches
    start after commit. Returns how many deliveries were created — 0 when the edition was
    already being sent (a second click, a retry) — nobody is queued twice. `actor` None: the
    schedule started it (the sweep)."""
    with transaction.atomic():
        newsletter = Newsletter.objects.select_for_update().get(pk=newsletter.pk)
        if not newsletter.is_editable:
            return 0
        now = timezone.now()
        newsletter.agenda = agenda_entries(start=agenda_start(newsletter=newsletter, now=now))
        newsletter.status = Newsletter.Status.SENDING
        newsletter.progress_at = now
        history_note(
            newsletter, actor=actor, reason="sending started" if actor else "sending started as scheduled"
        )
        newsletter.save(update_fields=["agenda", "status", "progress_at", "updated_at"])
        # The edition's own list's readers only (issue 14: separate lists).
        subscription_ids = selectors.subscriptions_active(
            newsletter_list=newsletter.newsletter_list_id
        ).values_list("pk", flat=True)
        created = Delivery.objects.bulk_create(
            [Delivery(newsletter=newsletter, subscription_id=pk) for pk in subscription_ids.iterator()],
            batch_size=1000,
            ignore_conflicts=True,
        )
        newsletter_id = newsletter.pk
        transaction.on_commit(lambda: newsletter_dispatch(newsletter_id=newsletter_id), robust=True)
    return len(created)


def newsletter_dispatch(*, newsletter_id: int, countdown: float = 0) -> bool:
    """Hand the next batch to the worker. A broker outage is logged: the sweep picks it up."""
    from ..tasks import newsletter_send_batch

    try:
        newsletter_send_batch.apply_async((newsletter_id,), countdown=countdown)
    except Exception:  # noqa: BLE001 - kombu raises several kinds when the broker is away
        logger.warning("Broker unavailable; newsletter %s waits for the sweep", newsletter_id)
        return False
    return True


def deliveries_interrupted_settle(*, now: datetime.datetime | None = None) -> int:
    """Deliveries left "sending" longer than MAIL_SENDING_STALE_SECONDS: the worker was killed
    between handing the message to the relay and recording its answer, so it may or may not
    have arrived. Decided as for the outbox by MAIL_RESEND_INTERRUPTED: False (default) marks
    them failed with that reason (the button "Resend the failed deliveries" sends them again);
    True queues them again (a possible second copy). Logged."""
    from vzhg.mail.services import interrupted_reason

    now = now or timezone.now()
    stale = Delivery.objects.filter(
        status=Delivery.Status.SENDING,
        last_attempt_at__lte=now - datetime.timedelta(seconds=settings.MAIL_SENDING_STALE_SECONDS),
    )
    ids = list(stale.values_list("pk", flat=True))
    if not ids:
        return 0
    stale = Delivery.objects.filter(pk__in=ids, status=Delivery.Status.SENDING)
    if settings.MAIL_RESEND_INTERRUPTED:
        count = stale.update(
            status=Delivery.Status.QUEUED,
            error=_(
                "Interrupted while being handed to the mail server; sent again (MAIL_RESEND_INTERRUPTED)."
            ),
        )
        logger.warning(
            "Newsletter deliveries %s interrupted while sending: queued again (may arrive twice)", ids
        )
    else:
        count = stale.update(status=Delivery.Status.FAILED, error=interrupted_reason())
        logger.warning(
            "Newsletter deliveries %s interrupted while sending: marked failed, not sent again", ids
        )
    return count


def newsletter_failed_resend(*, newsletter: Newsletter, actor: User | None = None) -> int:
    """Failed deliveries of an edition that is being or has been sent, whose subscription is
    still active (so never a bounce or an unsubscribe), queued again and sent by the batches.
    The deliveries are taken only while failed, under a lock, so each is sent once however
    often this runs. Returns how many were queued again."""
    with transaction.atomic():
        newsletter = Newsletter.objects.select_for_update().get(pk=newsletter.pk)
        if not newsletter.is_published:
            return 0
        ids = list(
            Delivery.objects.select_for_update(of=("self",))
            .filter(
                newsletter=newsletter,
                status=Delivery.Status.FAILED,
                subscription__in=selectors.subscriptions_active(),
            )
            .values_list("pk", flat=True)
        )
        if not ids:
            return 0
        Delivery.objects.filter(pk__in=ids).update(status=Delivery.Status.QUEUED, error="")
        newsletter.status = Newsletter.Status.SENDING
        newsletter.progress_at = timezone.now()
        history_note(newsletter, actor=actor, reason=f"{len(ids)} failed deliveries queued again")
        newsletter.save(update_fields=["status", "progress_at", "updated_at"])
        newsletter_id = newsletter.pk
        transaction.on_commit(lambda: newsletter_dispatch(newsletter_id=newsletter_id), robust=True)
    return len(ids)


def newsletter_sweep(*, stalled_after: datetime.timedelta | None = None) -> dict[str, int]:
    """Run by Celery beat: settle deliveries a killed worker left "sending"
    (deliveries_interrupted_settle), start scheduled editions that are due, and re-start sends
    whose batches stopped (a killed worker, a lost task) — they resume with the queued deliveries."""
    if stalled_after is None:
        stalled_after = datetime.timedelta(seconds=settings.NEWSLETTER_STALLED_AFTER_SECONDS)
    now = timezone.now()
    deliveries_interrupted_settle(now=now)
    started = 0
    for newsletter in Newsletter.objects.filter(status=Newsletter.Status.SCHEDULED, scheduled_for__lte=now):
        newsletter_send(newsletter=newsletter, actor=None)
        started += 1
    resumed = 0
    sending = Newsletter.objects.filter(status=Newsletter.Status.SENDING).filter(
        Q(progress_at__isnull=True) | Q(progress_at__lte=now - stalled_after)
    )
    for newsletter in sending:
        if newsletter.deliveries.filter(status=Delivery.Status.QUEUED).exists():
            if newsletter_dispatch(newsletter_id=newsletter.pk):
                resumed += 1
        else:
            newsletter_finish(newsletter_id=newsletter.pk)
    return {"started": started, "resumed": resumed}
