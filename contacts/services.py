"""Writes of the contacts app: forwarding and closing a signal (who and why in its history)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vzhg.errors import ServiceError
from vzhg.history import history_note

from .models import Signal


def _locked(signal: Signal) -> Signal:
    return Signal.objects.select_for_update().get(pk=signal.pk)


def signal_forward(
    *,
    signal: Signal,
    forwarded_to: str,
    seat=None,
    note: str = "",
    on: datetime.date | None = None,
    actor=None,
) -> Signal:
    """Record to whom and when the signal was carried on (VNG commission member, VNG, PZH...).
    A forwarded signal may be forwarded again (to someone else); a closed one may not."""
    on = on or timezone.localdate()
    if forwarded_to not in Signal.ForwardedTo.values:
        raise ServiceError(_("Choose to whom the signal was forwarded."), code="forwarded_to")
    if forwarded_to == Signal.ForwardedTo.COMMISSION_MEMBER and seat is None:
        raise ServiceError(_("Choose the VNG commission member the signal went to."), code="seat")
    if forwarded_to == Signal.ForwardedTo.OTHER and not note.strip():
        raise ServiceError(_("Say to whom the signal was forwarded."), code="note")
    with transaction.atomic():
        row = _locked(signal)
        if row.status == Signal.Status.CLOSED:
            raise ServiceError(_("This signal is already closed."), code="closed")
        if on < row.received_on:
            raise ServiceError(_("A signal cannot be forwarded before it was received."), code="date")
        row.status = Signal.Status.FORWARDED
        row.forwarded_to = forwarded_to
        row.forwarded_to_seat = seat if forwarded_to == Signal.ForwardedTo.COMMISSION_MEMBER else None
        row.forwarded_to_note = note.strip()
        row.forwarded_on = on
        history_note(row, actor=actor, reason=_("Forwarded to %(whom)s") % {"whom": row.forwarded_to_label})
        row.save()
    return row


def signal_close(*, signal: Signal, outcome: str, on: datetime.date | None = None, actor=None) -> Signal:
    """Close the signal with what came of it."""
    on = on or timezone.localdate()
    if not outcome.strip():
        raise ServiceError(_("Write down what came of the signal before closing it."), code="outcome")
    with transaction.atomic():
        row = _locked(signal)
        if row.status == Signal.Status.CLOSED:
            raise ServiceError(_("This signal is already closed."), code="closed")
        if on < row.received_on:
            raise ServiceError(_("A signal cannot be closed before it was received."), code="date")
        row.status = Signal.Status.CLOSED
        row.outcome = outcome.strip()
        row.closed_on = on
        history_note(row, actor=actor, reason=_("Closed"))
        row.save()
    return row
