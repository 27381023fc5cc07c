"""The outbox. A message becomes a row first; Celery is only told about it after commit.

If the broker is down, the request that queued the message still succeeds: the row stays
queued and `mail_sweep` hands it to the worker once the broker is back.

A row goes queued → sending → sent / failed. The worker claims a row only while it is queued
and due, and commits "sending" once connected, before MAIL FROM and DATA; it commits "sent" as
soon as the relay accepted the message (250), before QUIT. So a retry, a second task for the same row or a
restarted worker never send it twice; the one moment that remains is a worker killed between
the relay's 250 and that commit: the row is then found "sending" by the sweep, and
MAIL_RESEND_INTERRUPTED decides (default: not again; failed with the reason, resendable).

When the relay fails (vzhg.mail.smtp decides what a failure means) the row goes back to queued
with a growing back-off (`next_attempt_at`) and the relay is recorded as failing (RelayState):
while it is, the sweep hands over one message per back-off step to probe it, and everything
waiting goes out as soon as one gets through. Only after MAIL_GIVE_UP_AFTER_SECONDS does a
waiting message fail; failed mail can be resent by hand (`mail_resend`).
"""

import logging
from datetime import datetime, timedelta
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Left
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vzhg.fixed_sql import fixed_insert
from vzhg.site import site_host

from .attachments import attachments_for_row
from .handover import mail_hand_over
from .models import OutgoingMail, RelayState

logger = logging.getLogger(__name__)


def mail_queue(
    *,
    to: str,
    subject: str,
    text: str,
    html: str = "",
    headers: dict | None = None,
    attachments: list | None = None,
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
        attachments=attachments_for_row(attachments),
    )
    transaction.on_commit(lambda: mail_hand_over([mail.pk]), robust=True)
    return mail


def mail_queue_lazy(*, to: str, subject: str, kind: str, build: dict, reference: str = "") -> OutgoingMail:
    """Store one message to be built by the worker when it sends it (vzhg/mail/builders.py: the
    builder registered for `kind` builds it from `build`, JSON), and hand it over after commit.
    Renders nothing now: a request in a rush pays for one INSERT only (and hands the row over with
    the others of its process: vzhg/mail/handover.py)."""
    mail = OutgoingMail(kind=kind, reference=reference, to=to, subject=subject, body_text="", build=build)
    fixed_insert([mail])  # the INSERT as save() does it, its SQL built once per process
    transaction.on_commit(lambda: mail_hand_over([mail.pk]), robust=True)
    return mail


