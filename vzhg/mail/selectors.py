"""Reads of the outbox: how the relay is doing, in words for the secretariat."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import OutgoingMail, RelayState


def _moment(value: datetime) -> str:
    value = timezone.localtime(value)
    if value.date() == timezone.localdate():
        return date_format(value, "H:i")
    return date_format(value, "j b H:i")


def relay_state() -> RelayState | None:
    return RelayState.objects.filter(pk=RelayState.SINGLETON).first()


def mail_waiting_count() -> int:
    return OutgoingMail.objects.filter(
        status__in=[OutgoingMail.Status.QUEUED, OutgoingMail.Status.SENDING]
    ).count()


def relay_notice(*, waiting: int | None = None) -> str | None:
    """One sentence for the admin pages while the relay is failing, e.g. "Mail server
    unreachable since 14:02, 1,499 messages waiting, next try 14:09. Last error: ...".
    `waiting` is what waits on the page that shows it (default: the whole outbox). Also says so
    when mail has been waiting longer than MAIL_ALERT_AFTER_SECONDS. None when all is well."""
    state = relay_state()
    if state is not None and state.failing_since is not None:
        if waiting is None:
            waiting = mail_waiting_count()
        sentence = ngettext(
            "Mail server unreachable since %(since)s, %(count)s message waiting, next try %(next)s.",
            "Mail server unreachable since %(since)s, %(count)s messages waiting, next try %(next)s.",
            waiting,
        ) % {
            "since": _moment(state.failing_since),
            "count": number_format(waiting, force_grouping=True),
            "next": _moment(state.next_attempt_at) if state.next_attempt_at else _("at the next sweep"),
        }
        if state.last_error:
            sentence += " " + _("Last error: %(error)s") % {"error": state.last_error[:300]}
        return sentence
    threshold = timezone.now() - timedelta(seconds=settings.MAIL_ALERT_AFTER_SECONDS)
    late = OutgoingMail.objects.filter(status=OutgoingMail.Status.QUEUED, created_at__lte=threshold).count()
    if late:
        minutes = max(1, settings.MAIL_ALERT_AFTER_SECONDS // 60)
        return ngettext(
            "%(count)s message has been waiting longer than %(minutes)d minutes.",
            "%(count)s messages have been waiting longer than %(minutes)d minutes.",
            late,
        ) % {"count": number_format(late, force_grouping=True), "minutes": minutes}
    return None
