"""Ranked workshop choices (events with `workshop_ranks` ≥ 1): store a member's ranking, assign a
workshop per round directly on registration, and promote from a workshop's waiting list.

The event place never depends on a workshop: registration_create confirms or waitlists the place
for the event alone, then calls `workshop_assign_direct` inside its transaction (the caller holds
the event lock and the Session rows are locked here in pk order, as in events/services.py). The
assigned workshop of a round is a SessionChoice row, so the occupancy counts, lists, PDFs and
exports keep working unchanged. A confirmed registration without a SessionChoice in a round
waits on the workshop lists of every workshop it ranked in that round; when a place frees, the
list promotes by rank, then by the time of registration.

The allocation after closing is in events/allocation.py.
"""

from __future__ import annotations

import secrets

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vzhg.errors import ServiceError

from .models import AllocationRun, Event, Registration, Round, Session, SessionChoice, WorkshopChoice

Ranking = dict[int, list[int]]  # round id → session ids, first choice first


def ranking_validate(*, event: Event, ranking: Ranking | None) -> dict[int, list[Session]]:
    """Check a ranking against the event's rounds: sessions of that round, no workshop twice, at
    most `workshop_ranks` per round, at least one in every round that is not optional."""
    ranking = ranking or {}
    rounds = {round_.pk: round_ for round_ in Round.objects.filter(event=event).prefetch_related("sessions")}
    result: dict[int, list[Session]] = {}
    for round_id, session_ids in ranking.items():
        round_ = rounds.get(int(round_id))
        if round_ is None:
            raise ServiceError(_("A chosen workshop does not belong to this event."), "foreign_session")
        ids = [int(session_id) for session_id in session_ids if session_id]
        if len(ids) != len(set(ids)):
            raise ServiceError(_("You ranked the same workshop twice."), "duplicate_session")
        if len(ids) > event.workshop_ranks:
            raise ServiceError(
                _("Rank at most %(count)s workshops per round.") % {"count": event.workshop_ranks},
                "too_many_ranks",
            )
        sessions = {session.pk: session for session in round_.sessions.all()}
        if any(session_id not in sessions for session_id in ids):
            raise ServiceError(_("A chosen workshop does not belong to this event."), "foreign_session")
        if ids:
            result[round_.pk] = [sessions[session_id] for session_id in ids]
    missing = [round_.number for round_ in rounds.values() if not round_.optional and round_.pk not in result]
    if missing:
        raise ServiceError(
            _("Choose a workshop for round %(rounds)s.")
            % {"rounds": ", ".join(str(n) for n in sorted(missing))},
            "missing_round",
        )
    return result


def ranking_store(*, registration: Registration, ranking: dict[int, list[Session]]) -> None:
    """Replace the registration's ranked choices (and forget its assigned workshops)."""
    registration.ranked_choices.all().delete()
    registration.choices.all().delete()
    WorkshopChoice.objects.bulk_create(
        [
            WorkshopChoice(registration=registration, session=session, round_id=round_id, rank=rank)
            for round_id, sessions in ranking.items()
            for rank, session in enumerate(sessions, start=1)
        ]
    )


def _fits(occupancy, session: Session, organisation_id: int | None) -> bool:
    return occupancy.session_misfit(organisation_id=organisation_id, sessions=[session]) is None


def _count_in(occupancy, session: Session, organisation_id: int | None) -> None:
    occupancy.session_total[session.pk] += 1
    occupancy.session_by_org[(session.pk, organisation_id)] += 1


def workshop_assign_direct(*, registration: Registration, occupancy) -> list[SessionChoice]:
    """Give a confirmed registration, in every round it ranked and has no workshop yet, the
    best-ranked workshop with room (within the per-municipality caps). Inside the caller's
    transaction, under the event lock; `occupancy` (events.services.Occupancy) is updated."""
    from .services import _lock_sessions

    ranked = list(registration.ranked_choices.order_by("round_id", "rank"))
    if not ranked or registration.status != Registration.Status.CONFIRMED:
        return []
    sessions = {session.pk: session for session in _lock_sessions(choice.session_id for choice in ranked)}
    have = set(registration.choices.values_list("round_id", flat=True))
    assigned = []
    for choice in ranked:
        if choice.round_id in have:
            continue
        session = sessions[choice.session_id]
        if _fits(occupancy, session, registration.organisation_id):
            assigned.append(
                SessionChoice(registration=registration, session=session, round_id=choice.round_id)
            )
            _count_in(occupancy, session, registration.organisation_id)
            have.add(choice.round_id)
    SessionChoice.objects.bulk_create(assigned)
    return assigned


