"""Who may read and handle contacts and signals. Never public, and staff status alone gives
nothing: the secretariat reads through its group's model permissions.

Today's AB and DB members may also read the signals (not the contact reports): the workplan
gives the board the signalling role ("extra ogen en oren ... De eigen bestuursleden spelen
hierbij een grote rol", DOMAIN §2.2) and the issue asks for "a list per theme and status for the
board". Forwarding and closing stay with whoever may change signals."""

from __future__ import annotations

from django.utils import timezone

from governance.models import Body, Mandate

VIEW_SIGNAL = "contacts.view_signal"
CHANGE_SIGNAL = "contacts.change_signal"
VIEW_CONTACT_MOMENT = "contacts.view_contactmoment"


def _has_perm(user, permission: str) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_perm(permission))


def is_board_member(user) -> bool:
    """Today's AB and DB members (one query)."""
    if not (user.is_authenticated and user.is_active):
        return False
    return (
        Mandate.objects.active_on(timezone.localdate())
        .filter(body__kind__in=[Body.Kind.AB, Body.Kind.DB], person__user=user)
        .exists()
    )


def may_read_signals(user) -> bool:
    return _has_perm(user, VIEW_SIGNAL) or is_board_member(user)


def may_handle_signals(user) -> bool:
    return _has_perm(user, CHANGE_SIGNAL)
