"""Who did it, and why: what the next save() of a row writes into its history (simple_history).

A request's own user is recorded by simple_history's middleware; a service acting for someone
(an admin action, a task started by a person, a link in a mail) says so here before it saves.
`actor=None` leaves the user as it is (the request's, or none for beat and mail links).
"""

from __future__ import annotations

import functools
from typing import Any

from django.db import models
from simple_history import models as simple_history_models
from simple_history.manager import HistoryManager

from vzhg.fixed_sql import insert_as_save, plain_insert


class _HistoryManager(HistoryManager):
    """simple_history's manager, whose class is made once per queryset class: simple_history
    makes it anew (from_queryset) on every `row.history`, also for each history row a save()
    writes (a fifth of that save's time in a registration rush, issue 15)."""

    @classmethod
    @functools.cache
    def from_queryset(cls, queryset_class, class_name=None):
        return super().from_queryset(queryset_class, class_name)


class HistoricalRecords(simple_history_models.HistoricalRecords):
    """simple_history's HistoricalRecords with the manager above, and history rows written by
    one INSERT built once per process (vzhg/fixed_sql.py) instead of the ORM's compiled anew each
    time; same history models, tables and signals."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("history_manager", _HistoryManager)
        super().__init__(*args, **kwargs)

    def create_history_model(self, model, inherited):
        history_model = super().create_history_model(model, inherited)
        if plain_insert(history_model, own_save=True):
            history_model.save = _history_row_save
        return history_model


def _history_row_save(self, *args, **kwargs):
    """save() of a history model: a new row as simple_history writes it (save(using=None)) by
    fixed SQL with save()'s signals; anything else by Django's save()."""
    if self._state.adding and not args and kwargs.get("using") is None and set(kwargs) <= {"using"}:
        insert_as_save([self])
        return
    models.Model.save(self, *args, **kwargs)


def history_note(row: Any, *, actor: Any = None, reason: str = "") -> None:
    """The history row the next `row.save()` writes names `actor` and gives `reason`."""
    if actor is not None:
        row._history_user = actor
    if reason:
        row._change_reason = reason
