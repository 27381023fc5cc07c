"""Extension points of members: an app above members (messaging) adds to the person admin
through these, in its AppConfig.ready(), so members never imports it.

- `person_admin_panel_add(panel)`: a read-only panel (an `admin.display` function of one person,
  returning HTML) in a fieldset of its own at the end of the person's admin page;
- `person_admin_action_add(action)`: an admin action on the people list (one with a
  `required_permission` attribute is offered only to users with that permission);
- `person_admin_filter_add(filter)`: a list filter (a `SimpleListFilter` class) on the people list;
- `profile_panel_add(panel, order=100)`: a section on the member's own profile page (a function
  of `(request, person)` returning HTML, or "" to show nothing), shown by `order`, then by when
  it was added (newsletters 10, networks 20, governance's recommendations 100).
"""

from collections.abc import Callable

PERSON_ADMIN_PANELS: list[Callable] = []
PERSON_ADMIN_ACTIONS: list[Callable] = []
PERSON_ADMIN_FILTERS: list[type] = []
PROFILE_PANELS: list[Callable] = []  # in the order they are shown
_profile_panel_orders: dict[Callable, int] = {}


def person_admin_panel_add(panel: Callable) -> None:
    if panel not in PERSON_ADMIN_PANELS:
        PERSON_ADMIN_PANELS.append(panel)


def person_admin_action_add(action: Callable) -> None:
    if action not in PERSON_ADMIN_ACTIONS:
        PERSON_ADMIN_ACTIONS.append(action)


def person_admin_filter_add(list_filter: type) -> None:
    if list_filter not in PERSON_ADMIN_FILTERS:
        PERSON_ADMIN_FILTERS.append(list_filter)


def profile_panel_add(panel: Callable, *, order: int = 100) -> None:
    if panel not in PROFILE_PANELS:
        _profile_panel_orders[panel] = order
        PROFILE_PANELS.append(panel)
        PROFILE_PANELS.sort(key=_profile_panel_orders.__getitem__)  # stable: ties keep their order
