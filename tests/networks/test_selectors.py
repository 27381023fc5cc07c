"""Counts per municipality, the event audience "members of the event's network", the people list's
filter "network" and the AVG export."""

import datetime

import pytest
from django.urls import reverse

from events import invitations
from members.services import person_export_data
from networks import selectors, services
from tests.events.staff_factories import EventFactory
from tests.factories import MemberFactory, MunicipalityFactory, OrganisationFactory, PersonFactory

from .conftest import MembershipFactory, NetworkFactory

pytestmark = pytest.mark.django_db


def test_counts_per_municipality_today_and_in_a_year(juristen):
    strategen = NetworkFactory(name="Strategennetwerk")
    delft, leiden, gouda = (MunicipalityFactory() for _ in range(3))
    lapsed = MunicipalityFactory(member_until=datetime.date(2024, 12, 31))
    partner = OrganisationFactory(kind="partner")
    for organisation in (delft, delft, leiden, lapsed, partner):
        MembershipFactory(network=strategen, person=PersonFactory(organisation=organisation))
    MembershipFactory(  # left in 2024: counts in 2024, not today
        network=juristen,
        person=PersonFactory(organisation=gouda),
        joined_on=datetime.date(2024, 2, 1),
        left_on=datetime.date(2024, 9, 1),
    )

    today = {
        row.network.name: (row.municipalities, row.total) for row in selectors.networks_municipality_counts()
    }
    in_2024 = {
        row.network.name: (row.municipalities, row.total)
        for row in selectors.networks_municipality_counts(
            start=datetime.date(2024, 1, 1), end=datetime.date(2024, 12, 31)
        )
    }

    assert today == {"Strategennetwerk": (2, 3), "Juristennetwerk": (0, 3)}  # Delft once; no partner
    # 2024: the lapsed member was one then; the strategen joined in 2025.
    assert in_2024 == {"Strategennetwerk": (0, 4), "Juristennetwerk": (1, 4)}


def test_counts_per_municipality_take_two_queries(juristen, django_assert_num_queries):
    for _ in range(5):
        MembershipFactory(network=NetworkFactory(), person=MemberFactory())

    with django_assert_num_queries(2):
        rows = selectors.networks_municipality_counts()
    assert len(rows) == 6


def test_event_audience_is_the_networks_members_today(juristen):
    current = [MembershipFactory(network=juristen, person=PersonFactory()) for _ in range(2)]
    MembershipFactory(network=juristen, person=PersonFactory(), left_on=datetime.date(2025, 6, 1))
    MembershipFactory(person=PersonFactory())  # another network
    event = EventFactory(network=juristen)

    people = invitations.invitation_audience(kind=invitations.Audience.NETWORK, network_id=event.network_id)

    assert set(people) == {membership.person for membership in current}
    assert not invitations.invitation_audience(kind=invitations.Audience.NETWORK, network_id=None).exists()


def test_invitation_page_offers_the_events_network(client, secretariat, juristen):
    member = MembershipFactory(network=juristen, person=MemberFactory())
    event = EventFactory(network=juristen, title="Juristennetwerk voorjaar")
    url = reverse("admin:events_event_invitations", args=[event.pk])

    preview = client.post(url, {"audience": invitations.Audience.NETWORK})

    assert preview.status_code == 200
    assert preview.context["preview"]["total"] == 1
    assert preview.context["preview"]["person"] == member.person


def test_network_page_lists_its_coming_meetings(client, juristen):
    EventFactory(network=juristen, title="Juristennetwerk najaar", status="published")

    assert "Juristennetwerk najaar" in client.get(juristen.get_absolute_url()).content.decode()


def test_people_list_filter_network(client, secretariat, juristen):
    inside = MembershipFactory(network=juristen, person=MemberFactory(last_name="Binnen")).person
    MembershipFactory(
        network=juristen, person=MemberFactory(last_name="Vertrokken"), left_on=datetime.date(2025, 6, 1)
    )
    MemberFactory(last_name="Buiten")

    response = client.get(reverse("admin:members_person_changelist"), {"network": juristen.pk})

    assert [person.pk for person in response.context["cl"].result_list] == [inside.pk]


def test_avg_export_holds_the_memberships(juristen, jurist, tags):
    services.membership_join(network=juristen, person=jurist, actor=None, tag_ids=[tags[0].pk, tags[1].pk])
    MembershipFactory(
        network=NetworkFactory(name="Strategennetwerk"),
        person=jurist,
        joined_on=datetime.date(2024, 1, 1),
        left_on=datetime.date(2024, 12, 1),
    )

    rows = person_export_data(person=jurist)["network_memberships"]

    assert [(row["network"], row["left_on"]) for row in rows] == [
        ("Juristennetwerk", None),
        ("Strategennetwerk", "2024-12-01"),
    ]
    assert rows[0]["expertise_tags"] == ["Gemeentewet/Awb", "verordeningen"]
