"""Writes of the contacts app: forwarding and closing a signal (who and why in its history)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vzhg.errors import ServiceError
from vzhg.history import history_note

from .models import ContactAction, ContactMoment, Signal


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


def contacts_personal_data_purge(*, before: datetime.date) -> dict[str, int]:
    """Retention (CONTACTS_RETENTION_MONTHS, see contacts.tasks): contact moments held before
    `before` lose what names people — their participants, their short report (also in every
    history row) and their follow-up actions' owners; closed signals received before it lose the
    person they came from (row and history). What counts stays: the date, the counterpart, the
    title, the organisations, the theme and the workplan activities, so planned-vs-realised and
    past annual reports keep their numbers. Returns how many moments and signals were cleared."""
    moments = ContactMoment.objects.filter(date__lt=before)
    our = ContactMoment.our_participants.through.objects.filter(contactmoment__date__lt=before)
    theirs = ContactMoment.their_participants.through.objects.filter(contactmoment__date__lt=before)
    with transaction.atomic():
        moment_ids = set(moments.exclude(report="").values_list("pk", flat=True))
        moment_ids |= set(our.values_list("contactmoment_id", flat=True))
        moment_ids |= set(theirs.values_list("contactmoment_id", flat=True))
        our.delete()
        theirs.delete()
        moments.exclude(report="").update(report="")
        ContactMoment.history.filter(date__lt=before).exclude(report="").update(report="")
        ContactAction.objects.filter(contact_moment__date__lt=before, owner__isnull=False).update(owner=None)
        closed = Signal.objects.filter(
            status=Signal.Status.CLOSED, received_on__lt=before, person__isnull=False
        )
        signal_ids = list(closed.values_list("pk", flat=True))
        closed.update(person=None)
        Signal.history.filter(id__in=signal_ids).update(person=None)
    return {"contact_moments": len(moment_ids), "signals": len(signal_ids)}
