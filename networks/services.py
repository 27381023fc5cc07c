"""Writes of networks: joining (by oneself on an open network, or added by the secretariat),
choosing expertise tags, leaving. A membership that ends keeps its row with `left_on`, so the
counts of a past year stay right; rejoining starts a new row."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Person
from vzhg.errors import ServiceError
from vzhg.history import history_note

from .models import ExpertiseTag, Network, NetworkMembership


def _tags_checked(*, network: Network, tag_ids: Iterable[int]) -> list[ExpertiseTag]:
    wanted = {int(pk) for pk in tag_ids}
    if not wanted:
        return []
    tags = list(network.expertise_tags.filter(pk__in=wanted))
    if len(tags) != len(wanted):
        raise ServiceError(_("Choose expertise tags this network uses."), "unknown_tag")
    return tags


def membership_join(
    *,
    network: Network,
    person: Person,
    actor,
    tag_ids: Iterable[int] = (),
    role: str = NetworkMembership.Role.MEMBER,
    by_secretariat: bool = False,
    today: datetime.date | None = None,
) -> NetworkMembership:
    """`person` joins `network` with the chosen expertise tags. By oneself only on an open network;
    the secretariat adds people to any. A second active membership is refused (the named unique
    constraint holds the rule in the database too)."""
    if not network.open_for_signup and not by_secretariat:
        raise ServiceError(_("Only the secretariat adds people to this network."), "closed")
    tags = _tags_checked(network=network, tag_ids=tag_ids)
    membership = NetworkMembership(
        network=network, person=person, role=role, joined_on=today or timezone.localdate()
    )
    history_note(membership, actor=actor, reason="joined")
    try:
        with transaction.atomic():
            membership.save()
            membership.expertise_tags.set(tags)
    except IntegrityError as error:
        raise ServiceError(_("You are already a member of this network."), "already_member") from error
    return membership


def memberships_add(
    *,
    network: Network,
    people: Iterable[Person],
    actor,
    role: str = NetworkMembership.Role.MEMBER,
    tag_ids: Iterable[int] = (),
    today: datetime.date | None = None,
) -> tuple[int, int]:
    """The secretariat adds `people` to `network` (the people list's action), each through
    membership_join with the same role and tags; people who are active members already are
    skipped. All or nothing. Returns (added, skipped)."""
    tag_ids = [tag.pk for tag in _tags_checked(network=network, tag_ids=tag_ids)]
    people = list(people)
    members = set(
        NetworkMembership.objects.active()
        .filter(network=network, person__in=[person.pk for person in people])
        .values_list("person_id", flat=True)
    )
    added = 0
    with transaction.atomic():
        for person in people:
            if person.pk in members:
                continue
            try:
                membership_join(
                    network=network,
                    person=person,
                    actor=actor,
                    tag_ids=tag_ids,
                    role=role,
                    by_secretariat=True,
                    today=today,
                )
            except ServiceError as refusal:
                if refusal.code != "already_member":  # joined meanwhile: skipped like the others
                    raise
                continue
            added += 1
    return added, len(people) - added


def membership_tags_set(*, membership: NetworkMembership, actor, tag_ids: Iterable[int]) -> None:
    """The member's expertise tags are now exactly these (of the tags the network uses)."""
    if membership.left_on is not None:
        raise ServiceError(_("This membership has ended."), "ended")
    tags = _tags_checked(network=membership.network, tag_ids=tag_ids)
    with transaction.atomic():
        membership.expertise_tags.set(tags)


def membership_leave(
    *, network: Network, person: Person, actor, today: datetime.date | None = None
) -> NetworkMembership | None:
    """`person` leaves `network` today (None: they were not a member)."""
    with transaction.atomic():
        membership = (
            NetworkMembership.objects.active()
            .select_for_update()
            .filter(network=network, person=person)
            .first()
        )
        if membership is None:
            return None
        membership.left_on = max(today or timezone.localdate(), membership.joined_on)
        history_note(membership, actor=actor, reason="left")
        membership.save(update_fields=["left_on"])
    return membership


def memberships_ended_purge(*, before: datetime.date) -> int:
    """Memberships that ended before `before` are removed with their history rows (retention:
    NETWORKS_RETENTION_MONTHS after leaving, see networks.tasks). Returns the memberships removed."""
    ended = NetworkMembership.objects.filter(left_on__lt=before)
    ids = list(ended.values_list("pk", flat=True))
    if not ids:
        return 0
    with transaction.atomic():
        NetworkMembership.objects.filter(pk__in=ids).delete()
        NetworkMembership.history.filter(id__in=ids).delete()  # the deletion's own row too
    return len(ids)
