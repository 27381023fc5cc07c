import io

import pytest

from demo import members, networks, newsletter_lists
from networks.models import Network, NetworkMembership

pytestmark = pytest.mark.django_db


def test_demo_networks_load_once():
    members.demo_load(stdout=io.StringIO())
    newsletter_lists.demo_load(stdout=io.StringIO())
    networks.demo_load(stdout=io.StringIO())
    counts = (Network.objects.count(), NetworkMembership.objects.count())
    out = io.StringIO()
    networks.demo_load(stdout=out)

    assert (Network.objects.count(), NetworkMembership.objects.count()) == counts
    assert "Networks: 4 networks (0 new), 0 memberships new" in out.getvalue()
    juristen = Network.objects.get(slug="juristennetwerk")
    assert sorted(juristen.expertise_tags.values_list("name", flat=True)) == sorted(
        ["Gemeentewet/Awb", "verordeningen", "sociaal domein", "fysiek domein", "informatiedomein"]
    )
    assert juristen.memberships.filter(role="trekker").count() == 2
    assert all(m.expertise_tags.count() == 2 for m in juristen.memberships.all())
    assert juristen.partners.filter(slug="strategennetwerk").exists()
    assert Network.objects.get(slug="strategennetwerk").newsletter_list.slug == "strategennetwerk"
    assert set(Network.objects.filter(kind="kring").values_list("slug", flat=True)) == {
        "kring-gemeentesecretarissen",
        "kring-griffiers",
    }


def test_demo_network_meeting_is_for_the_strategen_only():
    from demo import events as demo_events
    from events.models import Event

    members.demo_load(stdout=io.StringIO())
    demo_events.demo_load(stdout=io.StringIO())
    newsletter_lists.demo_load(stdout=io.StringIO())
    networks.demo_load(stdout=io.StringIO())

    meeting = Event.objects.get(slug="netwerkbijeenkomst-ruimtelijke-puzzel")
    assert (meeting.network.slug, meeting.network_only) == ("strategennetwerk", True)
