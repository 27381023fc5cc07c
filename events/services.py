"""Writes for registrations: create, change, cancel, promote from the waiting list, check in.

Every service runs in one transaction that first locks the Event row (select_for_update) and then
the Session rows involved, always in pk order, so concurrent registrations for one event queue up
behind each other and never overbook. Counts of confirmed places are computed under that lock
(events/places.py). registration_create, the one that comes in a rush, takes the lock last and
holds it for the decision only (one count; see its docstring). The mails are
queued in the outbox inside the same transaction (so a registration never exists without its
mail) and handed to Celery after commit by vzhg.mail.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Person
from vzhg.errors import ServiceError
from vzhg.fixed_sql import fixed_insert, fixed_insert_new, fixed_read
from vzhg.history import history_note

from . import definitions, extensions
from .models import Event, Registration, Session, SessionChoice
from .places import Occupancy, ranked_assign

__all__ = ["Occupancy"]  # events.workshops and older callers import it from here

# Why a registration went on the waiting list (shown on the page and in the mail).
WAITLIST_REASONS = {
    "event_full": _("The event is full."),
    "event_municipality_cap": _("The places for your municipality at this event are taken."),
    "session_full": _("The workshop “%(session)s” is full."),
    "session_municipality_cap": _(
        "The places for your municipality in the workshop “%(session)s” are taken."
    ),
}


def waitlist_reason_text(reason: str | None, session_title: str = "") -> str:
    if not reason:
        return ""
    return str(WAITLIST_REASONS[reason]) % {"session": session_title}


def event_lock(event: Event) -> Event:
    """Lock the Event row: every write on the event's registrations queues up behind it (fixed
    SQL built once per process, vzhg/fixed_sql.py: every registration of a rush passes here)."""
    return fixed_read(Event, where=("pk",), for_update=True).get(event.pk)


def _lock_sessions(session_ids) -> list[Session]:
    """Lock the Session rows in pk order (a fixed order: no deadlocks between registrations)."""
    ids = sorted(set(session_ids))
    if not ids:
        return []
    return list(
        Session.objects.select_for_update(of=("self",))
        .select_related("round")
        .filter(pk__in=ids)
        .order_by("pk")
    )


def _check_window(event: Event, now) -> None:
    state = event.registration_window_state(now)
    if state == Event.RegistrationState.CANCELLED:
        raise ServiceError(_("This event has been cancelled."), "cancelled")
    if state == Event.RegistrationState.NOT_OPEN:
        opens = timezone.localtime(event.registration_opens_at)
        raise ServiceError(
            _("Registration is not open yet; it opens on %(date)s.")
            % {"date": opens.strftime("%d-%m-%Y %H:%M")},
            "not_open",
        )
    if state == Event.RegistrationState.CLOSED:
        raise ServiceError(_("Registration for this event is closed."), "closed")
    if event.status != Event.Status.PUBLISHED:
        raise ServiceError(_("This event is not open for registration."), "not_published")


ATTEND_ANY_EVENT_PERMISSION = "events.change_event"


def person_may_attend(*, event: Event, person: Person) -> bool:
    """The audience rule. Members-only events: people of member municipalities, and the people
    who run the events (the secretariat works through VZHG's own accounts; its group has the right
    to change events). Staff status alone is no right."""
    if event.audience == Event.Audience.OPEN:
        return True
    if person.organisation is not None and person.organisation.is_member:
        return True
    user = person.user
    return bool(user is not None and user.is_active and user.has_perm(ATTEND_ANY_EVENT_PERMISSION))


def person_in_network(*, event: Event, person: Person) -> bool:
    """A network meeting only for its members (`network_only`): is `person` one of them today?
    True without a query for every other event (the networks app answers, events.extensions)."""
    if not event.network_only or event.network_id is None:
        return True
    people = extensions.network_people(event.network_id)
    return people is not None and people.filter(pk=person.pk).exists()


def network_only_text(event: Event) -> str:
    return _("This meeting is for members of the %(network)s.") % {"network": event.network}


def _validated_sessions(*, event: Event, session_ids, lock: bool = True, rounds=None) -> list[Session]:
    """Lock and check the chosen workshops: all of this event, one per round, every round chosen.
    `lock=False`: read them only (registration_create: the event lock alone decides); `rounds`:
    the event's rounds with their workshops as the caller already read them (no queries)."""
    try:
        ids = [int(session_id) for session_id in session_ids]
    except (TypeError, ValueError) as exc:
        raise ServiceError(_("Choose workshops from the list."), "invalid_session") from exc
    if len(ids) != len(set(ids)):
        raise ServiceError(_("You chose the same workshop twice."), "duplicate_session")
    if lock:
        sessions = _lock_sessions(ids)
    elif rounds is not None:
        known = {session.pk: session for round_ in rounds for session in round_.sessions.all()}
        sessions = [known[pk] for pk in sorted(set(ids)) if pk in known]
    else:
        sessions = list(
            Session.objects.select_related("round").filter(pk__in=sorted(set(ids))).order_by("pk")
        )
    if len(sessions) != len(ids) or any(session.round.event_id != event.pk for session in sessions):
        raise ServiceError(_("A chosen workshop does not belong to this event."), "foreign_session")
    rounds_chosen = [session.round.number for session in sessions]
    if len(rounds_chosen) != len(set(rounds_chosen)):
        raise ServiceError(_("Choose one workshop per round, not two in the same round."), "two_in_round")
    numbers = (
        sorted(round_.number for round_ in rounds)
        if rounds is not None
        else event.rounds.order_by("number").values_list("number", flat=True)
    )
    missing = [r for r in numbers if r not in rounds_chosen]
    if missing:
        raise ServiceError(
            _("Choose a workshop for round %(rounds)s.") % {"rounds": ", ".join(str(n) for n in missing)},
            "missing_round",
        )
    return sessions


