"""Who did it, and why: what the next save() of a row writes into its history (simple_history).

A request's own user is recorded by simple_history's middleware; a service acting for someone
(an admin action, a task started by a person, a link in a mail) says so here before it saves.
`actor=None` leaves the user as it is (the request's, or none for beat and mail links).
"""

from __future__ import annotations

import functools
from typing import Any

from simple_history import models as simple_history_models
from simple_history.manager import HistoryManager


class _HistoryManager(HistoryManager):
    """simple_history's manager, whose class is made once per queryset class: simple_history
    makes it anew (from_queryset) on every `row.history`, also for each history row a save()
    writes (a fifth of that save's time in a registration rush, issue 15)."""

    @classmethod
    @functools.cache
    def from_queryset(cls, queryset_class, class_name=None):
        return super().from_queryset(queryset_class, class_name)


class HistoricalRecords(simple_history_models.HistoricalRecords):
    """simple_history's HistoricalRecords with the manager above (same history model and tables)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("history_manager", _HistoryManager)
        super().__init__(*args, **kwargs)


def history_note(row: Any, *, actor: Any = None, reason: str = "") -> None:
    """The history row the next `row.save()` writes names `actor` and gives `reason`."""
    if actor is not None:
        row._history_user = actor
    if reason:
        row._change_reason = reason
