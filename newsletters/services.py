"""Every write of the newsletter: editions, sending, subscriptions.

Sending uses Delivery rows of its own rather than one OutgoingMail row per reader: a relay's
limits (messages per minute, per hour) are limits on the whole edition, so the batches must be
able to count what went out in the last minute and hour, wait, and go on later — something the
outbox's one-task-per-row model cannot do. The exactly-once rule is the outbox's: a Delivery is
taken only while it is still queued, under a row lock; it goes queued → sending (committed before
MAIL FROM and DATA) → sent (committed right after the relay's 250) or failed. A delivery a killed
worker left "sending" is decided by the sweep as the outbox decides (MAIL_RESEND_INTERRUPTED).
Single mails (confirmation, test) still go
through the outbox (vzhg.mail.services.mail_queue).

SMTP failures are classified by vzhg.mail.smtp, as for the outbox: only a refusal of the address
(at RCPT, or an enhanced status 5.1.x/5.2.x) bounces the subscription. A relay that fails (no
connection, 4xx, 535 authentication, refused sender, 554 greeting) stops the batch, closes the
connection, leaves every delivery queued and records the relay as failing (the admin shows it);
the edition goes on by itself after the relay's back-off, and gives up on a delivery only when
it has waited MAIL_GIVE_UP_AFTER_SECONDS.
"""

from __future__ import annotations

import csv
import datetime
import io
import logging
import smtplib
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Person
from vzhg.mail.services import (
    mail_message_id,
    mail_queue,
    mail_reference,
    relay_failure_record,
    relay_success_record,
    relay_wait_until,
)
from vzhg.mail.smtp import SmtpOutcome, smtp_connection_discard, smtp_failure_classify

from . import selectors
from .models import DEFAULT_SECTIONS, Delivery, Newsletter, Section, Subscription
from .rendering import absolute, agenda_entries, agenda_start, edition_render, mail_render
from .tokens import confirm_token, confirm_token_read, unsubscribe_token_read

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# A batch running longer than this updates progress_at, so the sweep knows it is alive.
PROGRESS_HEARTBEAT_SECONDS = 15


class NewsletterError(Exception):
    """A request the newsletter cannot honour; the message is for the person who asked."""


# --- editions --------------------------------------------------------------------------------


def newsletter_sections_ensure(*, newsletter: Newsletter) -> None:
    """A new edition starts with the usual sections, in order."""
    if newsletter.sections.exists():
        return
    Section.objects.bulk_create(
        [
            Section(newsletter=newsletter, title=title, order=(index + 1) * 10)
            for index, title in enumerate(DEFAULT_SECTIONS)
        ]
    )


@transaction.atomic
def newsletter_create(
    *, title: str, slug: str, date: datetime.date, intro: str = "", actor=None
) -> Newsletter:
    newsletter = Newsletter(title=title, slug=slug, date=date, intro=intro, created_by=actor)
    newsletter.full_clean()
    newsletter.save()
    newsletter_sections_ensure(newsletter=newsletter)
    return newsletter


def newsletter_test_send(*, newsletter: Newsletter, actor) -> None:
    """The edition as it will arrive, to the person who asks (their own address)."""
    if not actor.email:
        raise NewsletterError(_("Your account has no e-mail address."))
    full = selectors.newsletter_full(Newsletter.objects.filter(pk=newsletter.pk)).get()
    person = Person.objects.filter(user=actor).first()
    subscription = Subscription.objects.filter(email__iexact=actor.email).first()
    mail = mail_render(
        edition=edition_render(newsletter=full),
        subscription=subscription,
        first_name=person.first_name if person else "",
    )
    with transaction.atomic():
        mail_queue(
            to=actor.email,
            subject=_("[TEST] %(subject)s") % {"subject": mail["subject"]},
            text=mail["text"],
            html=mail["html"],
            headers=mail["headers"],
            kind="newsletters.test",
        )


@transaction.atomic
def newsletter_schedule(*, newsletter: Newsletter, when: datetime.datetime, actor=None) -> Newsletter:
    newsletter = Newsletter.objects.select_for_update().get(pk=newsletter.pk)
    if not newsletter.is_editable:
        raise NewsletterError(_("This edition is already being sent or has been sent."))
    if when <= timezone.now():
        raise NewsletterError(_("Choose a moment in the future."))
    newsletter.status = Newsletter.Status.SCHEDULED
    newsletter.scheduled_for = when
    newsletter.save(update_fields=["status", "scheduled_for", "updated_at"])
    return newsletter


