import datetime

import pytest
from django.db import IntegrityError, transaction

from networks import services
from networks.models import NetworkMembership
from vzhg.errors import ServiceError

from .conftest import MembershipFactory, NetworkFactory

pytestmark = pytest.mark.django_db


def test_join_with_two_tags_and_leave(juristen, jurist, tags):
    membership = services.membership_join(
        network=juristen, person=jurist, actor=jurist.user, tag_ids=[tags[0].pk, tags[2].pk]
    )

    assert membership.role == NetworkMembership.Role.MEMBER and membership.left_on is None
    assert {tag.name for tag in membership.expertise_tags.all()} == {"Gemeentewet/Awb", "sociaal domein"}
    assert membership.history.first().history_user == jurist.user

    left = services.membership_leave(network=juristen, person=jurist, actor=jurist.user)

    assert left.pk == membership.pk and left.left_on is not None
    assert services.membership_leave(network=juristen, person=jurist, actor=jurist.user) is None
    # Rejoining starts a new membership; the old one keeps its dates for the counts of the past.
    again = services.membership_join(network=juristen, person=jurist, actor=jurist.user)
    assert again.pk != membership.pk
    assert NetworkMembership.objects.filter(network=juristen, person=jurist).count() == 2


def test_a_second_active_membership_is_refused(juristen, jurist):
    services.membership_join(network=juristen, person=jurist, actor=None)

    with pytest.raises(ServiceError) as refused:
        services.membership_join(network=juristen, person=jurist, actor=None)
    assert refused.value.code == "already_member"


def test_the_database_holds_one_active_membership_per_person(juristen, jurist):
    MembershipFactory(network=juristen, person=jurist)

    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(network=juristen, person=jurist)
    MembershipFactory(network=juristen, person=jurist, left_on=datetime.date(2025, 3, 1))  # past: fine


def test_leaving_before_joining_is_refused_by_the_database(juristen, jurist):
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(network=juristen, person=jurist, left_on=datetime.date(2024, 1, 1))


def test_a_closed_network_takes_people_from_the_secretariat_only(jurist):
    kring = NetworkFactory(kind="kring", open_for_signup=False)

    with pytest.raises(ServiceError) as refused:
        services.membership_join(network=kring, person=jurist, actor=None)
    assert refused.value.code == "closed"
    assert services.membership_join(network=kring, person=jurist, actor=None, by_secretariat=True)


def test_tags_the_network_does_not_use_are_refused(juristen, jurist, tags):
    other = NetworkFactory()
    other.expertise_tags.set(tags[:1])

    with pytest.raises(ServiceError) as refused:
        services.membership_join(network=other, person=jurist, actor=None, tag_ids=[tags[1].pk])
    assert refused.value.code == "unknown_tag"
    assert not NetworkMembership.objects.filter(person=jurist).exists()


def test_tags_are_changed_by_the_member(juristen, jurist, tags):
    membership = services.membership_join(network=juristen, person=jurist, actor=None, tag_ids=[tags[0].pk])

    services.membership_tags_set(membership=membership, actor=None, tag_ids=[tags[3].pk, tags[4].pk])

    assert {tag.name for tag in membership.expertise_tags.all()} == {"fysiek domein", "informatiedomein"}


def test_ended_memberships_are_purged_after_retention(juristen, jurist):
    old = MembershipFactory(network=juristen, person=jurist, left_on=datetime.date(2025, 2, 1))
    current = MembershipFactory(network=juristen, joined_on=datetime.date(2025, 3, 1))

    assert services.memberships_ended_purge(before=datetime.date(2025, 1, 1)) == 0
    assert services.memberships_ended_purge(before=datetime.date(2025, 6, 1)) == 1

    assert list(NetworkMembership.objects.all()) == [current]
    assert not NetworkMembership.history.filter(id=old.pk).exists()
