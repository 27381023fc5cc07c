"""Reads of networks: the public list and page, who may see a member list, the members, the
counts per municipality (network page, annual report) and the people of a network (event
audience, messages)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from events.models import Event
from members.models import Organisation, Person

from .models import ExpertiseTag, Network, NetworkMembership

# Who may see every network's member list without being a member: the secretariat's group.
MEMBER_LIST_PERMISSION = "networks.view_networkmembership"


def _trekkers() -> Prefetch:
    return Prefetch(
        "memberships",
        queryset=NetworkMembership.objects.active()
        .filter(role=NetworkMembership.Role.LEAD)
        .select_related("person")
        .order_by("person__last_name", "person__first_name"),
        to_attr="trekkers",
    )


def networks_public() -> QuerySet[Network]:
    """Every network with its active member count and its trekkers (three queries, however many)."""
    return (
        Network.objects.annotate(
            member_count=Count("memberships", filter=Q(memberships__left_on__isnull=True))
        )
        .prefetch_related(_trekkers())
        .order_by("order", "name")
    )


def network_by_slug(*, slug: str) -> Network | None:
    return (
        Network.objects.filter(slug=slug)
        .select_related("newsletter_list")
        .prefetch_related(
            _trekkers(),
            Prefetch("partners", queryset=Network.objects.order_by("order", "name")),
            Prefetch("expertise_tags", queryset=ExpertiseTag.objects.order_by("order", "name")),
        )
        .first()
    )


def membership_active(*, network: Network, person: Person | None) -> NetworkMembership | None:
    if person is None:
        return None
    return (
        NetworkMembership.objects.active()
        .filter(network=network, person=person)
        .prefetch_related("expertise_tags")
        .first()
    )


def member_list_visible(*, user, membership: NetworkMembership | None) -> bool:
    """The member list: the network's own members and the secretariat (a permission, never staff status)."""
    return membership is not None or bool(user.is_authenticated and user.has_perm(MEMBER_LIST_PERMISSION))


def network_members(*, network: Network) -> QuerySet[NetworkMembership]:
    """The active members, trekkers first, with organisation and tags (three queries, however many)."""
    return (
        NetworkMembership.objects.active()
        .filter(network=network)
        .select_related("person", "person__organisation")
        .prefetch_related(Prefetch("expertise_tags", queryset=ExpertiseTag.objects.order_by("order", "name")))
        .order_by("-role", "person__last_name", "person__first_name", "pk")
    )


def network_meetings(*, network: Network, now: datetime.datetime) -> QuerySet[Event]:
    """The network's coming meetings: published events with the network as audience."""
    return Event.objects.filter(network=network, status=Event.Status.PUBLISHED, ends_at__gte=now).order_by(
        "starts_at"
    )


def network_people(network_id: int | None) -> QuerySet[Person]:
    """The people of a network today (an event audience, a message group)."""
    if network_id is None:
        return Person.objects.none()
    active = NetworkMembership.objects.active().filter(network_id=network_id)
    return Person.objects.filter(pk__in=active.values("person_id"))


@dataclass(frozen=True)
class MunicipalityCount:
    network: Network
    municipalities: int  # member municipalities with at least one person in the network
    total: int  # member municipalities


def networks_municipality_counts(
    *, start: datetime.date | None = None, end: datetime.date | None = None, network: Network | None = None
) -> list[MunicipalityCount]:
    """Per network: how many member municipalities have people in it ("38 van de 50 gemeenten in
    het strategennetwerk"). Without dates: today's members of today's member municipalities;
    with a period (the annual report's year): memberships and municipal memberships that overlap
    it. Two queries, however many networks."""
    if start is None or end is None:
        municipalities = Organisation.objects.member_municipalities()
        memberships = Q(memberships__left_on__isnull=True)
    else:
        municipalities = Organisation.objects.member_municipalities_during(start, end)
        memberships = Q(memberships__joined_on__lte=end) & (
            Q(memberships__left_on__isnull=True) | Q(memberships__left_on__gte=start)
        )
    total = municipalities.count()
    networks = Network.objects.all() if network is None else Network.objects.filter(pk=network.pk)
    counted = networks.annotate(
        municipalities=Count(
            "memberships__person__organisation",
            filter=memberships & Q(memberships__person__organisation__in=municipalities.values("pk")),
            distinct=True,
        )
    ).order_by("order", "name")
    return [MunicipalityCount(network=n, municipalities=n.municipalities, total=total) for n in counted]


@dataclass(frozen=True)
class MunicipalityNetworks:
    counts: list[MunicipalityCount]  # per network, as networks_municipality_counts
    by_municipality: dict[int, list[Network]]  # organisation id -> its networks, in network order


def networks_of_municipalities(
    *, start: datetime.date, end: datetime.date, municipality_ids: Sequence[int]
) -> MunicipalityNetworks:
    """Per municipality of `municipality_ids` (the member municipalities of the period): the
    networks it had people in during [start, end], and per network how many of them ("38 van de
    50 gemeenten in het strategennetwerk", the same count as networks_municipality_counts gives
    for a period). Ledenbinding's column. Two queries, however many municipalities and networks."""
    networks = list(Network.objects.order_by("order", "name"))
    pairs = set(
        NetworkMembership.objects.filter(
            joined_on__lte=end, person__organisation_id__in=list(municipality_ids)
        )
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=start))
        .order_by()
        .values_list("person__organisation_id", "network_id")
        .distinct()
    )
    by_municipality: dict[int, list[Network]] = {}
    counts = []
    for network in networks:
        towns = [organisation_id for organisation_id, network_id in pairs if network_id == network.pk]
        for organisation_id in sorted(towns):
            by_municipality.setdefault(organisation_id, []).append(network)
        counts.append(
            MunicipalityCount(network=network, municipalities=len(towns), total=len(municipality_ids))
        )
    return MunicipalityNetworks(counts=counts, by_municipality=by_municipality)


@dataclass
class ProfileRow:
    network: Network
    membership: NetworkMembership | None
    chosen: set[int]  # the ids of the tags the person chose


def networks_for_person(*, person: Person) -> list[ProfileRow]:
    """The profile's networks: every open network and every network the person is in (one query
    when there are no networks; four at most, however many)."""
    mine = NetworkMembership.objects.active().filter(person=person)
    networks = (
        Network.objects.filter(Q(open_for_signup=True) | Q(pk__in=mine.values("network_id")))
        .prefetch_related(
            Prefetch("expertise_tags", queryset=ExpertiseTag.objects.order_by("order", "name")),
            Prefetch("memberships", queryset=mine.prefetch_related("expertise_tags"), to_attr="mine"),
        )
        .order_by("order", "name")
    )
    rows = []
    for network in networks:
        membership = network.mine[0] if network.mine else None
        chosen = {tag.pk for tag in membership.expertise_tags.all()} if membership else set()
        rows.append(ProfileRow(network=network, membership=membership, chosen=chosen))
    return rows