@transaction.atomic
def newsletter_unschedule(*, newsletter: Newsletter, actor=None) -> Newsletter:
    newsletter = Newsletter.objects.select_for_update().get(pk=newsletter.pk)
    if newsletter.status == Newsletter.Status.SCHEDULED:
        newsletter.status = Newsletter.Status.CONCEPT
        newsletter.scheduled_for = None
        newsletter.save(update_fields=["status", "scheduled_for", "updated_at"])
    return newsletter


def newsletter_send(*, newsletter: Newsletter, actor=None) -> int:
    """Start sending: one Delivery per active subscription, in one transaction; the batches
    start after commit. Returns how many deliveries were created — 0 when the edition was
    already being sent (a second click, a retry) — nobody is queued twice."""
    with transaction.atomic():
        newsletter = Newsletter.objects.select_for_update().get(pk=newsletter.pk)
        if newsletter.status not in (Newsletter.Status.CONCEPT, Newsletter.Status.SCHEDULED):
            return 0
        now = timezone.now()
        newsletter.agenda = agenda_entries(start=agenda_start(newsletter=newsletter, now=now))
        newsletter.status = Newsletter.Status.SENDING
        newsletter.progress_at = now
        newsletter.save(update_fields=["agenda", "status", "progress_at", "updated_at"])
        subscription_ids = selectors.subscriptions_active().values_list("pk", flat=True)
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
    from .tasks import newsletter_send_batch

    try:
        newsletter_send_batch.apply_async((newsletter_id,), countdown=countdown)
    except Exception:  # noqa: BLE001 - kombu raises several kinds when the broker is away
        logger.warning("Broker unavailable; newsletter %s waits for the sweep", newsletter_id)
        return False
    return True


@dataclass
class BatchResult:
    sent: int = 0
    failed: int = 0
    remaining: int = 0
    retry_in: float | None = None  # seconds until the next batch may run (rate limit, relay trouble)
    errors: list[str] = field(default_factory=list)


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


def _message(mail: dict, to: str, connection) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=mail["subject"],
        body=mail["text"],
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Message-ID": mail_message_id(), **mail["headers"]},
        connection=connection,
    )
    message.attach_alternative(mail["html"], "text/html")
    return message


def _first_name(subscription: Subscription) -> str:
    return subscription.person.first_name if subscription.person_id else ""


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
    rate = settings.NEWSLETTER_RATE_PER_MINUTE
    interval = 60.0 / rate if rate else 0.0
    next_slot = time.monotonic()
    heartbeat = time.monotonic()
    connection = get_connection(fail_silently=False)
    try:
        for _index in range(budget):
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
                newsletter_id=newsletter_id, edition=edition, connection=connection, result=result
            )
            if outcome == "sent" and result.sent == 1:
                relay_success_record()  # ends a recorded outage (and wakes the outbox)
            if outcome == "none":
                break
            if outcome == "relay":
                result.retry_in = max(
                    1.0, ((relay_wait_until() or timezone.now()) - timezone.now()).total_seconds()
                )
                break
            if outcome == "transient":
                result.retry_in = 60.0
                break
    finally:
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