def _set_choices(registration: Registration, sessions: list[Session], *, replace: bool = True) -> None:
    if replace:
        registration.choices.all().delete()
    fixed_insert(
        [
            SessionChoice(registration=registration, session=session, round_id=session.round_id)
            for session in sessions
        ]
    )


def registration_create(
    *,
    event: Event,
    person: Person,
    session_ids,
    remarks: str = "",
    now=None,
    ranking=None,
    loaded: bool = False,
    existing: Registration | None = None,
    rounds=None,
    answers: dict[int, str] | None = None,
    questions=None,
    fast: bool = False,
) -> Registration:
    """Register a person: confirmed when every limit allows it, otherwise on the waiting list.

    The returned registration carries `waitlist_reason` (None when confirmed) and
    `waitlist_session` (the workshop that was full, if that was the reason).

    With ranked workshop choices (event.workshop_ranks ≥ 1) `ranking` ({round id: [session ids,
    first choice first]}) replaces `session_ids`: the place is decided for the event alone and
    the workshops are assigned separately (events/workshops.py).

    Under a rush every registration of the event queues for the event lock, so the lock is held
    for the decision only: the checks, the registration row (with the outcome the counts without
    the lock predict), its choices and a lazy outbox row about that outcome come first (in the
    same transaction: never lost nor doubled, and rendered by the worker after commit,
    events/emails.py registration_mails_build, not in the request); under the lock one query
    counts the places that matter (events/places.py), and only if they decide otherwise the
    status and the outbox row change.

    `loaded=True`: the caller (the registration page) has just read `event`, `person` (with its
    organisation and user) and the person's `existing` registration of the event (None: none),
    and passes `rounds` (the event's rounds with their workshops) when it read them: they are not
    read again; the caller holds the transaction and lets a ServiceError leave it. A registration
    made meanwhile by the same person still meets the unique constraint (already_registered); the
    window is checked again on the locked event row.

    `answers` ({question id: text}) to the event's own `questions` (as read by the page; None:
    read here) are stored before the mail is rendered, which lists them (issue 15).

    `fast=True` (the registration page's first attempt, events/definitions.py): `event`, its
    `rounds` and `questions` may come from rows this process keeps, and the person's registration
    was not read (`existing` None: a registration the person has is refused as
    already_registered, which the page answers the full way). The event row read under the lock
    must be the given one, column by column, or definitions.Stale is raised (nothing is stored:
    the caller's transaction rolls back and it does the request again the full way).
    """
    from . import emails, workshops
    from .questions import registration_answers_save

    now = now or timezone.now()
    # Loaded by the page, it runs in the page's transaction (no savepoint of its own: a refusal
    # leaves the page's atomic block too, which rolls everything back).
    with transaction.atomic(savepoint=not loaded):
        if not loaded:
            event = Event.objects.get(pk=event.pk)
            rounds = None
        _check_window(event, now)
        if not loaded:
            person = Person.objects.select_related("organisation", "user").get(pk=person.pk)
        if not person_may_attend(event=event, person=person):
            raise ServiceError(
                _("This event is for members only: people of member municipalities and the board."),
                "audience",
            )
        if not person_in_network(event=event, person=person):
            raise ServiceError(network_only_text(event), "network_only")
        if not loaded or existing is not None:
            existing = (
                Registration.objects.select_for_update(of=("self",))
                .filter(event=event, person=person)
                .first()
            )
        if existing is not None and existing.status != Registration.Status.CANCELLED:
            raise ServiceError(_("You are already registered for this event."), "already_registered")
        ranked: dict = {}
        if event.workshop_ranks:
            ranked = workshops.ranking_validate(event=event, ranking=ranking)
            sessions = []
        else:
            sessions = _validated_sessions(event=event, session_ids=session_ids, lock=False, rounds=rounds)
        direct = bool(ranked) and event.workshop_allocation == Event.WorkshopAllocation.DIRECT
        in_play = [session.pk for session in sessions] + [
            session.pk for round_sessions in ranked.values() for session in round_sessions
        ]
        organisation_id = person.organisation_id

        def decide(occupancy: Occupancy):
            misfit = occupancy.misfit(event=event, organisation_id=organisation_id, sessions=sessions)
            assigned = (
                ranked_assign(occupancy=occupancy, organisation_id=organisation_id, ranking=ranked)
                if direct and not misfit
                else []
            )
            return misfit, assigned

        # The row first, with the outcome the counts without the lock predict: under the lock the
        # status then changes only when a registration committed meanwhile took the last place.
        registration = existing or Registration(event=event, person=person)
        misfit, _assigned = decide(
            Occupancy.count_for(
                event=event,
                organisation_id=organisation_id,
                session_ids=in_play,
                exclude_registration_id=registration.pk,
            )
        )
        _registration_fill(registration, misfit=misfit, remarks=remarks, now=now)
        if existing is None:
            # save(), its INSERT built once per process; nothing written when the person has a
            # registration of the event already (made meanwhile, or not read: `fast`).
            if not fixed_insert_new(registration, unique="registration_event_person_unique"):
                raise ServiceError(_("You are already registered for this event."), "already_registered")
        else:
            registration.save()
            # A new registration after a cancellation joins the waiting list at the back.
            Registration.objects.filter(pk=registration.pk).update(created_at=now)
            registration.created_at = now
        registration.event = event
        registration.person = person
        if event.workshop_ranks:
            workshops.ranking_store(registration=registration, ranking=ranked)
        else:
            _set_choices(registration, sessions, replace=existing is not None)
        if answers is not None:
            registration_answers_save(registration=registration, answers=answers, questions=questions)
        # The lazy outbox row about the predicted outcome (the worker renders the mail after
        # commit: events/emails.py registration_mails_build); changed below only when the
        # decision under the lock differs.
        predicted = (registration.status, misfit)
        mail = emails.registration_mail_queue(
            registration=registration, kind=_mail_kind(registration.status), reason=misfit, lazy=True
        )

        # The decision, under the event lock: one count and, when it differs from the
        # prediction, the status and the outbox row.
        try:
            locked = event_lock(event)
        except Event.DoesNotExist:
            if fast:
                raise definitions.Stale from None
            raise
        if fast and not definitions.same_event(event, locked):
            raise definitions.Stale
        event = locked
        _check_window(event, now)
        registration.event = event
        misfit, assigned = decide(
            Occupancy.count_for(
                event=event,
                organisation_id=organisation_id,
                session_ids=in_play,
                exclude_registration_id=registration.pk,
            )
        )
        status = Registration.Status.WAITLISTED if misfit else Registration.Status.CONFIRMED
        if status != registration.status:
            _registration_fill(registration, misfit=misfit, remarks=remarks, now=now)
            registration.save(update_fields=["status", "confirmed_at", "updated_at"])
        if assigned:
            fixed_insert(
                [SessionChoice(registration=registration, session=s, round_id=s.round_id) for s in assigned]
            )
        registration.waitlist_reason = misfit[0] if misfit else None
        registration.waitlist_session = misfit[1] if misfit else ""
        if mail is not None and (status, misfit) != predicted:
            emails.registration_mail_redecide(
                mail=mail, registration=registration, kind=_mail_kind(status), reason=misfit
            )
    return registration


