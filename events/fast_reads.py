"""The registration POST's reads (issue 15, "fast under a rush"): the event with its host and
network, its rounds with their workshops, its own questions and the person's registration, one
query each of fixed SQL built once per process (vzhg/fixed_sql.py; identifiers from the models'
metadata, every value a parameter), as events/places.py does for the occupancy count; the
instances are what the ORM (select_related, prefetch_related, first()) gives. The first three
are kept per process as rows (events/definitions.py)."""

from __future__ import annotations

import functools

from django.db import connections, router

from vzhg.fixed_sql import FixedRead, column_converter, fixed_read

from .models import Event, Question, Registration, Round, Session


def event_rounds_rows(*, event_id: int) -> list[tuple]:
    """The event's rounds (by number) with their workshops (by pk), in ONE query (a rush's
    registration POST, issue 15): the rows as the database gives them (events/definitions.py
    keeps them per process; event_rounds_build makes the instances)."""
    alias = router.db_for_read(Round)
    with connections[alias].cursor() as cursor:
        cursor.execute(_rounds_sql(alias)[0], [event_id])
        return [tuple(row) for row in cursor.fetchall()]


def event_rounds_build(*, event: Event, rows: list[tuple]) -> list[Round]:
    """The rounds and workshops of event_rounds_rows as new instances, set as the prefetch of
    `event.rounds` and of each round's `sessions` would be: `event.rounds.all()`,
    `round.sessions.all()`, `session.round` and `round.event` cost no query afterwards. No
    confirmed counts (registration_counts_attach)."""
    alias = router.db_for_read(Round)
    _sql, round_names, session_names, converters = _rounds_sql(alias)
    rounds: dict[int, tuple[Round, list[Session]]] = {}
    split = len(round_names)
    for row in rows:
        values = [convert(value) for convert, value in zip(converters, row, strict=True)]
        if values[0] not in rounds:
            round_ = Round.from_db(alias, round_names, values[:split])
            Round.event.field.set_cached_value(round_, event)
            rounds[values[0]] = (round_, [])
        round_, sessions = rounds[values[0]]
        if values[split] is not None:  # a round without workshops has one row of NULLs
            session = Session.from_db(alias, session_names, values[split:])
            Session.round.field.set_cached_value(session, round_)
            sessions.append(session)
    for round_, sessions in rounds.values():
        _prefetched_set(round_, "sessions", sessions)
    result = [round_ for round_, _sessions in rounds.values()]
    _prefetched_set(event, "rounds", result)
    return result


def _prefetched_set(instance, name: str, objects: list) -> None:
    """What prefetch_related leaves on `instance` for its reverse relation `name`."""
    queryset = getattr(instance, name).get_queryset()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[name] = queryset


@functools.lru_cache(maxsize=4)
def _rounds_sql(alias: str) -> tuple[str, list[str], list[str], list]:
    """event_rounds_rows's fixed SQL (built once per process; identifiers from the models'
    metadata, the event a parameter): rounds LEFT JOIN workshops, every concrete column of both;
    with the field names and one converter per column (the ORM's, for these fields none on
    PostgreSQL)."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    round_meta, session_meta = Round._meta, Session._meta
    rounds, sessions = quote(round_meta.db_table), quote(session_meta.db_table)
    fields = [(rounds, f) for f in round_meta.concrete_fields] + [
        (sessions, f) for f in session_meta.concrete_fields
    ]
    columns = ", ".join(f"{table}.{quote(f.column)}" for table, f in fields)

    def column(table: str, meta, name: str) -> str:
        return f"{table}.{quote(meta.get_field(name).column)}"

    sql = (
        f"SELECT {columns} FROM {rounds} LEFT OUTER JOIN {sessions}"
        f" ON ({column(sessions, session_meta, 'round')} = {column(rounds, round_meta, 'id')})"
        f" WHERE {column(rounds, round_meta, 'event')} = %s"
        f" ORDER BY {column(rounds, round_meta, 'number')} ASC, {column(rounds, round_meta, 'id')} ASC,"
        f" {column(sessions, session_meta, 'id')} ASC"
    )

    return (
        sql,
        [f.attname for f in round_meta.concrete_fields],
        [f.attname for f in session_meta.concrete_fields],
        [column_converter(connection, f) for _table, f in fields],
    )


LISTED_STATUSES = (Event.Status.PUBLISHED.value, Event.Status.CANCELLED.value)


def event_for_post_read() -> FixedRead:
    """The published or cancelled event (parameters: its slug, then LISTED_STATUSES) with its host
    and network set as select_related sets them (None when there is none), in one query; no
    confirmed count."""
    return fixed_read(Event, where=("slug", ("status", 2)), related=("host", "network"), limit=1)


def event_questions_read(*, event: Event) -> list[Question]:
    """The event's own questions in their order (order, pk), as
    Question.objects.filter(event=event).order_by("order", "pk") reads them."""
    return event_questions_fixed().all(event.pk)


def event_questions_fixed() -> FixedRead:
    """event_questions_read's statement (parameter: the event's id)."""
    return fixed_read(Question, where=("event",), order_by=("order", "pk"))


def registration_row(*, event: Event, person_id: int) -> Registration | None:
    """The person's registration of the event (one at most: registration_event_person_unique),
    as Registration.objects.filter(event=event, person=person).first() reads it."""
    read = fixed_read(Registration, where=("event", "person"), order_by=("created_at", "pk"), limit=1)
    return read.one(event.pk, person_id)
