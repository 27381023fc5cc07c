"""The voting promise on PostgreSQL: 50 delegates voting at the same moment (threads, each with its
own database connection) give exactly 50 counted votes, a change never counts twice, and a vote
cast while the vote closes is either counted or refused — never lost, never counted after."""

import pytest
from django.db import connection

from governance.board import votes
from governance.models import Ballot, Vote
from tests.conftest import at_once
from vzhg.errors import ServiceError

from .assembly_data import alv_meeting, delegations, motion_on

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

DELEGATES = 50


def fire(jobs):
    """Every job runs at the same moment in its own thread (own connection): (outcomes, errors),
    a refusal counted by its code."""
    return at_once(jobs, refused=(ServiceError,))


def ballot_job(vote, person, choice):
    return lambda: votes.ballot_cast(
        vote=vote, municipality=person.organisation, choice=choice, actor=person.user
    )


def test_fifty_delegates_voting_at_once_give_exactly_fifty_votes():
    assert connection.vendor == "postgresql"
    meeting = alv_meeting()
    people = delegations(meeting, DELEGATES)
    vote = votes.vote_open(motion=motion_on(meeting))

    # Everyone votes twice at the same moment (a double tap, a changed mind): one ballot each.
    jobs = [ballot_job(vote, person, "for") for person in people]
    jobs += [ballot_job(vote, person, "against" if n % 5 == 0 else "for") for n, person in enumerate(people)]
    _outcomes, errors = fire(jobs)

    assert errors == []
    assert Ballot.objects.filter(vote=vote).count() == DELEGATES
    tally = votes.vote_tally(vote=vote)
    assert tally.municipalities_voted == DELEGATES
    assert tally.votes_for + tally.votes_against == DELEGATES
    closed = votes.vote_close(vote=vote)
    assert closed.votes_for + closed.votes_against == DELEGATES


def test_votes_racing_the_close_are_counted_or_refused_never_lost():
    meeting = alv_meeting()
    people = delegations(meeting, DELEGATES)
    vote = votes.vote_open(motion=motion_on(meeting))

    jobs = [ballot_job(vote, person, "for") for person in people]
    jobs.append(lambda: votes.vote_close(vote=vote))
    outcomes, errors = fire(jobs)

    assert errors == []
    refused = outcomes.count("closed")
    counted = Ballot.objects.filter(vote=vote).count()
    assert counted + refused == DELEGATES
    vote.refresh_from_db()
    assert vote.status == Vote.Status.CLOSED
    assert vote.votes_for == counted  # every ballot stored before the close is in the result

    late = votes.ballot_cast
    with pytest.raises(ServiceError) as after:
        late(vote=vote, municipality=people[0].organisation, choice="against")
    assert after.value.code == "closed"