def _mail_kind(status: str) -> str:
    return "confirmed" if status == Registration.Status.CONFIRMED else "waitlisted"


def _registration_fill(registration: Registration, *, misfit, remarks: str, now) -> None:
    """The fields of a registration made now: confirmed unless `misfit`."""
    status = Registration.Status.WAITLISTED if misfit else Registration.Status.CONFIRMED
    registration.organisation_id = registration.person.organisation_id if registration.person else None
    registration.status = status
    registration.remarks = (remarks or "").strip()
    registration.confirmed_at = now if status == Registration.Status.CONFIRMED else None
    registration.cancelled_at = None
    registration.reminder_sent_at = None


def registration_change(
    *,
    registration: Registration,
    session_ids,
    remarks: str | None = None,
    now=None,
    ranking=None,
    answers: dict[int, str] | None = None,
    questions=None,
    fast: bool = False,
) -> Registration:
    """Change the workshop choice (and remarks) while registration is open.

    A confirmed registration keeps its place; a new workshop must have room (else the change is
    refused and the old choice stays). Places freed in the old workshops go to the waiting list.
    `answers` ({question id: text}) to the event's `questions` are stored before the mail lists them.
    """
    from . import emails
    from .questions import registration_answers_save

    now = now or timezone.now()
    with transaction.atomic():
        event = event_lock(registration.event)
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("person", "person__user", "organisation")
            .get(pk=registration.pk)
        )
        if registration.status == Registration.Status.CANCELLED:
            raise ServiceError(_("This registration has been cancelled."), "cancelled_registration")
        _check_window(event, now)
        if answers is not None:
            registration_answers_save(registration=registration, answers=answers, questions=questions)
        if event.workshop_ranks:
            return _ranking_change(
                event=event, registration=registration, ranking=ranking, remarks=remarks, now=now
            )
        old_ids = list(registration.choices.values_list("session_id", flat=True))
        sessions = _validated_sessions(event=event, session_ids=session_ids)
        _lock_sessions(old_ids)
        if registration.status == Registration.Status.CONFIRMED:
            # The place at the event itself is already held; only the workshops are checked,
            # with this registration's current workshops counted as free.
            occupancy = Occupancy.count(event=event)
            occupancy.add(organisation_id=registration.organisation_id, session_ids=old_ids, sign=-1)
            misfit = occupancy.session_misfit(organisation_id=registration.organisation_id, sessions=sessions)
            if misfit:
                raise ServiceError(
                    _("Your choice was not changed: %(reason)s") % {"reason": waitlist_reason_text(*misfit)},
                    "session_full",
                )
        if remarks is not None:
            registration.remarks = remarks.strip()
        registration.save()
        registration.event = event
        _set_choices(registration, sessions)
        promoted = registration_promote_waitlist(event=event, locked=True, now=now)
        if registration.pk not in {r.pk for r in promoted}:
            emails.registration_mail_queue(registration=registration, kind="changed")
        registration.refresh_from_db(fields=["status"])
    return registration


