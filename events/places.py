"""The confirmed places of an event, counted under the event lock (events/services.py).

Nothing here is stored: the counts are derived from the registrations every time, so they cannot
drift from the rows whatever changes them (a cancellation, the admin, an allocation, retention,
a person erased). `Occupancy.count` counts the whole event (the waiting-list promotions need every
workshop); `Occupancy.count_for` is the registration's fast path: one query for exactly the
numbers one decision needs (the event, the person's municipality and the workshops in play), so
the event lock is held for one round trip of counting.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q

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
        confirmed = Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED)
        if exclude_registration_id is not None:
            confirmed = confirmed.exclude(pk=exclude_registration_id)
        # With workshops the rows are joined to their choices: the registrations count once each.
        distinct = bool(session_ids)
        aggregates = {"total": Count("pk", distinct=distinct)}
        own = Q(organisation_id=organisation_id)
        if organisation_id is not None:
            aggregates["own"] = Count("pk", distinct=distinct, filter=own)
        for session_id in session_ids:
            in_session = Q(choices__session_id=session_id)
            aggregates[f"session_{session_id}"] = Count("choices", filter=in_session)
            if organisation_id is not None:
                aggregates[f"own_{session_id}"] = Count("choices", filter=in_session & own)
        row = confirmed.aggregate(**aggregates)
        occupancy = cls(event_total=row["total"])
        occupancy.event_by_org[organisation_id] = row.get("own", 0)
        for session_id in session_ids:
            occupancy.session_total[session_id] = row[f"session_{session_id}"]
            occupancy.session_by_org[(session_id, organisation_id)] = row.get(f"own_{session_id}", 0)
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


def choices_of(registration: Registration, sessions: list[Session]) -> list[SessionChoice]:
    """Unsaved SessionChoice rows of `sessions` (with their rounds), in round order: what the
    confirmation mail lists, before or without reading them back."""
    rows = [
        SessionChoice(registration=registration, session=session, round=session.round) for session in sessions
    ]
    return sorted(rows, key=lambda row: row.round.number)
