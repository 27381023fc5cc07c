"""The item "Vaststellen notulen" on a new meeting: when the body's previous meeting has concept
minutes that no agenda adopts yet, the new meeting gets the item (once) and the minutes are put on
it (minutes.minutes_link), so the next agenda always says which minutes it adopts."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from governance.models import AgendaItem, Meeting, Minutes
from vzhg.history import history_note

from . import minutes as minutes_services
from . import services

ADOPTION_ITEM_ORDER = 2  # after "Opening en vaststelling van de agenda"


def _previous_minutes(*, meeting: Meeting) -> Minutes | None:
    previous = (
        Meeting.objects.filter(body_id=meeting.body_id, starts_at__lt=meeting.starts_at)
        .exclude(pk=meeting.pk)
        .order_by("-starts_at", "-pk")
        .select_related("minutes")
        .first()
    )
    minutes = getattr(previous, "minutes", None) if previous is not None else None
    if minutes is None or minutes.status != Minutes.Status.CONCEPT or minutes.adoption_item_id is not None:
        return None
    return minutes


@transaction.atomic
def minutes_adoption_item_ensure(*, meeting: Meeting, actor=None) -> AgendaItem | None:
    """Give a new meeting the item "Vaststellen notulen" for the previous meeting's concept
    minutes (an item with that title already on the agenda is used, never a second one) and link
    the minutes to it. None when there are no such minutes."""
    minutes = _previous_minutes(meeting=meeting)
    if minutes is None:
        return None
    item = (
        meeting.items.filter(
            title__istartswith=minutes_services.ADOPTION_ITEM_TITLE, minutes_to_adopt__isnull=True
        )
        .order_by("order", "pk")
        .first()
    )
    if item is None:
        meeting.items.filter(order__gte=ADOPTION_ITEM_ORDER).update(order=F("order") + 1)
        item = AgendaItem(
            meeting=meeting,
            order=ADOPTION_ITEM_ORDER,
            title=minutes_services.ADOPTION_ITEM_TITLE,
            kind=AgendaItem.Kind.BESLUITVORMING,
        )
        history_note(item, actor=actor)
        item.save()
        services.agenda_renumber(meeting=meeting)
    minutes_services.minutes_link(minutes=minutes, item=item, actor=actor)
    return item
