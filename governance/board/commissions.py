"""VNG commissions: our Zuid-Holland members (seats), temporary commissions that end on a date
(R17), the public page per commission and its klankbord meetings."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.template.loader import render_to_string
from django.utils import timezone

from events.models import Event
from governance.models import CommissionSeat, VngCommission
from vzhg.errors import ServiceError
from vzhg.history import history_note


def _refusal(error: ValidationError) -> ServiceError:
    return ServiceError(" ".join(error.messages), code="invalid")


@transaction.atomic
def vng_commission_save(*, commission: VngCommission, actor=None) -> int:
    """Save the commission; a commission with an end date ends its seats on it (R17): seats with
    no end or a later one end on that date. Returns the number of seats ended."""
    try:
        commission.full_clean(exclude=["klankbord_events"])
    except ValidationError as error:
        raise _refusal(error) from error
    commission.save()
    if commission.end is None:
        return 0
    ended = 0
    for seat in commission.seats.filter(Q(end__isnull=True) | Q(end__gt=commission.end)).filter(
        start__lte=commission.end
    ):
        seat.end = commission.end
        history_note(seat, actor=actor, reason="R17: de commissie eindigt")
        seat.save(update_fields=["end"])
        ended += 1
    return ended


@transaction.atomic
def commission_seat_save(*, seat: CommissionSeat, actor=None, reason: str = "") -> CommissionSeat:
    """Save a seat; a seat of a commission with an end date and no end of its own ends on the
    commission's end (R17); one ending later, or starting after it, is refused."""
    if seat.commission_id and seat.commission.end is not None and seat.end is None:
        seat.end = seat.commission.end
    try:
        seat.full_clean()
    except ValidationError as error:
        raise _refusal(error) from error
    history_note(seat, actor=actor, reason=reason)
    seat.save()
    return seat


# --- reads ------------------------------------------------------------------------------------


def commissions_public(*, day: datetime.date | None = None):
    """Every commission that has not ended, with its current seats and their people (one query
    for the commissions, one for the seats)."""
    day = day or timezone.localdate()
    return (
        VngCommission.objects.filter(Q(end__isnull=True) | Q(end__gte=day))
        .prefetch_related(Prefetch("seats", queryset=_current_seats(day), to_attr="current_seats"))
        .order_by("name")
    )


def _current_seats(day: datetime.date):
    return (
        CommissionSeat.objects.current(day)
        .select_related("person__organisation")
        .order_by("person__last_name", "person__first_name")
    )


def commission_page(*, slug: str, day: datetime.date | None = None):
    """One commission with its current seats and its coming klankbord meetings (published)."""
    day = day or timezone.localdate()
    upcoming = Event.objects.filter(status=Event.Status.PUBLISHED, starts_at__date__gte=day).order_by(
        "starts_at"
    )
    return (
        VngCommission.objects.filter(slug=slug)
        .prefetch_related(
            Prefetch("seats", queryset=_current_seats(day), to_attr="current_seats"),
            Prefetch("klankbord_events", queryset=upcoming, to_attr="upcoming_events"),
        )
        .first()
    )


def commission_hosts(*, event: Event, day: datetime.date | None = None) -> list:
    """The hosts of a klankbord meeting: the current members of its commissions."""
    day = day or timezone.localdate()
    seats = _current_seats(day).filter(commission__klankbord_events=event).select_related("commission")
    return list(seats)


def event_page_hosts(event: Event) -> str:
    """events.extensions section: on a klankbord meeting's public page, its hosts — the current
    Zuid-Holland members of its commissions. Only klankbord meetings are looked at, so the pages
    of other events cost no query."""
    if event.kind != Event.Kind.SOUNDING_BOARD:
        return ""
    seats = commission_hosts(event=event)
    if not seats:
        return ""
    return render_to_string("governance/_event_commission_hosts.html", {"seats": seats})
