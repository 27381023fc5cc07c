"""An item can point to an event or a board meeting: the picker's choices and what the reader sees.

The models are looked up by label (as the agenda does), so newsletters imports neither events nor
governance and works without them. The link is generic (content type + id): no migration of
newsletters depends on theirs.
"""

from __future__ import annotations

import datetime

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vzhg.site import absolute_url

# What an item may link, and whether the reader may follow the link: a meeting's page carries
# the board's token, so a newsletter names the meeting and its date but does not link it.
LINKABLE = {"events.event": True, "governance.meeting": False}
PICKER_PAST_DAYS = 90
PICKER_LIMIT = 200


def _model(label: str):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def linkable_choices(*, now: datetime.datetime | None = None) -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices "<content type id>:<id>" → "21-11-2026 · title", from 90 days back on."""
    since = (now or timezone.now()) - datetime.timedelta(days=PICKER_PAST_DAYS)
    groups = []
    for label, verbose in (("events.event", _("Events")), ("governance.meeting", _("Meetings"))):
        model = _model(label)
        if model is None:
            continue
        content_type = ContentType.objects.get_for_model(model)
        rows = model.objects.filter(starts_at__gte=since).order_by("starts_at")[:PICKER_LIMIT]
        options = [
            (
                f"{content_type.pk}:{row.pk}",
                f"{timezone.localtime(row.starts_at):%d-%m-%Y %H:%M} · {row.title}",
            )
            for row in rows
        ]
        if options:
            groups.append((str(verbose), options))
    return groups


def linkable_parse(value: str) -> tuple[ContentType, int] | None:
    """The content type and id of a picked choice; None for no choice or one that is not linkable."""
    if not value:
        return None
    try:
        type_id, object_id = (int(part) for part in value.split(":"))
        content_type = ContentType.objects.get_for_id(type_id)
    except (ValueError, ContentType.DoesNotExist):
        return None
    if f"{content_type.app_label}.{content_type.model}" not in LINKABLE:
        return None
    return content_type, object_id


def linked_for_display(linked) -> dict | None:
    """Title, moment and (for events) the absolute URL of what an item links."""
    if linked is None:
        return None
    label = f"{linked._meta.app_label}.{linked._meta.model_name}"
    return {
        "title": linked.title,
        "moment": timezone.localtime(linked.starts_at),
        "url": absolute_url(linked.get_absolute_url()) if LINKABLE.get(label) else "",
    }
