"""The member-facing ALV pages: the griffier or burgemeester names the delegate, the delegate votes
from their phone. Walked for every kind of visitor (tests/test_permissions.py OBJECT_URLS)."""

import pytest
from django.urls import reverse

from governance.board import votes
from governance.models import Ballot, Delegate, Meeting
from members.models import Person
from tests.factories import MemberFactory, MunicipalityFactory, secretariat_user

from .assembly_data import alv_meeting, delegations, motion_on

pytestmark = pytest.mark.django_db


def page(meeting, name):
    return reverse(f"governance:{name}", kwargs={"pk": meeting.pk, "token": meeting.token})


@pytest.mark.parametrize("name", ["delegate", "ballot"])
def test_anonymous_visitors_are_sent_to_the_login(client, name):
    meeting = alv_meeting(days=10)

    response = client.get(page(meeting, name))

    assert response.status_code == 302 and response["Location"].startswith("/account/login/")


@pytest.mark.parametrize("name", ["delegate", "ballot"])
def test_people_without_a_role_at_this_alv_get_404(client, name):
    meeting = alv_meeting(days=10)
    town = MunicipalityFactory()
    for user in (
        MemberFactory(organisation=town).user,  # a civil servant of a member municipality
        secretariat_user(),  # the secretariat works in the admin
    ):
        client.force_login(user)
        assert client.get(page(meeting, name)).status_code == 404


def test_a_griffier_names_the_delegate_and_a_deputy(client):
    meeting = alv_meeting(days=10)
    town = MunicipalityFactory()
    griffier = MemberFactory(organisation=town, function=Person.Function.GRIFFIER)
    alderman = MemberFactory(organisation=town, function=Person.Function.WETHOUDER)
    client.force_login(griffier.user)

    assert client.get(page(meeting, "delegate")).status_code == 200
    response = client.post(page(meeting, "delegate"), {"person": alderman.pk, "deputy": griffier.pk})

    assert response.status_code == 302
    delegate = Delegate.objects.get(meeting=meeting, municipality=town)
    assert (delegate.person, delegate.deputy) == (alderman, griffier)
    assert delegate.history.get().history_user == griffier.user
    outsider = MemberFactory()
    refused = client.post(page(meeting, "delegate"), {"person": outsider.pk})
    assert refused.status_code == 200 and Delegate.objects.get().person == alderman


def test_a_draft_alv_or_a_board_meeting_is_not_found(client, bodies):
    from .conftest import make_meeting

    town = MunicipalityFactory()
    client.force_login(MemberFactory(organisation=town, function=Person.Function.BURGEMEESTER).user)
    draft = alv_meeting(days=10)
    Meeting.objects.filter(pk=draft.pk).update(status=Meeting.Status.CONCEPT)

    assert client.get(page(draft, "delegate")).status_code == 404
    assert client.get(page(make_meeting(bodies["db"]), "delegate")).status_code == 404


def test_the_delegate_votes_from_the_phone_changes_it_and_is_refused_after_closing(client):
    meeting = alv_meeting()
    people = delegations(meeting, 2)
    vote = votes.vote_open(motion=motion_on(meeting, "Motie regiodeal"))
    client.force_login(people[0].user)
    town = people[0].organisation.pk

    assert "Motie regiodeal" in client.get(page(meeting, "ballot")).content.decode()
    client.post(page(meeting, "ballot"), {"vote": vote.pk, "municipality": town, "choice": "for"})
    client.post(page(meeting, "ballot"), {"vote": vote.pk, "municipality": town, "choice": "against"})
    assert list(Ballot.objects.filter(vote=vote).values_list("choice", flat=True)) == ["against"]

    votes.vote_close(vote=vote)
    late = client.post(
        page(meeting, "ballot"), {"vote": vote.pk, "municipality": town, "choice": "for"}, follow=True
    )
    assert "The vote on “Motie regiodeal” is closed; your vote was not counted." in late.content.decode()
    assert Ballot.objects.get(vote=vote).choice == "against"


def test_the_deputy_votes_for_the_municipality_too(client):
    meeting = alv_meeting()
    people = delegations(meeting, 1)
    deputy = MemberFactory(organisation=people[0].organisation)
    Delegate.objects.filter(meeting=meeting).update(deputy=deputy)
    vote = votes.vote_open(motion=motion_on(meeting))
    client.force_login(deputy.user)

    client.post(
        page(meeting, "ballot"),
        {"vote": vote.pk, "municipality": people[0].organisation.pk, "choice": "abstain"},
    )

    assert Ballot.objects.get(vote=vote).municipality == people[0].organisation


def test_the_meeting_page_links_the_griffier_and_the_delegate_to_their_pages(client):
    meeting = alv_meeting()
    people = delegations(meeting, 1)  # a griffier, named as delegate
    officer = MemberFactory(organisation=people[0].organisation)

    client.force_login(people[0].user)
    page_html = client.get(meeting.get_absolute_url()).content.decode()
    assert page(meeting, "delegate") in page_html and page(meeting, "ballot") in page_html

    client.force_login(officer.user)
    page_html = client.get(meeting.get_absolute_url()).content.decode()
    assert page(meeting, "delegate") not in page_html and page(meeting, "ballot") not in page_html


def test_the_delegate_votes_from_the_phone_for_a_municipality_that_gave_a_proxy(client):
    from governance.board import assembly

    meeting = alv_meeting()
    holder, grantor = delegations(meeting, 2, present=1)
    rules = assembly.rules_get()
    rules.proxies_allowed = True
    rules.save()
    assembly.proxy_grant(meeting=meeting, grantor=grantor.organisation, holder=holder.organisation)
    vote = votes.vote_open(motion=motion_on(meeting))
    client.force_login(holder.user)

    assert f"{grantor.organisation.name} (proxy)" in client.get(page(meeting, "ballot")).content.decode()
    client.post(
        page(meeting, "ballot"), {"vote": vote.pk, "municipality": grantor.organisation.pk, "choice": "for"}
    )
    stranger = MunicipalityFactory()
    refused = client.post(
        page(meeting, "ballot"), {"vote": vote.pk, "municipality": stranger.pk, "choice": "for"}
    )

    assert refused.status_code == 404
    assert list(Ballot.objects.filter(vote=vote).values_list("municipality", flat=True)) == [
        grantor.organisation.pk
    ]