def mail_lazy_change(*, mail: OutgoingMail, subject: str, kind: str, build: dict) -> None:
    """A lazy row queued in this transaction, about something else after all (the caller decided
    otherwise before commit): its subject, kind and what its builder needs."""
    mail.subject, mail.kind, mail.build = subject, kind, build
    OutgoingMail.objects.filter(pk=mail.pk).update(subject=subject, kind=kind, build=build)


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
        html, text = str(message.body), ""
    else:
        text = str(message.body)
    attachments = [
        (name, content.encode() if isinstance(content, str) else content, mimetype)
        for name, content, mimetype in message.attachments
        if isinstance(name, str)
    ]
    return [
        mail_queue(
            to=recipient,
            subject=str(message.subject),
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
    """Hand queued rows to the worker, in batches of MAIL_BATCH_SIZE (one task and one SMTP
    connection each). Returns how many rows were handed over.

    A broker outage is logged, not raised: the rows stay queued for the sweep.
    """
    from .tasks import mail_send_batch_task

    size = max(1, settings.MAIL_BATCH_SIZE)
    handed = 0
    for start in range(0, len(mail_ids), size):
        chunk = list(mail_ids[start : start + size])
        try:
            mail_send_batch_task.delay(chunk)
        except Exception:  # noqa: BLE001 - kombu raises several kinds when the broker is away
            logger.warning("Broker unavailable; mail %s stays queued for the sweep", chunk)
            break
        handed += len(chunk)
    return handed


def _retry_delay(failures: int) -> timedelta:
    """The back-off after the n-th failure in a row: doubling from MAIL_RETRY_BASE_SECONDS up to
    MAIL_RETRY_MAX_SECONDS."""
    base = max(1, settings.MAIL_RETRY_BASE_SECONDS)
    return timedelta(seconds=min(settings.MAIL_RETRY_MAX_SECONDS, base * 2 ** max(0, min(failures - 1, 20))))


def _give_up_before(now: datetime) -> datetime:
    return now - timedelta(seconds=settings.MAIL_GIVE_UP_AFTER_SECONDS)


# --- the relay's state -------------------------------------------------------------------------


def relay_failure_record(*, reason: str, now: datetime | None = None) -> RelayState:
    """A sender found the relay failing. Committed on its own (call it outside a transaction
    that may roll back). The next attempt moves out by the back-off only when the previous one
    is due, so many messages failing in the same minute count as one failure."""
    now = now or timezone.now()
    RelayState.objects.get_or_create(pk=RelayState.SINGLETON)
    with transaction.atomic():
        state = RelayState.objects.select_for_update().get(pk=RelayState.SINGLETON)
        if state.failing_since is None:
            state.failing_since = now
            state.failures = 0
            logger.warning("Mail server failing: %s", reason)
        if state.next_attempt_at is None or state.next_attempt_at <= now:
            state.failures += 1
            state.next_attempt_at = now + _retry_delay(state.failures)
        state.last_error = reason[:2000]
        state.last_failure_at = now
        state.save()
    return state


def relay_success_record(*, now: datetime | None = None) -> bool:
    """A message got through. When the relay was failing: clear that, hand every waiting message
    to the worker, and (after a long outage) tell MAIL_ALERT_TO. True when it was failing."""
    if not RelayState.objects.filter(pk=RelayState.SINGLETON, failing_since__isnull=False).exists():
        return False
    now = now or timezone.now()
    with transaction.atomic():
        state = RelayState.objects.select_for_update().filter(pk=RelayState.SINGLETON).first()
        if state is None or state.failing_since is None:
            return False  # another sender noticed first
        since = state.failing_since
        state.failing_since = None
        state.failures = 0
        state.next_attempt_at = None
        state.last_success_at = now
        state.save()
        waiting = OutgoingMail.objects.filter(status=OutgoingMail.Status.QUEUED).count()
        logger.warning("Mail server works again (failing since %s); %d messages waiting", since, waiting)
        if settings.MAIL_ALERT_TO and (now - since).total_seconds() >= settings.MAIL_ALERT_AFTER_SECONDS:
            _relay_alert_queue(since=since, until=now, waiting=waiting, last_error=state.last_error)
    OutgoingMail.objects.filter(status=OutgoingMail.Status.QUEUED, next_attempt_at__gt=now).update(
        next_attempt_at=now
    )
    mail_sweep(older_than=timedelta(0))
    return True


def _relay_alert_queue(*, since: datetime, until: datetime, waiting: int, last_error: str) -> None:
    from django.utils.formats import date_format

    def moment(value):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")

    text = _(
        "The mail server did not accept mail from %(since)s until %(until)s.\n"
        "Last error: %(error)s\n\n"
        "It works again; the %(waiting)d waiting messages are being sent now. Messages that could "
        "not be delivered are listed as failed under Outgoing mail in the admin, where they can "
        "be resent."
    ) % {"since": moment(since), "until": moment(until), "error": last_error or "-", "waiting": waiting}
    mail_queue(
        to=settings.MAIL_ALERT_TO,
        subject=_("[VZHG] The mail server works again after an outage"),
        text=text,
        kind="mail.relay.recovered",
    )


def relay_wait_until(*, now: datetime | None = None) -> datetime | None:
    """When the relay is failing and its next attempt is not due yet: that moment; else None."""
    now = now or timezone.now()
    state = RelayState.objects.filter(pk=RelayState.SINGLETON, failing_since__isnull=False).first()
    if state is not None and state.next_attempt_at is not None and state.next_attempt_at > now:
        return state.next_attempt_at
    return None


# --- the sweep ---------------------------------------------------------------------------------


def mail_sweep(*, older_than: timedelta | None = None, limit: int = 1000) -> int:
    """Run by Celery beat every minute: settle rows a killed worker left "sending", give up on
    rows that waited past MAIL_GIVE_UP_AFTER_SECONDS, and hand due queued rows to the worker —
    while the relay is failing, only one per back-off step (a probe). Returns how many were
    handed over."""
    if older_than is None:
        older_than = timedelta(seconds=settings.MAIL_SWEEP_AFTER_SECONDS)
    now = timezone.now()
    mail_interrupted_settle(now=now)
    mail_expired_give_up(now=now)
    if relay_wait_until(now=now) is not None:
        return 0
    failing = RelayState.objects.filter(pk=RelayState.SINGLETON, failing_since__isnull=False).exists()
    due = OutgoingMail.objects.filter(status=OutgoingMail.Status.QUEUED).filter(
        Q(next_attempt_at__isnull=True, created_at__lte=now - older_than) | Q(next_attempt_at__lte=now)
    )
    ids = list(due.order_by("created_at").values_list("pk", flat=True)[: 1 if failing else limit])
    return mail_dispatch(mail_ids=ids)


def mail_message_id() -> str:
    """A Message-ID on the site's own domain (Django's default names the machine: @localhost)."""
    return make_msgid(domain=site_host())


def mail_interrupted_settle(*, now: datetime | None = None) -> int:
    """Rows left "sending" longer than MAIL_SENDING_STALE_SECONDS: the worker that had them was
    killed between handing them to the relay and recording the answer, so they may or may not
    have arrived. MAIL_RESEND_INTERRUPTED decides: False (default) marks them failed with that
    reason (staff can resend them); True queues them again (a possible second copy). Logged."""
    now = now or timezone.now()
    stale = OutgoingMail.objects.filter(
        status=OutgoingMail.Status.SENDING,
        last_attempt_at__lte=now - timedelta(seconds=settings.MAIL_SENDING_STALE_SECONDS),
    )
    ids = list(stale.values_list("pk", flat=True))
    if not ids:
        return 0
    if settings.MAIL_RESEND_INTERRUPTED:
        count = stale.filter(pk__in=ids).update(
            status=OutgoingMail.Status.QUEUED,
            next_attempt_at=None,
            error=_(
                "Interrupted while being handed to the mail server; sent again (MAIL_RESEND_INTERRUPTED)."
            ),
        )
        logger.warning("Mail %s interrupted while sending: queued again (may arrive twice)", ids)
    else:
        count = stale.filter(pk__in=ids).update(status=OutgoingMail.Status.FAILED, error=interrupted_reason())
        logger.warning("Mail %s interrupted while sending: marked failed, not sent again", ids)
    return count


def interrupted_reason() -> str:
    return _(
        "Interrupted while being handed to the mail server (the worker stopped): it may or may "
        "not have arrived. Not sent again by itself; resend it if it is needed."
    )


def mail_expired_give_up(*, now: datetime | None = None) -> int:
    """Queued rows that have been waiting for a failing relay longer than
    MAIL_GIVE_UP_AFTER_SECONDS end failed, with the last error (resendable by hand)."""
    now = now or timezone.now()
    expired = OutgoingMail.objects.filter(
        status=OutgoingMail.Status.QUEUED,
        created_at__lte=_give_up_before(now),
        next_attempt_at__isnull=False,
    )
    return _give_up(expired)


def _give_up(queryset) -> int:
    days = settings.MAIL_GIVE_UP_AFTER_SECONDS / 86400
    prefix = _("Gave up after %(days)s days of trying: ") % {"days": f"{days:g}"}
    return queryset.update(
        status=OutgoingMail.Status.FAILED,
        next_attempt_at=None,
        error=Left(Concat(Value(prefix), F("error")), 2000),
    )


# --- sending: vzhg/mail/sending.py (a batch over one connection, each row at most once) -----------

from .sending import _build_message, mail_send, mail_send_batch  # noqa: E402

__all__ = ["_build_message", "mail_send", "mail_send_batch"]


def mail_resend(*, mail_ids: list[int], actor=None) -> int:
    """Failed rows among `mail_ids` back to queued and handed to the worker after commit.
    A row is taken only while it is failed, under a lock, so a double click or two people at
    once resend each message once. Returns how many were queued again.

    Who resent which message (`actor`, staff in the admin) is recorded in the admin's log of each
    row, in the same transaction; None is the system itself (a test, a shell)."""
    with transaction.atomic():
        ids = list(
            OutgoingMail.objects.select_for_update()
            .filter(pk__in=mail_ids, status=OutgoingMail.Status.FAILED)
            .values_list("pk", flat=True)
        )
        OutgoingMail.objects.filter(pk__in=ids).update(
            status=OutgoingMail.Status.QUEUED, next_attempt_at=None, sent_at=None
        )
        if ids:
            logger.info("Mail %s queued again by %s", ids, getattr(actor, "pk", None))
            if actor is not None:
                _resend_log(actor=actor, ids=ids)
            transaction.on_commit(lambda: mail_dispatch(mail_ids=ids), robust=True)
    return len(ids)


def _resend_log(*, actor, ids: list[int]) -> None:
    """An admin log entry per resent row: "Changed status." in the row's history."""
    from django.contrib.admin.models import CHANGE, LogEntry

    with translation.override(None):  # stored in English, translated when shown (as the admin does)
        status = str(OutgoingMail._meta.get_field("status").verbose_name)
    LogEntry.objects.log_actions(
        user_id=actor.pk,
        queryset=OutgoingMail.objects.filter(pk__in=ids),
        action_flag=CHANGE,
        change_message=[{"changed": {"fields": [status]}}],
    )
