"""The network pages: public list and page, the member list for members and the secretariat
only, joining and leaving from the network page and the profile, query counts pinned."""

import pytest
from django.urls import reverse

from networks.models import NetworkMembership
from tests.factories import MemberFactory, MunicipalityFactory

from .conftest import MembershipFactory, NetworkFactory

pytestmark = pytest.mark.django_db


def _members(network, count, role=NetworkMembership.Role.MEMBER):
    return [MembershipFactory(network=network, person=MemberFactory(), role=role) for _ in range(count)]


def test_the_public_page_shows_purpose_and_trekkers_but_no_members(client, juristen):
    lead = MembershipFactory(
        network=juristen, person=MemberFactory(first_name="Tim", last_name="Trekker"), role="trekker"
    )
    plain = MembershipFactory(network=juristen, person=MemberFactory(first_name="Lies", last_name="Lid"))

    response = client.get(juristen.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>strategen</strong>" in html and "<script>alert" not in html  # Markdown, sanitised
    assert lead.person.full_name in html
    assert plain.person.full_name not in html and plain.person.email not in html
    assert reverse("networks:members", args=[juristen.slug]) not in html
    assert f"/account/login/?next=/netwerken/{juristen.slug}/" in html  # anonymous: a login link
    assert "municipality-count" not in html


@pytest.mark.parametrize(
    "url_name", ["networks:detail", "networks:members", "networks:join", "networks:leave"]
)
def test_an_unknown_network_is_404(client, url_name):
    client.force_login(MemberFactory().user)

    assert client.get(reverse(url_name, args=["bestaat-niet"])).status_code in (404, 405)


def test_member_list_anonymous_goes_to_login(client, juristen):
    url = reverse("networks:members", args=[juristen.slug])

    response = client.get(url)

    assert (response.status_code, response["Location"]) == (302, f"/account/login/?next={url}")


def test_member_list_is_404_for_a_non_member_and_staff_without_rights(client, juristen, staff_without_rights):
    _members(juristen, 2)
    url = reverse("networks:members", args=[juristen.slug])

    assert client.get(url).status_code == 404  # staff status alone is no right
    client.force_login(MemberFactory().user)
    assert client.get(url).status_code == 404


def test_member_list_is_shown_to_a_member(client, juristen, tags):
    memberships = _members(juristen, 3)
    memberships[1].expertise_tags.set([tags[0]])
    client.force_login(memberships[0].person.user)

    response = client.get(reverse("networks:members", args=[juristen.slug]))

    html = response.content.decode()
    assert response.status_code == 200
    assert all(membership.person.full_name in html for membership in memberships)
    assert "Gemeentewet/Awb" in html
    assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}


def test_a_past_member_no_longer_sees_the_list(client, juristen):
    _members(juristen, 1)
    former = MembershipFactory(network=juristen, person=MemberFactory(), left_on="2025-06-01")
    client.force_login(former.person.user)

    assert client.get(reverse("networks:members", args=[juristen.slug])).status_code == 404


def test_member_list_and_counts_for_the_secretariat(client, secretariat, juristen):
    municipalities = [MunicipalityFactory() for _ in range(3)]
    MunicipalityFactory()  # a fourth member municipality without anyone in the network
    for municipality in municipalities:
        MembershipFactory(network=juristen, person=MemberFactory(organisation=municipality))
    MembershipFactory(network=juristen, person=MemberFactory(organisation=municipalities[0]))

    page = client.get(juristen.get_absolute_url()).content.decode()
    members = client.get(reverse("networks:members", args=[juristen.slug]))

    assert "3 van de 4 gemeenten in Juristennetwerk" in page
    assert members.status_code == 200