def _ranking_change(
    *, event: Event, registration: Registration, ranking, remarks: str | None, now
) -> Registration:
    """registration_change for ranked choices (under the event and registration locks): the new
    ranking replaces the old, the workshops are assigned again by rank, freed places go to the
    workshop waiting lists."""
    from . import emails, workshops

    ranked = workshops.ranking_validate(event=event, ranking=ranking)
    _lock_sessions(registration.choices.values_list("session_id", flat=True))
    if remarks is not None:
        registration.remarks = remarks.strip()
    registration.save()
    registration.event = event
    workshops.ranking_store(registration=registration, ranking=ranked)
    if event.workshop_allocation == Event.WorkshopAllocation.DIRECT:
        workshops.workshop_assign_direct(registration=registration, occupancy=Occupancy.count(event=event))
        workshops.workshop_waitlist_promote(event=event, now=now)
    emails.registration_mail_queue(registration=registration, kind="changed")
    return registration


def registration_cancel(*, registration: Registration, now=None) -> Registration:
    """Cancel a registration, free its place and promote from the waiting list (one transaction)."""
    from . import emails, workshops

    now = now or timezone.now()
    with transaction.atomic():
        event = event_lock(registration.event)
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("person", "person__user", "organisation")
            .get(pk=registration.pk)
        )
        if registration.status == Registration.Status.CANCELLED:
            raise ServiceError(_("This registration was already cancelled."), "already_cancelled")
        if now >= event.ends_at:
            raise ServiceError(_("This event is over; the registration can no longer be cancelled."), "over")
        _lock_sessions(registration.choices.values_list("session_id", flat=True))
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = now
        registration.save(update_fields=["status", "cancelled_at", "updated_at"])
        registration.event = event
        emails.registration_mail_queue(registration=registration, kind="cancelled")
        if event.status != Event.Status.CANCELLED and now < event.starts_at:
            # Those who hold an event place and wait for a workshop go before the event's waiting list.
            workshops.workshop_waitlist_promote(event=event, now=now)
            registration_promote_waitlist(event=event, locked=True, now=now)
    return registration


