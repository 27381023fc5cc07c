"""The action list (actielijst) of a body: writing and closing actions, and reading the open ones
for the next meeting's pack and for a board member's portal."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.models import Action, Meeting
from vzhg.errors import ServiceError
from vzhg.history import history_note


def action_save(*, action: Action, actor=None) -> Action:
    """Create or change an action as typed (its body, meeting and item must agree)."""
    try:
        action.full_clean(exclude=["status", "done_at"])
    except ValidationError as error:
        raise ServiceError(" ".join(error.messages)) from error
    with transaction.atomic():
        history_note(action, actor=actor)
        action.save()
    return action


def action_status_set(*, action: Action, status: str, actor=None) -> Action:
    """Mark an action done (with the moment) or open again; the history keeps who did it."""
    if status not in Action.Status.values:
        raise ServiceError(_("Unknown status: %(status)s") % {"status": status})
    with transaction.atomic():
        action = Action.objects.select_for_update().get(pk=action.pk)
        if action.status == status:
            return action
        action.status = status
        action.done_at = timezone.now() if status == Action.Status.DONE else None
        history_note(action, actor=actor)
        action.save(update_fields=["status", "done_at"])
    return action


def open_actions_before(*, meeting: Meeting) -> QuerySet[Action]:
    """The body's actions still open that were agreed at an earlier meeting: they carry over to
    this meeting's pack ("Openstaande acties")."""
    return (
        Action.objects.filter(
            body_id=meeting.body_id,
            status=Action.Status.OPEN,
            meeting__starts_at__lt=meeting.starts_at,
        )
        .select_related("owner", "meeting", "item")
        .order_by("due", "pk")
    )


def open_actions_of(*, user) -> QuerySet[Action]:
    """The open actions whose owner is this user's person (the board portal)."""
    return (
        Action.objects.filter(owner__user=user, status=Action.Status.OPEN)
        .select_related("body", "meeting", "item")
        .order_by("due", "pk")
    )
