"""Bounces: counting them per address, deciding when an address is undeliverable, staff's reset,
and who the senders skip.

- A hard bounce (the address does not exist: 5.1.x, 5.2.1 disabled, 5.4.4 no route, or a
  permanent failure without a status) counts towards MAIL_BOUNCE_HARD_LIMIT;
- a soft bounce (4.x.x given up, 5.2.2 mailbox full, 5.7.x refused by policy, ...) towards
  MAIL_BOUNCE_SOFT_LIMIT, and soft bounces are forgotten once a later message was accepted
  and nothing came back for it within MAIL_BOUNCE_SOFT_RESET_HOURS;
- at the limit the address is undeliverable (onbestelbaar) until staff reset it
  (`bounced_address_reset`). Newsletters, invitations and the outbox skip it.

A bounce message read twice counts once (its fingerprint is unique per address).
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from vzhg.history import history_note

from .bounce_models import Bounce, BouncedAddress
from .verp import verp_kinds

logger = logging.getLogger(__name__)

# Enhanced status codes (RFC 3463) that say the address itself is wrong.
_HARD_PREFIXES = ("5.1.", "5.2.1", "5.4.4")


def bounce_kind(*, status: str) -> str:
    """Hard or soft, from the enhanced status of a permanent failure ("" when none was given)."""
    if not status:
        return Bounce.Kind.HARD  # a permanent failure the report gave no reason for
    if status.startswith(_HARD_PREFIXES) and not status.startswith("5.1.0"):
        return Bounce.Kind.HARD
    return Bounce.Kind.SOFT


def bounce_record(
    *,
    email: str,
    kind: str,
    status: str = "",
    reason: str = "",
    about: str = "",
    fingerprint: str,
    now: datetime | None = None,
) -> BouncedAddress | None:
    """Count one bounce of `email`, and mark the address undeliverable when it reaches its
    limit. Returns the address, or None when this message was counted before."""
    now = now or timezone.now()
    email = email.strip().lower()
    with transaction.atomic():
        BouncedAddress.objects.get_or_create(email=email)
        address = BouncedAddress.objects.select_for_update().get(email=email)
        try:
            with transaction.atomic():
                Bounce.objects.create(
                    address=address,
                    received_at=now,
                    kind=kind,
                    status=status[:12],
                    reason=reason[:2000],
                    about=about[:30],
                    fingerprint=fingerprint,
                )
        except IntegrityError:
            return None
        if kind == Bounce.Kind.HARD:
            address.hard_bounces += 1
        else:
            address.soft_bounces += 1
        address.last_bounce_at = now
        address.last_status = status[:12]
        hard_limit, soft_limit = settings.MAIL_BOUNCE_HARD_LIMIT, settings.MAIL_BOUNCE_SOFT_LIMIT
        reached = (hard_limit and address.hard_bounces >= hard_limit) or (
            soft_limit and address.soft_bounces >= soft_limit
        )
        if reached and address.undeliverable_since is None:
            address.undeliverable_since = now
            address.reason = reason[:2000] or status
            history_note(address, reason=f"undeliverable after a {kind} bounce ({status or 'no status'})")
            logger.info("Address %s undeliverable: %s", email, address.reason)
        else:
            history_note(address, reason=f"{kind} bounce ({status or 'no status'})")
        address.save()
    return address


_ENHANCED_STATUS = re.compile(r"\b([245]\.\d{1,3}\.\d{1,3})\b")


def smtp_refusal_record(*, email: str, reason: str, about: str, attempt: int) -> BouncedAddress | None:
    """The relay refused `email` at once (5xx at RCPT, vzhg.mail.smtp's RECIPIENT): counted as a
    bounce like a report from the bounce mailbox, hard or soft by its enhanced status (a refusal
    without one is hard), so the address becomes undeliverable at MAIL_BOUNCE_HARD_LIMIT. `about`
    names the row ("m:42", "d:17"); one refusal per attempt of that row counts (once)."""
    match = _ENHANCED_STATUS.search(reason)
    status = match.group(1) if match else ""
    return bounce_record(
        email=email,
        kind=bounce_kind(status=status),
        status=status,
        reason=reason,
        about=about,
        fingerprint=f"smtp:{about}:{attempt}"[:64],
    )


def bounced_address_reset(*, address: BouncedAddress, actor=None, reason: str = "reset by staff") -> bool:
    """Staff (or the address's owner, `bounced_address_owner_reset`) say the address works
    (again): no longer undeliverable, its counts back to zero (the bounces themselves stay as
    history). False when there was nothing to reset."""
    with transaction.atomic():
        address = BouncedAddress.objects.select_for_update().get(pk=address.pk)
        if address.undeliverable_since is None and not address.hard_bounces and not address.soft_bounces:
            return False
        address.undeliverable_since = None
        address.hard_bounces = 0
        address.soft_bounces = 0
        history_note(address, actor=actor, reason=reason)
        address.save()
    return True


def bounced_address_owner_reset(*, email: str, actor, reason: str = "confirmed by its owner") -> bool:
    """The owner of `email` says it is right (their profile), or proved it by following a
    verification link mailed to it: that one address is reset. The caller passes only the
    person's own address. False when it was not bounced."""
    address = BouncedAddress.objects.filter(email=email.strip().lower()).first()
    if address is None:
        return False
    return bounced_address_reset(address=address, actor=actor, reason=reason)


def soft_bounces_forget(*, now: datetime | None = None) -> int:
    """Forget the soft bounces of addresses (not undeliverable) that had a message accepted after
    their last bounce, long enough ago (MAIL_BOUNCE_SOFT_RESET_HOURS) that a bounce for it would
    have come back by now. Returns how many addresses were cleared."""
    now = now or timezone.now()
    before = now - timedelta(hours=settings.MAIL_BOUNCE_SOFT_RESET_HOURS)
    candidates = {
        row.email: row
        for row in BouncedAddress.objects.filter(
            soft_bounces__gt=0, undeliverable_since__isnull=True, last_bounce_at__lt=before
        )[:1000]
    }
    if not candidates:
        return 0
    latest: dict[str, datetime] = {}
    for about in verp_kinds().values():
        if about.sent_last is None:
            continue
        for email, sent_at in about.sent_last(list(candidates), before).items():
            email = email.lower()
            if email not in latest or sent_at > latest[email]:
                latest[email] = sent_at
    cleared = 0
    for email, address in candidates.items():
        delivered = latest.get(email)
        if delivered is None or address.last_bounce_at is None or delivered <= address.last_bounce_at:
            continue
        with transaction.atomic():
            row = BouncedAddress.objects.select_for_update().get(pk=address.pk)
            if row.last_bounce_at != address.last_bounce_at or row.undeliverable_since is not None:
                continue  # bounced again meanwhile
            row.soft_bounces = 0
            history_note(row, reason="soft bounces forgotten after a delivery")
            row.save()
            cleared += 1
    return cleared


# --- who is skipped ----------------------------------------------------------------------------


def undeliverable_emails() -> QuerySet:
    """The undeliverable addresses (lower case), as a subquery: `email__in=undeliverable_emails()`
    (compare with a lower-cased address)."""
    return BouncedAddress.objects.filter(undeliverable_since__isnull=False).values("email")


def undeliverable_exists(field: str = "email") -> Exists:
    """An Exists() for annotate/filter: the row's address `field` (any case) is undeliverable."""
    from django.db.models.functions import Lower

    return Exists(
        BouncedAddress.objects.filter(undeliverable_since__isnull=False, email=Lower(OuterRef(field)))
    )


def email_undeliverable(email: str) -> BouncedAddress | None:
    return BouncedAddress.objects.filter(
        email=email.strip().lower(), undeliverable_since__isnull=False
    ).first()


# --- one message of the bounce mailbox ------------------------------------------------------------


def bounce_message_handle(*, raw: bytes) -> str:
    """Act on one message of the bounce mailbox: count a bounce against the address of the row
    its VERP token names, or end the subscription of a mailto: unsubscribe. Returns the outcome
    (vzhg.mail.dsn.Outcome); UNKNOWN messages are left for a person to look at."""
    from .dsn import Outcome, message_read

    reading = message_read(raw)
    about = verp_kinds().get(reading.kind)
    if reading.pk is None or about is None:
        return reading.outcome  # not tied to one of our rows (UNKNOWN)
    if reading.outcome == Outcome.UNSUBSCRIBE and about.unsubscribe is not None:
        found = about.unsubscribe(reading.pk)
        logger.info(
            "Unsubscribe by mail for %s:%s: %s", reading.kind, reading.pk, "done" if found else "gone"
        )
        return Outcome.UNSUBSCRIBE
    if reading.outcome != Outcome.BOUNCE:
        return reading.outcome
    recipient = about.recipient(reading.pk) if about.recipient is not None else None
    if not recipient:
        logger.info("Bounce for %s:%s, a row that no longer exists: ignored", reading.kind, reading.pk)
        return Outcome.BOUNCE
    kind = bounce_kind(status=reading.status)
    bounce_record(
        email=recipient,
        kind=kind,
        status=reading.status,
        reason=reading.reason,
        about=f"{reading.kind}:{reading.pk}",
        fingerprint=reading.fingerprint,
    )
    return Outcome.BOUNCE


# --- the outbox's own VERP kind ---------------------------------------------------------------------

OUTBOX_VERP_KIND = "m"


def _outbox_recipient(pk: int) -> str | None:
    from .models import OutgoingMail

    return OutgoingMail.objects.filter(pk=pk).values_list("to", flat=True).first()


def _outbox_sent_last(emails: list[str], before: datetime) -> dict[str, datetime]:
    from django.db.models import Max
    from django.db.models.functions import Lower

    from .models import OutgoingMail

    rows = (
        OutgoingMail.objects.annotate(address=Lower("to"))
        .filter(address__in=emails, status=OutgoingMail.Status.SENT, sent_at__lte=before)
        .values("address")
        .annotate(last=Max("sent_at"))
    )
    return {row["address"]: row["last"] for row in rows}


def outbox_verp_register() -> None:
    """Called from MailConfig.ready(): tokens "m<id>" are outbox rows."""
    from .verp import VerpKind, verp_kind_register

    verp_kind_register(
        kind=OUTBOX_VERP_KIND, about=VerpKind(recipient=_outbox_recipient, sent_last=_outbox_sent_last)
    )


def undeliverable_reason(address: BouncedAddress) -> str:
    """Why a message to this address was not sent (shown on the row)."""
    from django.utils.translation import gettext as _

    return _("Not sent: the address is undeliverable (%(reason)s).") % {"reason": address.reason or "-"}
