"""Extension points of events: an app above events (governance) adds to events' pages through
these, in its AppConfig.ready(), so events never imports it.

- `event_admin_panel_add(panel)`: a read-only panel (an `admin.display` function of one event,
  returning HTML) at the end of the first fieldset of the event's admin page;
- `audience_bodies_set(queryset)`: the bodies offered for the invitation audience "members of a
  governance body" (a callable returning a queryset of objects with `mandates`);
- `event_page_section_add(section)`: a function of one event returning HTML (or "") shown on the
  event's public page (governance: the agenda and documents of the meeting held there);
- `event_duplicated_add(hook)`: called as `hook(original=, copy=, actor=)` inside the transaction
  that copies an event a year later (governance: the meeting held there is copied and linked);
- `registration_part_add(part)`: called as `part(event=, person=, data=)` when a person opens or
  posts the registration form; returns None, or an object with `form` (a Django form with its
  own prefix, bound to `data`), `template` (renders it, given `form`) and `save(actor=)`, called
  in the registration's transaction after the registration is made (a ServiceError undoes both)
  and returning a message or "" (governance: the municipality's delegate for the ALV held there);
- `invitation_templates_set(templates)`: the texts the invitation page offers to start from (a
  callable returning objects with `pk`, `name`, `subject` and `body`; messaging: its message
  templates, "Save the date", "Uitnodiging ALV");
- `network_people_set(people)`: the people of a network today (a callable of a network id
  returning a queryset of people; networks), for the invitation audience "members of the
  event's network".
"""

from collections.abc import Callable, Iterable

from django.db.models import QuerySet

EVENT_ADMIN_PANELS: list[Callable] = []
EVENT_PAGE_SECTIONS: list[Callable] = []
EVENT_DUPLICATED: list[Callable] = []
REGISTRATION_PARTS: list[Callable] = []
_audience_bodies: list[Callable[[], QuerySet]] = []
_invitation_templates: list[Callable[[], Iterable]] = []
_network_people: list[Callable[[int | None], QuerySet]] = []


def event_admin_panel_add(panel: Callable) -> None:
    if panel not in EVENT_ADMIN_PANELS:
        EVENT_ADMIN_PANELS.append(panel)


def event_page_section_add(section: Callable) -> None:
    if section not in EVENT_PAGE_SECTIONS:
        EVENT_PAGE_SECTIONS.append(section)


def event_page_sections(event) -> list[str]:
    """The HTML other apps add to the event's public page (empty ones left out)."""
    return [html for section in EVENT_PAGE_SECTIONS if (html := section(event))]


def event_duplicated_add(hook: Callable) -> None:
    if hook not in EVENT_DUPLICATED:
        EVENT_DUPLICATED.append(hook)


def registration_part_add(part: Callable) -> None:
    if part not in REGISTRATION_PARTS:
        REGISTRATION_PARTS.append(part)


def registration_parts(*, event, person, data=None) -> list:
    """The parts other apps add to this person's registration form for this event."""
    return [found for part in REGISTRATION_PARTS if (found := part(event=event, person=person, data=data))]


def audience_bodies_set(queryset: Callable[[], QuerySet]) -> None:
    _audience_bodies[:] = [queryset]


def audience_bodies() -> QuerySet | None:
    """The bodies to choose from, or None when no app offers any."""
    return _audience_bodies[0]() if _audience_bodies else None


def invitation_templates_set(templates: Callable[[], Iterable]) -> None:
    _invitation_templates[:] = [templates]


def invitation_templates() -> list:
    """The texts to start an invitation from (empty when no app offers any)."""
    return list(_invitation_templates[0]()) if _invitation_templates else []


def network_people_set(people: Callable[[int | None], QuerySet]) -> None:
    _network_people[:] = [people]


def network_people(network_id: int | None) -> QuerySet | None:
    """The people of the network `network_id` today, or None when no app offers networks."""
    return _network_people[0](network_id) if _network_people else None
