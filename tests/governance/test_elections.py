"""Elections (benoeming bestuursleden): a vote with candidates on an agenda item for decision; the
winner has more than half of the votes cast for candidates and may be given the mandate."""

import datetime

import pytest

from governance.board import votes
from governance.models import Ballot, Body, Mandate, Vote
from tests.factories import MemberFactory
from vzhg.errors import ServiceError

from .assembly_data import alv_meeting, delegations

pytestmark = pytest.mark.django_db


@pytest.fixture
def election():
    meeting = alv_meeting()
    people = delegations(meeting, 5)
    board = Body.objects.create(name="Dagelijks bestuur", slug="db", kind=Body.Kind.DB)
    anna, bert = MemberFactory(), MemberFactory()
    vote = votes.election_open(
        item=meeting.items.get(), people=[anna, bert], body=board, role=Mandate.Role.PENNINGMEESTER
    )
    return vote, people, anna, bert


def candidate_of(vote, person):
    return vote.candidates.get(person=person)


def test_the_candidate_with_the_majority_is_elected_and_given_the_mandate(election):
    vote, people, anna, bert = election
    for person, who in zip(people, [anna, anna, anna, bert, None], strict=True):
        if who is None:
            votes.ballot_cast(vote=vote, municipality=person.organisation, choice="abstain")
        else:
            votes.ballot_cast(
                vote=vote, municipality=person.organisation, choice="for", candidate=candidate_of(vote, who)
            )

    tally = votes.vote_tally(vote=vote)
    assert [(c.person, w) for c, w in tally.candidates] == [(anna, 3), (bert, 1)]
    closed = votes.vote_close(vote=vote)

    assert (closed.result, closed.elected) == (Vote.Result.ADOPTED, anna)
    assert set(Ballot.objects.filter(vote=vote).values_list("candidate", flat=True)) == {None}  # secret
    item = vote.item
    item.refresh_from_db()
    assert "is elected" in item.decision
    mandate = votes.election_mandate_create(vote=closed, start=datetime.date(2027, 1, 1))
    assert (mandate.person, mandate.body.slug, mandate.role) == (anna, "db", Mandate.Role.PENNINGMEESTER)


def test_without_a_majority_nobody_is_elected(election):
    vote, people, anna, bert = election
    for person, who in zip(people[:4], [anna, anna, bert, bert], strict=True):
        votes.ballot_cast(
            vote=vote, municipality=person.organisation, choice="for", candidate=candidate_of(vote, who)
        )

    closed = votes.vote_close(vote=vote)

    assert (closed.result, closed.elected) == (Vote.Result.REJECTED, None)
    with pytest.raises(ServiceError):
        votes.election_mandate_create(vote=closed, start=datetime.date(2027, 1, 1))


def test_an_election_ballot_names_a_candidate_of_this_election(election):
    vote, people, anna, _bert = election
    with pytest.raises(ServiceError) as refused:
        votes.ballot_cast(vote=vote, municipality=people[0].organisation, choice="against")
    assert refused.value.code == "candidate"


def test_the_vote_page_in_the_admin_shows_the_candidates_and_who_is_elected(client, secretariat, election):
    from django.urls import reverse

    vote, people, anna, _bert = election
    for person in people[:3]:
        votes.ballot_cast(
            vote=vote, municipality=person.organisation, choice="for", candidate=candidate_of(vote, anna)
        )
    votes.vote_close(vote=vote)

    page = client.get(reverse("admin:governance_vote_change", args=[vote.pk])).content.decode()

    assert f"{anna.full_name}: 3" in page and f"{anna.full_name} is elected." in page
