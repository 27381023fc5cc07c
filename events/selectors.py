"""Reads (relations preloaded): the agenda, the event page and a person's registrations; and for
the secretariat's pages the door list, invitation progress, mailings and counts per municipality,
each a fixed number of queries whatever the number of rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.utils import timezone

from members.models import Organisation
from vzhg.mail.models import OutgoingMail

from .fast_reads import registration_row
from .models import (
    Event,
    EventMailing,
    EventMaterial,
    Invitation,
    ProgrammeItem,
    Registration,
    Round,
    Session,
    SessionChoice,
    WorkshopChoice,
)

CONFIRMED = Q(registrations__status=Registration.Status.CONFIRMED)


def _listed() -> QuerySet[Event]:
    return (
        Event.objects.filter(status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED])
        .select_related("host", "network")
        .annotate(confirmed_count=Count("registrations", filter=CONFIRMED))
    )


def upcoming_events(*, kind: str = "", theme: str = "", now=None) -> QuerySet[Event]:
    now = now or timezone.now()
    events = _listed().filter(ends_at__gte=now).order_by("starts_at", "pk")
    if kind:
        events = events.filter(kind=kind)
    if theme:
        events = events.filter(themes__icontains=theme)
    return events


def past_events(*, now=None) -> QuerySet[Event]:
    now = now or timezone.now()
    return _listed().filter(ends_at__lt=now).order_by("-starts_at", "-pk")


def past_events_with_materials(*, now=None) -> QuerySet[Event]:
    """The archive: past events, newest first, with their presentations and recordings."""
    return past_events(now=now).prefetch_related("materials")


def materials_visible(*, materials, user) -> list[EventMaterial]:
    """The materials `user` may see: all for a logged-in person, the public ones for anyone."""
    return [material for material in materials if user.is_authenticated or not material.login_required]


def material_for_download(*, slug: str, pk: int) -> EventMaterial | None:
    """A material file of a listed (published or cancelled) event."""
    return (
        EventMaterial.objects.select_related("event")
        .filter(
            pk=pk,
            event__slug=slug,
            event__status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED],
        )
        .exclude(file="")
        .first()
    )


def agenda_themes(*, now=None) -> list[str]:
    """The themes of the upcoming events, sorted, for the filter form."""
    now = now or timezone.now()
    themes: set[str] = set()
    for value in Event.objects.filter(status=Event.Status.PUBLISHED, ends_at__gte=now).values_list(
        "themes", flat=True
    ):
        themes.update(theme.strip().lower() for theme in value.split(",") if theme.strip())
    return sorted(themes)


def sessions_with_places() -> QuerySet[Session]:
    return Session.objects.annotate(
        confirmed_count=Count(
            "choices", filter=Q(choices__registration__status=Registration.Status.CONFIRMED)
        )
    ).order_by("pk")


def event_for_page(*, slug: str) -> Event | None:
    """A published (or cancelled) event with its programme, rounds and workshops (with counts)."""
    return (
        _listed()
        .filter(slug=slug)
        .select_related("network")
        .prefetch_related(
            Prefetch("programme", queryset=ProgrammeItem.objects.order_by("order", "starts_at")),
            "materials",
            Prefetch(
                "rounds",
                queryset=Round.objects.order_by("number").prefetch_related(
                    Prefetch("sessions", queryset=sessions_with_places())
                ),
            ),
        )
        .first()
    )


def event_for_registration(*, slug: str) -> Event | None:
    """event_for_page without the programme: the registration page does not show it. (Its POST
    reads the event from events/definitions.py, without the counts; registration_counts_attach
    adds them when the page is shown again.)"""
    return (
        _listed()
        .filter(slug=slug)
        .select_related("network")
        .prefetch_related(
            Prefetch(
                "rounds",
                queryset=Round.objects.order_by("number").prefetch_related(
                    Prefetch("sessions", queryset=sessions_with_places())
                ),
            ),
        )
        .first()
    )


def registration_counts_attach(*, event: Event, rounds) -> None:
    """The confirmed counts the registration POST's event leaves out, set on `event`
    and on the workshops of `rounds` (as the annotations would be) for the page shown again
    (an error, a refusal). Two queries."""
    event.confirmed_count = Registration.objects.filter(  # type: ignore[attr-defined]
        event=event, status=Registration.Status.CONFIRMED
    ).count()
    by_session = {
        row["session"]: row["n"]
        for row in SessionChoice.objects.filter(
            session__round__event=event, registration__status=Registration.Status.CONFIRMED
        )
        .values("session")
        .annotate(n=Count("pk"))
        .order_by()
    }
    for round_ in rounds:
        for session in round_.sessions.all():
            session.confirmed_count = by_session.get(session.pk, 0)


def registration_of(*, event: Event, person) -> Registration | None:
    """The person's registration for the event with its workshops; for an event with ranked
    choices also its ranks (one query more)."""
    if person is None:
        return None
    prefetches: list[Prefetch] = [
        Prefetch("choices", queryset=SessionChoice.objects.select_related("session", "round"))
    ]
    if event.workshop_ranks:
        prefetches.append(
            Prefetch(
                "ranked_choices",
                queryset=WorkshopChoice.objects.select_related("session", "round").order_by(
                    "round__number", "rank"
                ),
            )
        )
    registration = registration_row(event=event, person_id=person.pk)  # fixed SQL (issue 15)
    if registration is not None:
        prefetch_related_objects([registration], *prefetches)
        registration.event = event  # the page has it already: no query for registration.event
    return registration


def registrations_of_person(*, person) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(person=person)
        .select_related("event", "event__host")
        .prefetch_related(
            Prefetch(
                "choices",
                queryset=SessionChoice.objects.select_related("session", "round").order_by("round__number"),
            ),
            Prefetch(
                "ranked_choices",
                queryset=WorkshopChoice.objects.select_related("session", "round").order_by(
                    "round__number", "rank"
                ),
            ),
        )
        .order_by("event__starts_at", "pk")
    )


def workshop_rounds_attach(registrations) -> None:
    """Give each registration `workshop_rounds`: per round it ranked or got a workshop in, the
    round, its ranked choices in order and the assigned workshop (or None). Uses the prefetched
    `choices` and `ranked_choices` of registrations_of_person: no queries."""
    for registration in registrations:
        rows: dict[int, dict] = {}
        for choice in registration.ranked_choices.all():
            rows.setdefault(choice.round_id, {"round": choice.round, "ranked": [], "assigned": None})
            rows[choice.round_id]["ranked"].append(choice)
        for choice in registration.choices.all():
            rows.setdefault(choice.round_id, {"round": choice.round, "ranked": [], "assigned": None})
            rows[choice.round_id]["assigned"] = choice.session
        registration.workshop_rounds = sorted(rows.values(), key=lambda row: row["round"].number)


def registration_for_user(*, pk: int, user) -> Registration | None:
    """The user's own registration, or None (someone else's answers 404)."""
    return (
        Registration.objects.filter(pk=pk, person__user=user)
        .select_related("event", "event__host", "person", "person__organisation")
        .prefetch_related("choices")
        .first()
    )


def registration_by_pk(*, pk: int) -> Registration | None:
    return (
        Registration.objects.filter(pk=pk)
        .select_related("event", "event__host", "person")
        .prefetch_related(
            Prefetch("choices", queryset=SessionChoice.objects.select_related("session", "round"))
        )
        .first()
    )


def feed_registrations(*, user) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(
            person__user=user,
            status=Registration.Status.CONFIRMED,
            event__status=Event.Status.PUBLISHED,
        )
        .select_related("event", "event__host")
        .order_by("event__starts_at")
    )


def event_rounds(*, event: Event) -> list[Round]:
    """The rounds of an event with their workshops (and confirmed counts), for the form."""
    return list(
        Round.objects.filter(event=event)
        .order_by("number")
        .prefetch_related(Prefetch("sessions", queryset=sessions_with_places()))
    )


def feed_key_of(*, user_id: int) -> str | None:
    """The user's calendar feed key, or None while they never asked for a new address."""
    from .models import FeedKey

    return FeedKey.objects.filter(user_id=user_id).values_list("key", flat=True).first()


