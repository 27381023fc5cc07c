"""What a registration POST reads about its event, kept per worker process (issue 15, "fast under a
rush").

A rush is thousands of POSTs for one event, and each read the same event row, its rounds with
their workshops and its own questions: three queries and a dozen instances, a third of a POST's
work. Each process keeps those rows (not instances: every request builds its own, so no two
threads share an object) for TTL_SECONDS.

Nothing a registration decides rests on a kept row alone. The registration takes the event lock,
which reads the event row afresh, and `same_event` compares every column with the kept one; any
change to the event's rounds, workshops or questions touches that row (`event_touch`, connected to
their save and delete in apps.py), so a changed definition always shows there. When it differs,
the service raises `Stale`, and the page does the whole request again from the database, in a new
transaction (events/views.py register: the fast attempt, then the full one). The page does the
same for every outcome that is not a registration (a refusal, a form error, a registration the
person has already): what it shows or refuses is never based on a kept row. Only when the
database is out of reach is the form shown again as it was, with what the member entered. The
kept rows only make the common case cheap; they never decide.

A process keeps at most MAX_EVENTS events; the oldest go first.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from django.db.models import signals
from django.utils import timezone

from .fast_reads import (
    LISTED_STATUSES,
    event_for_post_read,
    event_questions_fixed,
    event_rounds_build,
    event_rounds_rows,
)
from .models import Event, Question, Round, Session

TTL_SECONDS = 30.0
MAX_EVENTS = 128


class Stale(Exception):
    """The event changed after its rows were kept: do the request again from the database."""


@dataclass(frozen=True)
class Definition:
    """One request's own instances: the event (with host, network and its rounds with their
    workshops, as events.fast_reads reads them) and its questions; `kept`: made from kept rows."""

    event: Event
    questions: list[Question]
    kept: bool


@dataclass(frozen=True)
class _Rows:
    read_at: float
    event: tuple
    rounds: list[tuple]
    questions: list[tuple]


_kept: dict[str, _Rows] = {}
_lock = threading.Lock()


def event_definition(*, slug: str, kept: bool = True) -> Definition | None:
    """The published or cancelled event `slug` as the registration POST needs it (None: no such
    event). `kept=False`: read from the database (and kept for the next request)."""
    rows = _kept.get(slug) if kept else None
    if rows is None or time.monotonic() - rows.read_at > TTL_SECONDS:
        rows = _read(slug)
        if rows is None:
            return None
        with _lock:
            _kept.pop(slug, None)
            _kept[slug] = rows
            while len(_kept) > MAX_EVENTS:
                _kept.pop(next(iter(_kept)))
        kept = False
    event = event_for_post_read().instance(rows.event)
    event_rounds_build(event=event, rows=rows.rounds)
    questions = [event_questions_fixed().instance(row) for row in rows.questions]
    return Definition(event=event, questions=questions, kept=kept)


def _read(slug: str) -> _Rows | None:
    """The event row first, then its rounds and questions: a change committed in between shows
    in a newer event row (event_touch), so these rows are never newer than the event row kept
    with them, and same_event finds any difference."""
    read_at = time.monotonic()
    events = event_for_post_read().rows(slug, *LISTED_STATUSES)
    if not events:
        return None
    event_id = events[0][0]
    return _Rows(
        read_at=read_at,
        event=events[0],
        rounds=event_rounds_rows(event_id=event_id),
        questions=event_questions_fixed().rows(event_id),
    )


def same_event(kept: Event, locked: Event) -> bool:
    """Whether the event row read under the lock is the kept one, column by column."""
    return all(getattr(kept, f.attname) == getattr(locked, f.attname) for f in Event._meta.concrete_fields)


def forget_all() -> None:
    """Forget every kept event (tests)."""
    with _lock:
        _kept.clear()


def event_touch(*, event_id: int | None = None, round_id: int | None = None) -> None:
    """Mark the event changed (its `updated_at`, without a history row): the kept rows of its
    definition no longer pass same_event. Before the change itself, in its transaction: a
    registration holding the event lock finishes first."""
    events = (
        Event.objects.filter(pk=event_id) if event_id is not None else Event.objects.filter(rounds=round_id)
    )
    events.update(updated_at=timezone.now())


def _round_changed(sender, instance: Round, **kwargs) -> None:
    event_touch(event_id=instance.event_id)


def _session_changed(sender, instance: Session, **kwargs) -> None:
    event_touch(round_id=instance.round_id)


def _question_changed(sender, instance: Question, **kwargs) -> None:
    event_touch(event_id=instance.event_id)


def changes_connect() -> None:
    """Touch the event before any save or delete of its rounds, workshops and questions."""
    for model, receiver in (
        (Round, _round_changed),
        (Session, _session_changed),
        (Question, _question_changed),
    ):
        for name, signal in (("pre_save", signals.pre_save), ("pre_delete", signals.pre_delete)):
            signal.connect(receiver, sender=model, dispatch_uid=f"events.definitions.{model.__name__}.{name}")