def workshop_waitlist_promote(*, event: Event, now=None) -> list[SessionChoice]:
    """Fill free workshop places from the workshop waiting lists: confirmed registrations without
    a workshop in that round who ranked it, best rank first, then the earliest registration; each
    person promoted gets a mail. Runs inside the caller's transaction under the event lock.
    Only for direct allocation (after closing, the secretariat's allocation decides)."""
    from . import emails
    from .services import Occupancy, _lock_sessions

    if not event.workshop_ranks or event.workshop_allocation != Event.WorkshopAllocation.DIRECT:
        return []
    with transaction.atomic():
        waiting = list(
            WorkshopChoice.objects.filter(
                registration__event=event, registration__status=Registration.Status.CONFIRMED
            )
            .annotate(
                assigned=Exists(
                    SessionChoice.objects.filter(
                        registration_id=OuterRef("registration_id"), round_id=OuterRef("round_id")
                    )
                )
            )
            .filter(assigned=False)
            .select_related("registration")
            .order_by("rank", "registration__created_at", "registration_id")
        )
        if not waiting:
            return []
        sessions = {
            session.pk: session for session in _lock_sessions(choice.session_id for choice in waiting)
        }
        occupancy = Occupancy.count(event=event)
        done: set[tuple[int, int]] = set()
        promoted: list[SessionChoice] = []
        for choice in waiting:
            key = (choice.registration_id, choice.round_id)
            if key in done:
                continue
            session = sessions[choice.session_id]
            if not _fits(occupancy, session, choice.registration.organisation_id):
                continue
            promoted.append(
                SessionChoice.objects.create(
                    registration=choice.registration, session=session, round_id=choice.round_id
                )
            )
            _count_in(occupancy, session, choice.registration.organisation_id)
            done.add(key)
        for registration_id in dict.fromkeys(choice.registration_id for choice in promoted):
            registration = Registration.objects.select_related("person", "person__user", "event").get(
                pk=registration_id
            )
            emails.registration_mail_queue(registration=registration, kind="workshop")
        return promoted


# --- the allocation after closing ---------------------------------------------------------------------------


def workshop_allocation_run(*, event: Event, actor, seed: int | None = None, now=None) -> AllocationRun:
    """Compute the allocation after closing (events/allocation.py) and record it with its seed,
    for the secretariat to review; nothing changes for the registrants until it is applied."""
    from .allocation import allocation_compute

    if not event.workshop_ranks or event.workshop_allocation != Event.WorkshopAllocation.AFTER_CLOSING:
        raise ServiceError(_("This event does not allocate workshops after closing."), "not_after_closing")
    now = now or timezone.now()
    if seed is None:
        seed = secrets.randbits(62)
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        run = AllocationRun.objects.create(
            event=event,
            seed=seed,
            result=allocation_compute(event=event, seed=seed),
            created_by=actor,
            created_at=now,
        )
    return run


def workshop_allocation_apply(*, run: AllocationRun, actor, now=None) -> int:
    """Make a reviewed allocation the registrants' workshops (the SessionChoice rows), replacing
    any earlier assignment. Returns the number of workshop places assigned. No mail yet: sending
    the results is a separate step."""
    from .services import event_lock

    now = now or timezone.now()
    with transaction.atomic():
        run = AllocationRun.objects.select_for_update().get(pk=run.pk)
        if run.applied_at is not None:
            raise ServiceError(_("This allocation has already been applied."), "already_applied")
        event = event_lock(run.event)
        confirmed = set(
            Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED).values_list(
                "pk", flat=True
            )
        )
        sessions = {
            s.pk: s.round_id for s in Session.objects.filter(round__event=event).only("pk", "round_id")
        }
        SessionChoice.objects.filter(registration__event=event).delete()
        rows = [
            SessionChoice(
                registration_id=int(registration_id), session_id=session_id, round_id=sessions[session_id]
            )
            for registration_id, by_round in run.result.items()
            if int(registration_id) in confirmed
            for session_id in by_round.values()
            if session_id in sessions
        ]
        SessionChoice.objects.bulk_create(rows)
        run.applied_at = now
        run.applied_by = actor
        run.save(update_fields=["applied_at", "applied_by"])
    return len(rows)


def workshop_allocation_send(*, run: AllocationRun, actor, now=None) -> int:
    """Send the results of an applied allocation: the request only records the send; a worker
    task mails every confirmed registrant exactly once, with the .ics update
    (events/allocation_send.py). Returns the number of registrants to mail."""
    from .allocation_send import workshop_allocation_send as send

    return send(run=run, actor=actor, now=now)
