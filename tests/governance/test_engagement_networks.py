"""Ledenbinding shows, per member municipality, the networks and kringen it had people in during
the year, and per network "N van de M gemeenten" above the table; the annual report counts the
same. The page's queries stay flat in the number of municipalities and networks."""

import datetime

import pytest

from governance.models import AnnualReport
from governance.reports.annual import annual_report_data, engagement
from members.models import Organisation, Person
from networks.models import Network, NetworkMembership
from tests.factories import PersonFactory, secretariat_user

from .report_data import build_year

pytestmark = pytest.mark.django_db

YEAR = 2025
SINCE = datetime.date(2000, 1, 1)


def town(name: str, code: str, **extra) -> Organisation:
    return Organisation.objects.create(
        name=name, kind=Organisation.Kind.MUNICIPALITY, cbs_code=code, member_since=SINCE, **extra
    )


def join(network: Network, organisation: Organisation, joined: datetime.date, left=None):
    return NetworkMembership.objects.create(
        network=network, person=PersonFactory(organisation=organisation), joined_on=joined, left_on=left
    )


@pytest.fixture
def year_of_networks(db):
    AnnualReport.objects.create(year=YEAR)  # the ledenbinding page opens for a year with a report
    strategen = Network.objects.create(name="Strategennetwerk", slug="strategennetwerk", order=1)
    juristen = Network.objects.create(name="Juristennetwerk", slug="juristennetwerk", order=2)
    delft, gouda, leiden = town("Delft", "GM0503"), town("Gouda", "GM0513"), town("Leiden", "GM0546")
    former = town("Oud-lid", "GM0001", member_until=datetime.date(2020, 12, 31))
    join(strategen, delft, datetime.date(YEAR, 3, 1))
    join(strategen, delft, datetime.date(YEAR, 4, 1))  # a second person: still one municipality
    join(juristen, delft, datetime.date(2024, 1, 1), left=datetime.date(YEAR, 2, 1))  # left in the year
    join(strategen, gouda, datetime.date(YEAR, 6, 1))
    join(juristen, leiden, datetime.date(YEAR + 1, 1, 5))  # joined after the year
    join(juristen, gouda, datetime.date(2023, 1, 1), left=datetime.date(2024, 6, 1))  # left before
    join(strategen, former, datetime.date(YEAR, 1, 1))  # not a member municipality in the year
    return {"strategen": strategen, "juristen": juristen, "delft": delft, "gouda": gouda, "leiden": leiden}


def test_each_municipality_lists_the_networks_it_had_people_in_during_the_year(year_of_networks):
    data = engagement(year=YEAR)

    networks = {row.organisation.name: [n.name for n in row.networks] for row in data.rows}
    assert networks == {
        "Delft": ["Strategennetwerk", "Juristennetwerk"],
        "Gouda": ["Strategennetwerk"],
        "Leiden": [],
    }
    counts = [(count.network.name, count.municipalities, count.total) for count in data.networks]
    assert counts == [("Strategennetwerk", 2, 3), ("Juristennetwerk", 1, 3)]


def test_the_annual_report_counts_the_same_networks_as_ledenbinding(year_of_networks):
    data = annual_report_data(year=YEAR)

    assert [(c.network.name, c.municipalities, c.total) for c in data.networks] == [
        ("Strategennetwerk", 2, 3),
        ("Juristennetwerk", 1, 3),
    ]
    assert data.networks == data.engagement.networks


def test_the_ledenbinding_page_shows_the_counts_and_a_networks_column(client, year_of_networks):
    client.force_login(secretariat_user())

    page = client.get(f"/jaarverslag/{YEAR}/ledenbinding/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()

    assert "2 van de 3 gemeenten in Strategennetwerk" in page
    assert "1 van de 3 gemeenten in Juristennetwerk" in page
    assert '<th scope="col">Netwerken</th>' in page
    assert 'data-label="Netwerken">2: Strategennetwerk, Juristennetwerk</td>' in page
    assert 'data-label="Netwerken">1: Strategennetwerk</td>' in page
    assert 'data-label="Netwerken">0</td>' in page


def test_network_names_are_escaped_on_the_page(client, year_of_networks):
    year_of_networks["juristen"].name = '<script>alert("x")</script>'
    year_of_networks["juristen"].save()
    client.force_login(secretariat_user())

    page = client.get(f"/jaarverslag/{YEAR}/ledenbinding/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()

    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def _networks(count: int, towns: list[Organisation]) -> None:
    networks = Network.objects.bulk_create(
        Network(name=f"Netwerk {n:02d}", slug=f"netwerk-{n:02d}", order=n) for n in range(count)
    )
    people = Person.objects.bulk_create(
        Person(first_name="Lid", last_name=f"Netwerk{n:03d}", email=f"net{n:03d}@example.org", organisation=t)
        for n, t in enumerate(towns)
    )
    NetworkMembership.objects.bulk_create(
        NetworkMembership(network=network, person=person, joined_on=datetime.date(2000, 1, 1))
        for n, network in enumerate(networks)
        for person in people[n % 2 :: 2]
    )


# The page: session, user, its permissions (own and the group's: two), the annual report's existence,
# ledenbinding's two (member municipalities, attendance per municipality) and networks' two (the
# networks, the municipality-network pairs of the year).
ENGAGEMENT_PAGE_QUERIES = 9


@pytest.mark.parametrize(
    ("municipalities", "networks"), [(5, 2), (40, 12)], ids=["5-towns-2-networks", "40-towns-12-networks"]
)
def test_the_ledenbinding_page_takes_the_same_queries_for_more_towns_and_networks(
    client, municipalities, networks, django_assert_num_queries
):
    year = build_year(municipalities=municipalities)
    _networks(networks, year.municipalities)
    client.force_login(secretariat_user())
    client.get("/")  # the session and permissions settle

    with django_assert_num_queries(ENGAGEMENT_PAGE_QUERIES):
        response = client.get(f"/jaarverslag/{year.year}/ledenbinding/")

    assert response.status_code == 200
    rows = response.context["engagement"].rows
    assert len(rows) == municipalities
    assert all(len(row.networks) == (networks + 1) // 2 or len(row.networks) == networks // 2 for row in rows)