# --- the secretariat's pages ---------------------------------------------------------------------


def confirmed_registrations(*, event: Event) -> QuerySet[Registration]:
    """The confirmed registrants with their workshops, in name order: the door list and the PDFs."""
    return (
        Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED, person__isnull=False)
        .select_related("person", "organisation")
        .prefetch_related(
            Prefetch(
                "choices",
                queryset=SessionChoice.objects.select_related("session", "round").order_by("round__number"),
            )
        )
        .order_by("person__last_name", "person__first_name", "pk")
    )


def attendee_registrations(*, event: Event) -> QuerySet[Registration]:
    """The confirmed registrants and the walk-ins added at the door (no Person row: their name
    and municipality are on the registration), with their workshops, in name order: the attendee
    list and badge PDFs and the attendee list with answers."""
    return (
        Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED)
        .filter(Q(person__isnull=False) | Q(walk_in=True))
        .select_related("person", "organisation")
        .prefetch_related(
            Prefetch(
                "choices",
                queryset=SessionChoice.objects.select_related("session", "round").order_by("round__number"),
            )
        )
        .order_by(Coalesce("person__last_name", "walk_in_name"), "person__first_name", "pk")
    )


def event_mailings_recent(*, event: Event, limit: int = 10) -> list[EventMailing]:
    """The event's latest mailings for the progress page (one query, no recipient lists)."""
    return list(
        EventMailing.objects.filter(event=event)
        .defer("recipient_ids")
        .select_related("created_by")
        .order_by("-requested_at", "-pk")[:limit]
    )


