"""Networks in a real browser (issue 16): a jurist joins the juristennetwerk with two expertise
tags from their profile, then sees the member list; the network page at 390 px is axe-clean and
does not scroll sideways."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from networks.models import NetworkMembership
from tests.factories import MemberFactory
from tests.networks.conftest import JURIST_TAGS, MembershipFactory, NetworkFactory

from .conftest import assert_accessible

pytestmark = pytest.mark.e2e


@pytest.fixture
def juristennetwerk(db):
    from networks.models import ExpertiseTag

    network = NetworkFactory(
        name="Juristennetwerk",
        slug="juristennetwerk",
        purpose="Een netwerk van circa 10-20 gemeentejuristen, **2 keer per jaar**.",
        meeting_frequency="2 keer per jaar",
        target_size=20,
        signup_email="secretariaat@vzhg.nl",
    )
    network.expertise_tags.set(
        [ExpertiseTag.objects.create(name=name, order=n) for n, name in enumerate(JURIST_TAGS)]
    )
    MembershipFactory(
        network=network, person=MemberFactory(first_name="Tessa", last_name="Trekker"), role="trekker"
    )
    return network


def test_a_jurist_joins_the_juristennetwerk_with_two_tags_from_the_profile(
    page: Page, live_server, log_in, screenshot, juristennetwerk
):
    jurist = MemberFactory(function="jurist", first_name="Jet", last_name="Jurist")
    log_in(jurist.user)

    page.goto(live_server.url + reverse("members:profile"))
    card = page.get_by_test_id("profile-network-juristennetwerk")
    card.get_by_label("Gemeentewet/Awb").check()
    card.get_by_label("informatiedomein").check()
    assert_accessible(page)
    card.get_by_role("button", name="Meld me aan bij Juristennetwerk").click()

    expect(page).to_have_url(live_server.url + reverse("members:profile"))
    card = page.get_by_test_id("profile-network-juristennetwerk")
    expect(card).to_contain_text("Je bent lid van dit netwerk.")
    expect(card.get_by_label("Gemeentewet/Awb")).to_be_checked()
    expect(card.get_by_label("informatiedomein")).to_be_checked()
    expect(card.get_by_label("verordeningen")).not_to_be_checked()
    screenshot("joined")
    membership = NetworkMembership.objects.active().get(network=juristennetwerk, person=jurist)
    assert sorted(tag.name for tag in membership.expertise_tags.all()) == [
        "Gemeentewet/Awb",
        "informatiedomein",
    ]

    # A member now sees who else is in it.
    page.goto(live_server.url + juristennetwerk.get_absolute_url())
    page.get_by_role("link", name="Wie zitten er in dit netwerk").click()
    members = page.get_by_test_id("network-members")
    expect(members).to_contain_text("Tessa Trekker")
    expect(members).to_contain_text("Jet Jurist")
    assert_accessible(page)


def test_the_network_page_on_a_phone_is_accessible(page: Page, live_server, screenshot, juristennetwerk):
    page.set_viewport_size({"width": 390, "height": 844})

    response = page.goto(live_server.url + juristennetwerk.get_absolute_url())

    assert response.status == 200
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("Juristennetwerk")
    expect(main.get_by_test_id("trekkers")).to_have_text("Tessa Trekker")
    expect(main.get_by_role("link", name="Log in om je aan te melden")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("network-phone")
    assert_accessible(page)
    page.goto(live_server.url + reverse("networks:list"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)
