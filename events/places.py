"""The confirmed places of an event, counted under the event lock (events/services.py).

Nothing here is stored: the counts are derived from the registrations every time, so they cannot
drift from the rows whatever changes them (a cancellation, the admin, an allocation, retention,
a person erased). `Occupancy.count` counts the whole event (the waiting-list promotions need every
workshop); `Occupancy.count_for` is the registration's fast path: one query for exactly the
numbers one decision needs (the event, the person's municipality and the workshops in play), so
the event lock is held for one round trip of counting.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connections, router
from django.db.models import Count

from .models import Event, Registration, Session, SessionChoice


@dataclass
class Occupancy:
    """Confirmed places of one event, counted under the event lock."""

    event_total: int = 0
    event_by_org: Counter = field(default_factory=Counter)
    session_total: Counter = field(default_factory=Counter)
    session_by_org: Counter = field(default_factory=Counter)

    @classmethod
    def count(cls, *, event: Event) -> Occupancy:
        occupancy = cls()
        for row in (
            Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED)
            .values("organisation_id")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            occupancy.event_total += row["n"]
            occupancy.event_by_org[row["organisation_id"]] += row["n"]
        for row in (
            SessionChoice.objects.filter(
                registration__event=event, registration__status=Registration.Status.CONFIRMED
            )
            .values("session_id", "registration__organisation_id")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            occupancy.session_total[row["session_id"]] += row["n"]
            occupancy.session_by_org[(row["session_id"], row["registration__organisation_id"])] += row["n"]
        return occupancy

    @classmethod
    def count_for(
        cls,
        *,
        event: Event,
        organisation_id: int | None,
        session_ids: Iterable[int] = (),
        exclude_registration_id: int | None = None,
    ) -> Occupancy:
        """The confirmed places one registration's decision needs, in one query: the event's, its
        municipality's at the event, and per workshop in `session_ids` (in total and of the
        municipality). `exclude_registration_id`: the registration being decided (already
        written in this transaction) does not count itself."""
        session_ids = sorted(set(session_ids))
        own = organisation_id is not None
        exclude = exclude_registration_id is not None
        params: list = []
        if own:
            params.append(organisation_id)
        for session_id in session_ids:
            params += [session_id, session_id, organisation_id] if own else [session_id]
        params += [event.pk, Registration.Status.CONFIRMED.value]
        if exclude:
            params.append(exclude_registration_id)
        connection = connections[router.db_for_read(Registration)]
        with connection.cursor() as cursor:
            cursor.execute(_count_for_sql(connection.alias, len(session_ids), own, exclude), params)
            row = cursor.fetchone()
        values = iter(row)
        occupancy = cls(event_total=next(values))
        occupancy.event_by_org[organisation_id] = next(values) if own else 0
        for session_id in session_ids:
            occupancy.session_total[session_id] = next(values)
            occupancy.session_by_org[(session_id, organisation_id)] = next(values) if own else 0
        return occupancy

    def add(self, *, organisation_id: int | None, session_ids, sign: int = 1) -> None:
        self.event_total += sign
        self.event_by_org[organisation_id] += sign
        for session_id in session_ids:
            self.session_total[session_id] += sign
            self.session_by_org[(session_id, organisation_id)] += sign

    def misfit(
        self, *, event: Event, organisation_id: int | None, sessions: list[Session]
    ) -> tuple[str, str] | None:
        """(reason, session title) when one more confirmed place would break a limit, else None."""
        if event.capacity is not None and self.event_total >= event.capacity:
            return "event_full", ""
        if (
            organisation_id is not None
            and event.places_per_municipality is not None
            and self.event_by_org[organisation_id] >= event.places_per_municipality
        ):
            return "event_municipality_cap", ""
        return self.session_misfit(organisation_id=organisation_id, sessions=sessions)

    def session_misfit(
        self, *, organisation_id: int | None, sessions: list[Session]
    ) -> tuple[str, str] | None:
        for session in sessions:
            if session.capacity is not None and self.session_total[session.pk] >= session.capacity:
                return "session_full", session.title
            if (
                organisation_id is not None
                and session.places_per_municipality is not None
                and self.session_by_org[(session.pk, organisation_id)] >= session.places_per_municipality
            ):
                return "session_municipality_cap", session.title
        return None


def ranked_assign(
    *, occupancy: Occupancy, organisation_id: int | None, ranking: dict[int, list[Session]]
) -> list[Session]:
    """Direct allocation for one confirmed registration, in memory: per round the best-ranked
    workshop with room within the per-municipality caps (as workshops.workshop_assign_direct);
    `occupancy` is updated."""
    assigned = []
    for sessions in ranking.values():
        for session in sessions:
            if occupancy.session_misfit(organisation_id=organisation_id, sessions=[session]) is None:
                occupancy.session_total[session.pk] += 1
                occupancy.session_by_org[(session.pk, organisation_id)] += 1
                assigned.append(session)
                break
    return assigned


@functools.lru_cache(maxsize=64)
def _count_for_sql(alias: str, sessions: int, own: bool, exclude: bool) -> str:
    """Occupancy.count_for's one query for `sessions` workshops: fixed SQL per shape (identifiers
    from the models' metadata only, every value a parameter), as the ORM would write it but
    without building the same aggregate anew for every registration in a rush. Parameters, in
    order: [organisation]; per workshop: session[, session, organisation]; event, 'confirmed'
    [, the registration left out]. With workshops the registrations are joined to their choices
    and counted once each (DISTINCT)."""
    quote = connections[alias].ops.quote_name
    registration, choice = Registration._meta, SessionChoice._meta

    def column(meta, name: str) -> str:
        return f"{quote(meta.db_table)}.{quote(meta.get_field(name).column)}"

    key, organisation = column(registration, "id"), column(registration, "organisation")
    distinct = "DISTINCT " if sessions else ""
    selects = [f"COUNT({distinct}{key})"]
    if own:
        selects.append(f"COUNT({distinct}CASE WHEN {organisation} = %s THEN {key} END)")
    choice_key, session = column(choice, "id"), column(choice, "session")
    for _ in range(sessions):
        selects.append(f"COUNT(CASE WHEN {session} = %s THEN {choice_key} END)")
        if own:
            selects.append(f"COUNT(CASE WHEN {session} = %s AND {organisation} = %s THEN {choice_key} END)")
    sql = f"SELECT {', '.join(selects)} FROM {quote(registration.db_table)}"
    if sessions:
        sql += f" LEFT OUTER JOIN {quote(choice.db_table)} ON ({column(choice, 'registration')} = {key})"
    sql += f" WHERE {column(registration, 'event')} = %s AND {column(registration, 'status')} = %s"
    if exclude:
        sql += f" AND NOT ({key} = %s)"
    return sql