def _send_one(*, newsletter_id: int, edition, connection, result: BatchResult) -> str:
    """The next queued delivery, at most once. Three short commits, as in the outbox: the claim
    (queued → sending, the attempt counted; once the connection is open, before MAIL FROM and
    DATA), then "sent" right after the relay's 250 (the connection stays open for the next one;
    QUIT only ends the batch), or the failure with its reason. A worker killed in between leaves
    the delivery "sending": the sweep decides about it (MAIL_RESEND_INTERRUPTED)."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("subscription", "subscription__person")
            .filter(newsletter_id=newsletter_id, status=Delivery.Status.QUEUED)
            .order_by("pk")
            .first()
        )
        if delivery is None:
            return "none"
        subscription = delivery.subscription
        if not subscription.is_active:
            # Unsubscribed or bounced after the edition was queued: never sent.
            delivery.status = Delivery.Status.FAILED
            delivery.error = _("Not sent: the subscription ended before it was this address's turn.")
            delivery.save(update_fields=["status", "error"])
            result.failed += 1
            return "skipped"
        delivery.attempts += 1
        delivery.last_attempt_at = timezone.now()
        mail = mail_render(edition=edition, subscription=subscription, first_name=_first_name(subscription))
        try:
            connection.open()  # no-op while the connection from the last message is still open
        except (OSError, smtplib.SMTPException) as exc:
            return _failed(delivery, subscription, exc, connection, result)
        delivery.status = Delivery.Status.SENDING
        delivery.save(update_fields=["status", "attempts", "last_attempt_at"])
    # Committed "sending": from here on the relay may have the message.
    try:
        _message(mail, subscription.email, connection).send()
    except (OSError, smtplib.SMTPException) as exc:
        return _failed(delivery, subscription, exc, connection, result)
    # The relay said 250: record it at once, in its own commit.
    Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENDING).update(
        status=Delivery.Status.SENT, sent_at=timezone.now(), error=""
    )
    result.sent += 1
    return "sent"


def _failed(
    delivery: Delivery, subscription: Subscription, exc: BaseException, connection, result: BatchResult
) -> str:
    failure = smtp_failure_classify(exc)
    smtp_connection_discard(connection)  # never reuse a half-open connection
    if failure.outcome == SmtpOutcome.RECIPIENT:
        _bounce(delivery, subscription, failure.reason)
        result.failed += 1
        return "failed"
    if failure.outcome == SmtpOutcome.MESSAGE:
        delivery.status = Delivery.Status.FAILED
        delivery.error = failure.reason[:2000]
        delivery.save(update_fields=["status", "attempts", "last_attempt_at", "error"])
        result.failed += 1
        return "failed"
    if failure.outcome == SmtpOutcome.RELAY:
        return _relay_failing(delivery, failure.reason, result)
    return _transient(delivery, failure.reason, connection, result)


def _bounce(delivery: Delivery, subscription: Subscription, reason: str) -> None:
    delivery.status = Delivery.Status.FAILED
    delivery.error = reason[:2000]
    delivery.save(update_fields=["status", "attempts", "last_attempt_at", "error"])
    Subscription.objects.filter(pk=subscription.pk).update(
        bounced_at=timezone.now(), bounce_reason=reason[:2000]
    )


def _relay_failing(delivery: Delivery, reason: str, result: BatchResult) -> str:
    """The relay, not this address: the delivery stays queued (its attempt and the error are
    kept) unless it has waited past MAIL_GIVE_UP_AFTER_SECONDS; the batch stops."""
    now = timezone.now()
    delivery.error = reason[:2000]
    delivery.status = Delivery.Status.QUEUED
    if delivery.created_at <= now - datetime.timedelta(seconds=settings.MAIL_GIVE_UP_AFTER_SECONDS):
        delivery.status = Delivery.Status.FAILED
        result.failed += 1
    delivery.save(update_fields=["status", "attempts", "last_attempt_at", "error"])
    relay_failure_record(reason=reason, now=now)
    result.errors.append(reason)
    return "relay"


def _transient(delivery: Delivery, reason: str, connection, result: BatchResult) -> str:
    """A temporary refusal of this address (4xx at RCPT): tried again later, at most MAX_ATTEMPTS."""
    delivery.error = reason[:2000]
    delivery.status = Delivery.Status.QUEUED
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = Delivery.Status.FAILED
        result.failed += 1
    delivery.save(update_fields=["status", "attempts", "last_attempt_at", "error"])
    result.errors.append(reason)
    return "transient"


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
        newsletter.save(update_fields=["status", "sent_at", "updated_at"])
        return True


def newsletter_failed_resend(*, newsletter: Newsletter, actor=None) -> int:
    """Failed deliveries of an edition that is being or has been sent, whose subscription is
    still active (so never a bounce or an unsubscribe), queued again and sent by the batches.
    The deliveries are taken only while failed, under a lock, so each is sent once however
    often this runs. Returns how many were queued again."""
    with transaction.atomic():
        newsletter = Newsletter.objects.select_for_update().get(pk=newsletter.pk)
        if newsletter.status not in (Newsletter.Status.SENDING, Newsletter.Status.SENT):
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
        newsletter.save(update_fields=["status", "progress_at", "updated_at"])
        logger.info(
            "Newsletter %s: %d failed deliveries queued again by %s",
            newsletter.pk,
            len(ids),
            getattr(actor, "pk", None),
        )
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


# --- subscriptions -----------------------------------------------------------------------------


def _clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    validate_email(email)
    return email


def subscription_request(*, email: str) -> Subscription:
    """The public subscribe page: a pending subscription and a confirmation mail. An address
    already on the list gets nothing new (the page says the same either way, so the page does
    not reveal who is subscribed). Raises ValidationError for an invalid address."""
    email = _clean_email(email)
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().filter(email__iexact=email).first()
        if subscription is not None and subscription.is_active:
            return subscription
        if subscription is None:
            person = Person.objects.filter(email__iexact=email).first()
            try:
                with transaction.atomic():
                    subscription = Subscription.objects.create(
                        email=email, person=person, status=Subscription.Status.PENDING,
                        source=Subscription.Source.PUBLIC,
                    )  # fmt: skip
            except IntegrityError:
                # The same address sent twice at once: the other request made the row.
                return Subscription.objects.get(email__iexact=email)
        elif subscription.status == Subscription.Status.UNSUBSCRIBED:
            # Asking again is a new request: it waits for a new confirmation.
            subscription.status = Subscription.Status.PENDING
            subscription.save(update_fields=["status"])
        _confirmation_mail(subscription)
        return subscription


def _confirmation_mail(subscription: Subscription) -> None:
    link = absolute(reverse("newsletters:confirm", kwargs={"token": confirm_token(subscription)}))
    subject = str(_("Confirm your subscription to the VZHG newsletter"))
    context = {"link": link, "site_url": settings.SITE_URL, "subject": subject}
    mail_queue(
        to=subscription.email,
        subject=subject,
        text=render_to_string("newsletters/mail/confirm.txt", context),
        html=render_to_string("newsletters/mail/confirm.html", context),
        kind="newsletters.subscription.confirm",
        sensitive=True,  # the link confirms the address: for its owner only
        reference=mail_reference(subscription),
    )


def subscription_confirm(*, token: str) -> Subscription:
    """The confirmation link. A bounced address that confirms again is given another chance."""
    data = confirm_token_read(token)
    if data is None:
        raise NewsletterError(
            _("This confirmation link is not valid or has expired. Subscribe again to get a new one.")
        )
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().filter(pk=data.get("s")).first()
        if subscription is None or subscription.email != data.get("e"):
            raise NewsletterError(
                _("This confirmation link is not valid or has expired. Subscribe again to get a new one.")
            )
        if subscription.status == Subscription.Status.PENDING:
            subscription.status = Subscription.Status.CONFIRMED
            subscription.confirmed_at = timezone.now()
            subscription.unsubscribed_at = None
            subscription.bounced_at = None
            subscription.bounce_reason = ""
            subscription.save()
        elif subscription.status == Subscription.Status.UNSUBSCRIBED:
            raise NewsletterError(
                _("You unsubscribed after asking for this link. Subscribe again to get a new one.")
            )
        return subscription


def subscription_for_unsubscribe_token(*, token: str) -> Subscription:
    pk = unsubscribe_token_read(token)
    subscription = Subscription.objects.filter(pk=pk).first() if pk is not None else None
    if subscription is None:
        raise NewsletterError(_("This unsubscribe link is not valid. Check that you copied the whole link."))
    return subscription


def subscription_unsubscribe(*, subscription: Subscription) -> Subscription:
    """Immediate; queued deliveries of an edition being sent are skipped from now on."""
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
        if subscription.status != Subscription.Status.UNSUBSCRIBED:
            subscription.status = Subscription.Status.UNSUBSCRIBED
            subscription.unsubscribed_at = timezone.now()
            subscription.save(update_fields=["status", "unsubscribed_at"])
        return subscription


def subscription_bounce_clear(*, subscription_ids: list[int], actor=None) -> int:
    """Staff found a bounce recorded wrongly (a relay problem blamed on the address): the
    addresses get the next edition again. Returns how many bounces were cleared."""
    with transaction.atomic():
        count = Subscription.objects.filter(pk__in=subscription_ids, bounced_at__isnull=False).update(
            bounced_at=None, bounce_reason=""
        )
    logger.info("%d bounces cleared by %s", count, getattr(actor, "pk", None))
    return count


def subscription_profile_set(*, person: Person, subscribe: bool) -> Subscription | None:
    """From the profile: the person's own address (verified by logging in) on or off the list."""
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update()
            .filter(Q(person=person) | Q(email__iexact=person.email))
            .order_by("-person_id")
            .first()
        )
        if not subscribe:
            if subscription is not None:
                return subscription_unsubscribe(subscription=subscription)
            return None
        if subscription is None:
            subscription = Subscription(email=person.email, source=Subscription.Source.PUBLIC)
        subscription.person = person
        if not subscription.is_active:
            subscription.status = Subscription.Status.CONFIRMED
            subscription.confirmed_at = timezone.now()
            subscription.unsubscribed_at = None
            subscription.bounced_at = None
            subscription.bounce_reason = ""
        subscription.save()
        return subscription


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    unsubscribed: list[str] = field(default_factory=list)
    invalid: list[tuple[int, str]] = field(default_factory=list)


