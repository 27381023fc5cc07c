"""Extension points of events: an app above events (governance) adds to events' pages through
these, in its AppConfig.ready(), so events never imports it.

- `event_admin_panel_add(panel)`: a read-only panel (an `admin.display` function of one event,
  returning HTML) at the end of the first fieldset of the event's admin page;
- `audience_bodies_set(queryset)`: the bodies offered for the invitation audience "members of a
  governance body" (a callable returning a queryset of objects with `mandates`).
"""

from collections.abc import Callable

from django.db.models import QuerySet

EVENT_ADMIN_PANELS: list[Callable] = []
_audience_bodies: list[Callable[[], QuerySet]] = []


def event_admin_panel_add(panel: Callable) -> None:
    if panel not in EVENT_ADMIN_PANELS:
        EVENT_ADMIN_PANELS.append(panel)


def audience_bodies_set(queryset: Callable[[], QuerySet]) -> None:
    _audience_bodies[:] = [queryset]


def audience_bodies() -> QuerySet | None:
    """The bodies to choose from, or None when no app offers any."""
    return _audience_bodies[0]() if _audience_bodies else None