def test_join_from_the_network_page_with_tags_and_leave(client, juristen, jurist, tags):
    client.force_login(jurist.user)
    page = client.get(juristen.get_absolute_url()).content.decode()
    assert "Meld me aan" in page

    response = client.post(reverse("networks:join", args=[juristen.slug]), {"tags": [tags[0].pk, tags[4].pk]})

    assert response.status_code == 302 and response["Location"] == juristen.get_absolute_url()
    membership = NetworkMembership.objects.active().get(network=juristen, person=jurist)
    assert {tag.name for tag in membership.expertise_tags.all()} == {"Gemeentewet/Awb", "informatiedomein"}
    assert client.get(reverse("networks:members", args=[juristen.slug])).status_code == 200

    response = client.post(reverse("networks:leave", args=[juristen.slug]), {"next": "profile"})

    assert response["Location"] == reverse("members:profile")
    assert not NetworkMembership.objects.active().filter(network=juristen, person=jurist).exists()


def test_join_and_leave_answer_post_only(client, juristen, jurist):
    client.force_login(jurist.user)

    assert client.get(reverse("networks:join", args=[juristen.slug])).status_code == 405
    assert client.get(reverse("networks:leave", args=[juristen.slug])).status_code == 405


def test_join_anonymous_goes_to_login(client, juristen):
    url = reverse("networks:join", args=[juristen.slug])

    response = client.post(url)

    assert response.status_code == 302 and response["Location"].startswith("/account/login/")
    assert not NetworkMembership.objects.exists()


def test_a_closed_kring_cannot_be_joined_by_oneself(client, jurist):
    kring = NetworkFactory(kind="kring", open_for_signup=False, signup_email="secretariaat@vzhg.nl")
    client.force_login(jurist.user)

    page = client.get(kring.get_absolute_url()).content.decode()
    client.post(reverse("networks:join", args=[kring.slug]))

    assert "Meld me aan" not in page and "secretariaat@vzhg.nl" in page
    assert not NetworkMembership.objects.exists()


def test_join_from_the_profile(client, juristen, jurist, tags):
    client.force_login(jurist.user)
    profile = client.get(reverse("members:profile")).content.decode()
    assert "Juristennetwerk" in profile and 'name="tags"' in profile

    response = client.post(
        reverse("networks:join", args=[juristen.slug]), {"tags": [tags[1].pk, tags[2].pk], "next": "profile"}
    )

    assert response["Location"] == reverse("members:profile")
    membership = NetworkMembership.objects.active().get(network=juristen, person=jurist)
    assert membership.expertise_tags.count() == 2
    profile = client.get(reverse("members:profile")).content.decode()
    assert "Je bent lid van dit netwerk." in profile


@pytest.mark.parametrize("size", [3, 30])
def test_network_list_queries_are_flat(client, django_assert_num_queries, size):
    for _ in range(3):
        network = NetworkFactory()
        _members(network, size)
        _members(network, 2, role=NetworkMembership.Role.LEAD)

    with django_assert_num_queries(2):  # networks with counts; trekkers
        response = client.get(reverse("networks:list"))
    assert response.status_code == 200


@pytest.mark.parametrize("size", [3, 30])
def test_network_page_queries_are_flat(client, secretariat, juristen, django_assert_num_queries, size):
    memberships = _members(juristen, size) + _members(juristen, 2, role=NetworkMembership.Role.LEAD)
    assert memberships

    with django_assert_num_queries(12):
        page = client.get(juristen.get_absolute_url())
    assert page.status_code == 200
    with django_assert_num_queries(11):
        members = client.get(reverse("networks:members", args=[juristen.slug]))
    assert members.status_code == 200


@pytest.mark.parametrize("size", [2, 20])
def test_profile_networks_card_queries_are_flat(client, jurist, tags, django_assert_num_queries, size):
    for number in range(size):
        network = NetworkFactory()
        network.expertise_tags.set(tags)
        if number % 2:
            MembershipFactory(network=network, person=jurist).expertise_tags.set(tags[:2])
    client.force_login(jurist.user)

    # session, user, person, bounce state, newsletter lists; networks, their tags, the memberships
    # and their tags; the recommendation panel's own requests (commissions)
    with django_assert_num_queries(10):
        response = client.get(reverse("members:profile"))
    assert response.content.decode().count("Je bent lid van dit netwerk.") == size // 2
