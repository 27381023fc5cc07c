"""Reads for the agenda, the event page and a person's registrations (relations preloaded)."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from .models import Event, ProgrammeItem, Registration, Round, Session, SessionChoice

CONFIRMED = Q(registrations__status=Registration.Status.CONFIRMED)


def _listed() -> QuerySet[Event]:
    return (
        Event.objects.filter(status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED])
        .select_related("host")
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


def agenda_themes(*, now=None) -> list[str]:
    """The themes of the upcoming events, sorted, for the filter form."""
    now = now or timezone.now()
    themes = set()
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
        .prefetch_related(
            Prefetch("programme", queryset=ProgrammeItem.objects.order_by("order", "starts_at")),
            Prefetch(
                "rounds",
                queryset=Round.objects.order_by("number").prefetch_related(
                    Prefetch("sessions", queryset=sessions_with_places())
                ),
            ),
        )
        .first()
    )


def registration_of(*, event: Event, person) -> Registration | None:
    if person is None:
        return None
    return (
        Registration.objects.filter(event=event, person=person)
        .prefetch_related(
            Prefetch("choices", queryset=SessionChoice.objects.select_related("session", "round"))
        )
        .first()
    )


def registrations_of_person(*, person) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(person=person)
        .select_related("event", "event__host")
        .prefetch_related(
            Prefetch(
                "choices",
                queryset=SessionChoice.objects.select_related("session", "round").order_by("round__number"),
            )
        )
        .order_by("event__starts_at", "pk")
    )


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