@dataclass
class InvitationProgress:
    total: int
    queued: int
    sent: int
    failed: int
    failures: list[dict]


def invitation_progress(*, event: Event, failures_limit: int = 50) -> InvitationProgress:
    """Queued / sent / failed of an event's invitations, from their outbox rows (two queries)."""
    counts = Invitation.objects.filter(event=event).aggregate(
        total=Count("pk"),
        queued=Count("pk", filter=Q(mail__status=OutgoingMail.Status.QUEUED)),
        sent=Count("pk", filter=Q(mail__status=OutgoingMail.Status.SENT)),
        failed=Count("pk", filter=Q(mail__status=OutgoingMail.Status.FAILED)),
    )
    failures = [
        {
            "name": invitation.person.full_name,
            "mail__to": invitation.mail.to if invitation.mail else "",
            "mail__error": invitation.mail.error if invitation.mail else "",
        }
        for invitation in Invitation.objects.filter(event=event, mail__status=OutgoingMail.Status.FAILED)
        .select_related("person", "mail")
        .order_by("person__last_name", "pk")[:failures_limit]
    ]
    return InvitationProgress(failures=failures, **counts)


def checkin_counts(*, event: Event) -> dict:
    return Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED).aggregate(
        confirmed=Count("pk"), present=Count("pk", filter=Q(attended=True))
    )


def municipalities_present(*, event: Event) -> tuple[int, int]:
    """(member municipalities with someone present, all member municipalities): the door's
    "x van de 50". Walk-ins count for the municipality they came from. One query."""
    present = Q(
        registrations__event=event,
        registrations__status=Registration.Status.CONFIRMED,
        registrations__attended=True,
    )
    row = Organisation.objects.member_municipalities().aggregate(
        total=Count("pk", distinct=True), present=Count("pk", distinct=True, filter=present)
    )
    return row["present"], row["total"]


def walk_ins(*, event: Event) -> QuerySet[Registration]:
    """The walk-ins added at the door, the latest first."""
    return (
        Registration.objects.filter(event=event, walk_in=True, status=Registration.Status.CONFIRMED)
        .select_related("organisation")
        .order_by("-attended_at", "-pk")
    )