def _subscribe_addresses(*, rows: list[tuple[str, Person | None]], source: str, report: ImportReport) -> None:
    wanted = {}
    for email, person in rows:
        wanted.setdefault(email, person)
    existing = {
        subscription.email: subscription
        for subscription in Subscription.objects.filter(email__in=list(wanted))
    }
    new = []
    now = timezone.now()
    for email, person in wanted.items():
        subscription = existing.get(email)
        if subscription is None:
            new.append(
                Subscription(
                    email=email,
                    person=person,
                    status=Subscription.Status.CONFIRMED,
                    source=source,
                    confirmed_at=now,
                )
            )
            report.created.append(email)
        elif subscription.status == Subscription.Status.UNSUBSCRIBED:
            report.unsubscribed.append(email)  # their choice stands
        else:
            report.already.append(email)
    Subscription.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)


@transaction.atomic
def subscription_import(*, text: str, actor=None) -> ImportReport:
    """Addresses from a CSV or a pasted list (one per line, or a column named email / e-mail).
    New addresses are subscribed (confirmed); unsubscribed ones stay unsubscribed; invalid lines
    are reported with their line number and nothing of them is stored."""
    report = ImportReport()
    lines = text.splitlines()
    reader = csv.reader(
        io.StringIO("\n".join(lines)), delimiter=";" if ";" in (lines[0] if lines else "") else ","
    )
    rows = list(reader)
    column = 0
    start = 0
    if rows:
        header = [cell.strip().lower() for cell in rows[0]]
        for name in ("email", "e-mail", "e-mailadres", "emailadres", "e-mail address"):
            if name in header:
                column, start = header.index(name), 1
                break
    people = {}
    addresses = []
    for number, row in enumerate(rows[start:], start=start + 1):
        if not row or not any(cell.strip() for cell in row):
            continue
        raw = row[column].strip() if column < len(row) else ""
        try:
            addresses.append(_clean_email(raw))
        except ValidationError:
            report.invalid.append((number, raw))
    for person in Person.objects.filter(email__in=addresses):
        people[person.email] = person
    _subscribe_addresses(
        rows=[(email, people.get(email)) for email in addresses],
        source=Subscription.Source.IMPORT,
        report=report,
    )
    return report


@transaction.atomic
def subscription_people_subscribe(*, functions: list[str], region_ids: list[int], actor=None) -> ImportReport:
    """People of member municipalities, chosen by function and/or region, put on the list.
    People who unsubscribed before are left alone."""
    from members.selectors import member_municipalities

    people = Person.objects.filter(organisation__in=member_municipalities()).exclude(email="")
    if functions:
        people = people.filter(function__in=functions)
    if region_ids:
        people = people.filter(
            Q(organisation__region_id__in=region_ids) | Q(organisation__region__parent_id__in=region_ids)
        )
    report = ImportReport()
    _subscribe_addresses(
        rows=[(person.email.lower(), person) for person in people.order_by("pk")],
        source=Subscription.Source.STAFF,
        report=report,
    )
    return report
