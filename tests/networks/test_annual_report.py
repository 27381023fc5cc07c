"""The annual report names, per network, how many member municipalities had people in it that year."""

import datetime

import pytest

from governance.reports.annual import annual_report_data
from members.models import Organisation
from networks.models import Network, NetworkMembership
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_the_annual_report_counts_the_municipalities_of_each_network_in_its_year():
    network = Network.objects.create(name="Strategennetwerk", slug="strategennetwerk")
    since = datetime.date(2000, 1, 1)
    town = Organisation.Kind.MUNICIPALITY
    delft = Organisation.objects.create(name="Delft", kind=town, cbs_code="GM0503", member_since=since)
    Organisation.objects.create(name="Gouda", kind=town, cbs_code="GM0513", member_since=since)
    NetworkMembership.objects.create(
        network=network, person=PersonFactory(organisation=delft), joined_on=datetime.date(2025, 3, 1)
    )
    # Joined after the year: not counted in 2025.
    NetworkMembership.objects.create(
        network=network, person=PersonFactory(organisation=delft), joined_on=datetime.date(2026, 3, 1)
    )

    (count,) = annual_report_data(year=2025).networks
    assert (count.network, count.municipalities, count.total) == (network, 1, 2)
    assert annual_report_data(year=2024).networks[0].municipalities == 0
