import datetime

import factory
import pytest

from networks.models import ExpertiseTag, Network, NetworkMembership
from tests.factories import MemberFactory, PersonFactory

JURIST_TAGS = ["Gemeentewet/Awb", "verordeningen", "sociaal domein", "fysiek domein", "informatiedomein"]


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network

    name = factory.Sequence(lambda n: f"Netwerk {n:03d}")
    slug = factory.Sequence(lambda n: f"netwerk-{n:03d}")
    purpose = "Een netwerk van **strategen**.<script>alert(1)</script>"
    meeting_frequency = "3 keer per jaar"
    target_size = 60
    open_for_signup = True


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NetworkMembership

    network = factory.SubFactory(NetworkFactory)
    person = factory.SubFactory(PersonFactory)
    joined_on = datetime.date(2025, 1, 15)


@pytest.fixture
def tags(db):
    return [ExpertiseTag.objects.create(name=name, order=number) for number, name in enumerate(JURIST_TAGS)]


@pytest.fixture
def juristen(db, tags):
    network = NetworkFactory(name="Juristennetwerk", slug="juristennetwerk", target_size=20)
    network.expertise_tags.set(tags)
    return network


@pytest.fixture
def jurist(db):
    return MemberFactory(function="jurist", first_name="Jet", last_name="Jurist")
