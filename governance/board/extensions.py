"""Extension points of the board room: the reports room (the layer above) adds to the board's
pages through these in GovernanceConfig.ready(), so the board never imports the reports.

- MEETING_ADMIN_PANELS: read-only panels (`admin.display` functions of a meeting) on the
  meeting's admin page, before its motions;
- PORTAL_CONTEXT: functions of the user returning what they add to the board portal's context.
"""

from collections.abc import Callable

MEETING_ADMIN_PANELS: list[Callable] = []
PORTAL_CONTEXT: list[Callable] = []


def meeting_admin_panel_add(panel: Callable) -> None:
    if panel not in MEETING_ADMIN_PANELS:
        MEETING_ADMIN_PANELS.append(panel)


def portal_context_add(context: Callable) -> None:
    if context not in PORTAL_CONTEXT:
        PORTAL_CONTEXT.append(context)