# --- counts per municipality --------------------------------------------------------------------


@dataclass
class MunicipalityCount:
    organisation: Organisation
    confirmed: int
    waitlisted: int
    attended: int


def municipality_counts(*, event: Event) -> tuple[list[MunicipalityCount], list[Organisation]]:
    """Registrations per organisation (anonymised ones included) and the member municipalities
    that have no confirmed or waiting registration. Two queries."""
    by_org = (
        Registration.objects.filter(event=event, organisation__isnull=False)
        .exclude(status=Registration.Status.CANCELLED)
        .values("organisation")
        .annotate(
            confirmed=Count("pk", filter=Q(status=Registration.Status.CONFIRMED)),
            waitlisted=Count("pk", filter=Q(status=Registration.Status.WAITLISTED)),
            attended=Count("pk", filter=Q(attended=True)),
        )
    )
    counts = {row["organisation"]: row for row in by_org}
    organisations = Organisation.objects.filter(
        Q(pk__in=counts.keys()) | Q(pk__in=Organisation.objects.member_municipalities().values("pk"))
    ).order_by("name")
    rows, missing = [], []
    for organisation in organisations:
        row = counts.get(organisation.pk)
        if row is None:
            missing.append(organisation)
        else:
            rows.append(MunicipalityCount(organisation, row["confirmed"], row["waitlisted"], row["attended"]))
    return rows, missing


def municipalities_reached(*, event: Event) -> tuple[int, int]:
    """(member municipalities with a confirmed or waiting registration, all member municipalities)."""
    members = Organisation.objects.member_municipalities()
    reached = (
        Registration.objects.filter(event=event, organisation__in=members)
        .exclude(status=Registration.Status.CANCELLED)
        .values("organisation")
        .distinct()
        .count()
    )
    return reached, members.count()


# --- the workshop allocation ----------------------------------------------------------------------------


def allocation_distribution(*, run) -> dict:
    """What the secretariat reviews before an allocation is applied: per workshop and per
    municipality, how many people got their 1st, 2nd, 3rd… choice, a workshop they did not rank
    (rank 0) — and, per municipality, how many are without a workshop in a round. Four queries."""
    from collections import Counter, defaultdict

    from .models import Round, WorkshopChoice

    event = run.event
    ranks = list(range(1, event.workshop_ranks + 1)) + [0]
    rounds = list(Round.objects.filter(event=event).prefetch_related("sessions").order_by("number"))
    registrations = {
        r.pk: r
        for r in Registration.objects.filter(
            event=event, status=Registration.Status.CONFIRMED
        ).select_related("organisation")
    }
    rank_of = {
        (choice.registration_id, choice.session_id): choice.rank
        for choice in WorkshopChoice.objects.filter(registration__event=event).only(
            "registration_id", "session_id", "rank"
        )
    }
    by_session: dict[int, Counter] = defaultdict(Counter)
    by_org: dict[str, Counter] = defaultdict(Counter)
    for registration_id, by_round in run.result.items():
        registration = registrations.get(int(registration_id))
        if registration is None:
            continue
        org = registration.organisation.name if registration.organisation else "—"
        for session_id in by_round.values():
            rank = rank_of.get((int(registration_id), session_id), 0)
            by_session[session_id][rank] += 1
            by_org[org][rank] += 1
    workshops = [
        {
            "round": round_,
            "session": session,
            "counts": [by_session[session.pk][rank] for rank in ranks],
            "total": sum(by_session[session.pk].values()),
        }
        for round_ in rounds
        for session in round_.sessions.all()
    ]
    municipalities = [
        {"name": name, "counts": [counts[rank] for rank in ranks], "total": sum(counts.values())}
        for name, counts in sorted(by_org.items())
    ]
    return {"ranks": ranks, "workshops": workshops, "municipalities": municipalities}
