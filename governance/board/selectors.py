"""Reads for the board and its meetings, with their relations loaded."""

from dataclasses import dataclass

from django.db.models import Case, Count, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from governance.models import (
    AgendaItem,
    Body,
    CommissionSeat,
    Document,
    Mandate,
    Meeting,
    MeetingPack,
    RecommendationRequest,
    VngCommission,
)
from members.models import Person


def current_documents() -> QuerySet[Document]:
    return Document.objects.filter(replaced_by__isnull=True).order_by("pk")


def current_board() -> list[Mandate]:
    """Today's AB and DB mandates with person, municipality, portfolios and VNG seats."""
    today = timezone.localdate()
    seats = CommissionSeat.objects.active_on(today).select_related("commission")
    return list(
        Mandate.objects.active_on(today)
        .filter(body__kind__in=[Body.Kind.AB, Body.Kind.DB])
        .select_related("body", "person", "person__organisation")
        .prefetch_related(
            "portfolios", Prefetch("person__commission_seats", queryset=seats, to_attr="current_seats")
        )
        .order_by("body__order", "body__name", mandate_role_rank(), "person__last_name")
    )


def board_history() -> QuerySet[Mandate]:
    return (
        Mandate.objects.filter(body__kind__in=[Body.Kind.AB, Body.Kind.DB])
        .select_related("body", "person", "person__organisation")
        .prefetch_related("portfolios")
        .order_by("-start", "body__order", "person__last_name")
    )


def public_upcoming_meetings() -> QuerySet[Meeting]:
    return (
        Meeting.objects.filter(
            body__public_meetings=True, starts_at__gte=timezone.now(), status=Meeting.Status.PUBLISHED
        )
        .select_related("body")
        .order_by("starts_at")
    )


def meeting_members(*, meeting: Meeting) -> list[Person]:
    """The people with a mandate in the meeting's body on the meeting date, each once."""
    day = timezone.localtime(meeting.starts_at).date()
    return list(
        Person.objects.filter(
            pk__in=Mandate.objects.active_on(day).filter(body_id=meeting.body_id).values("person_id")
        ).order_by("pk")
    )


def meetings_for_user(*, user) -> QuerySet[Meeting]:
    """Published or held meetings of the bodies the user sat on at the meeting's date."""
    mandates = Mandate.objects.filter(person__user=user)
    query = Q(pk__in=[])
    for body_id, start, end in mandates.values_list("body_id", "start", "end"):
        condition = Q(body_id=body_id, starts_at__date__gte=start)
        if end:
            condition &= Q(starts_at__date__lte=end)
        query |= condition
    return Meeting.objects.filter(query).exclude(status=Meeting.Status.CONCEPT).select_related("body")


def meeting_detail(*, pk: int, token) -> Meeting | None:
    items = AgendaItem.objects.select_related(
        "rapporteur", "rapporteur__organisation", "minutes_to_adopt__meeting"
    ).prefetch_related(
        Prefetch("documents", queryset=current_documents(), to_attr="current_documents"),
    )
    return (
        Meeting.objects.select_related("body", "minutes")
        .prefetch_related(
            Prefetch("items", queryset=items.order_by("order", "pk")),
            Prefetch(
                "packs",
                queryset=MeetingPack.objects.filter(status=MeetingPack.Status.READY).order_by("-version"),
                to_attr="ready_packs",
            ),
        )
        .filter(pk=pk, token=token)
        .first()
    )


def pack_items(*, meeting: Meeting) -> QuerySet[AgendaItem]:
    return (
        meeting.items.select_related("rapporteur")
        .prefetch_related(Prefetch("documents", queryset=current_documents(), to_attr="current_documents"))
        .order_by("order", "pk")
    )


def document_with_meeting(*, pk: int, token) -> Document | None:
    return (
        Document.objects.select_related("item", "item__meeting", "item__meeting__body")
        .filter(pk=pk, token=token)
        .first()
    )


def pack_with_meeting(*, pk: int, token) -> MeetingPack | None:
    return (
        MeetingPack.objects.select_related("meeting", "meeting__body")
        .filter(pk=pk, token=token, status=MeetingPack.Status.READY)
        .first()
    )


def kvk_todo() -> QuerySet[Mandate]:
    """AB and DB mandates whose start or end has not been reported to the Kamer van Koophandel."""
    return (
        Mandate.objects.filter(body__kind__in=[Body.Kind.AB, Body.Kind.DB])
        .filter(
            Q(kvk_start_reported_on__isnull=True) | Q(end__isnull=False, kvk_end_reported_on__isnull=True)
        )
        .select_related("body", "person")
        .order_by("start")
    )


def meeting_motions(*, meeting: Meeting) -> list:
    """The motions of a meeting with the municipalities that submitted them (two queries, one
    when there are none)."""
    return list(meeting.motions.prefetch_related("submitted_by").order_by("order", "pk"))


def mandate_role_rank() -> Case:
    """Order mandates by the role's rank: the chair (voorzitter) first, then the other executive
    roles, then the members, as Mandate.Role lists them; never alphabetically by role name. Every
    board table (the board page, the workplan, the annual report) sorts with this."""
    return Case(
        *(When(role=role, then=Value(rank)) for rank, role in enumerate(Mandate.Role.values)),
        default=Value(len(Mandate.Role.values)),
    )


@dataclass(frozen=True)
class RecommendationCount:
    commission: VngCommission
    requested: int  # requests received in the year
    given: int  # recommendations given in the year (by decision date)
    declined: int  # requests declined in the year (by decision date)


def recommendations_of_year(*, year: int) -> list[RecommendationCount]:
    """Per VNG commission: the recommendation requests (R16) received in `year`, and those given
    and declined in it. Commissions without any that year are left out. One query."""
    requests = "recommendation_requests"
    counted = (
        VngCommission.objects.annotate(
            requested=Count(requests, filter=Q(recommendation_requests__created_at__year=year)),
            given=Count(
                requests,
                filter=Q(
                    recommendation_requests__decided_on__year=year,
                    recommendation_requests__status=RecommendationRequest.Status.GIVEN,
                ),
            ),
            declined=Count(
                requests,
                filter=Q(
                    recommendation_requests__decided_on__year=year,
                    recommendation_requests__status=RecommendationRequest.Status.DECLINED,
                ),
            ),
        )
        .filter(Q(requested__gt=0) | Q(given__gt=0) | Q(declined__gt=0))
        .order_by("name")
    )
    return [
        RecommendationCount(commission=c, requested=c.requested, given=c.given, declined=c.declined)
        for c in counted
    ]
