"""Who did it, and why: what the next save() of a row writes into its history (simple_history).

A request's own user is recorded by simple_history's middleware; a service acting for someone
(an admin action, a task started by a person, a link in a mail) says so here before it saves.
`actor=None` leaves the user as it is (the request's, or none for beat and mail links).
"""

from __future__ import annotations

from typing import Any


def history_note(row: Any, *, actor: Any = None, reason: str = "") -> None:
    """The history row the next `row.save()` writes names `actor` and gives `reason`."""
    if actor is not None:
        row._history_user = actor
    if reason:
        row._change_reason = reason