def registration_promote_waitlist(*, event: Event, locked: bool = False, now=None) -> list[Registration]:
    """Confirm waitlisted registrations, oldest first, whose choices now fit; tell them by mail.

    Runs inside the caller's transaction when `locked` (the caller holds the event lock),
    otherwise takes the locks itself. With ranked workshop choices only the event place is
    checked; the workshops are then assigned by rank (direct allocation).
    """
    from . import emails, workshops

    now = now or timezone.now()
    with transaction.atomic():
        if not locked:
            event = event_lock(event)
        waiting = list(
            Registration.objects.select_for_update(of=("self",))
            .filter(event=event, status=Registration.Status.WAITLISTED)
            .select_related("person", "person__user")
            .prefetch_related("choices")
            .order_by("created_at", "pk")
        )
        if not waiting:
            return []
        sessions = {
            session.pk: session
            for session in _lock_sessions(
                Session.objects.filter(round__event=event).values_list("pk", flat=True)
            )
        }
        occupancy = Occupancy.count(event=event)
        promoted = []
        for registration in waiting:
            if event.capacity is not None and occupancy.event_total >= event.capacity:
                break
            session_ids = [choice.session_id for choice in registration.choices.all()]
            chosen = [sessions[session_id] for session_id in session_ids if session_id in sessions]
            if occupancy.misfit(event=event, organisation_id=registration.organisation_id, sessions=chosen):
                continue
            registration.status = Registration.Status.CONFIRMED
            registration.confirmed_at = now
            registration.save(update_fields=["status", "confirmed_at", "updated_at"])
            registration.event = event
            occupancy.add(organisation_id=registration.organisation_id, session_ids=session_ids)
            if event.workshop_ranks and event.workshop_allocation == Event.WorkshopAllocation.DIRECT:
                workshops.workshop_assign_direct(registration=registration, occupancy=occupancy)
            emails.registration_mail_queue(registration=registration, kind="promoted")
            promoted.append(registration)
        return promoted


def feed_key_renew(*, user) -> str:
    """Give the user's calendar feed a new address; the old one stops working."""
    from .models import FeedKey
    from .tokens import feed_key_new

    key = feed_key_new()
    FeedKey.objects.update_or_create(user=user, defaults={"key": key})
    return key


# --- the day itself: check-in ------------------------------------------------------------------------------


def registration_check_in(*, registration: Registration, actor, present: bool = True) -> Registration:
    """Tick a registrant present (or undo it), recorded in the registration's history as done by
    `actor`. Only confirmed registrations can be checked in."""
    with transaction.atomic():
        locked = Registration.objects.select_for_update().get(pk=registration.pk)
        if locked.status != Registration.Status.CONFIRMED:
            raise ServiceError(_("Only confirmed registrations can be checked in."), "not_confirmed")
        if locked.attended != present:
            locked.attended = present
            locked.attended_at = timezone.now() if present else None
            history_note(locked, actor=actor)
            locked.save(update_fields=["attended", "attended_at", "updated_at"])
    return locked
