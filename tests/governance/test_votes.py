"""Votes of the ALV: one ballot per present municipality, weights and quorum from the settings,
the result written to the motion and the agenda item, secret votes keep only totals."""

import re

import pytest

from governance.board import assembly, votes
from governance.models import AssemblyRules, Ballot, Motion, MunicipalityWeight, Vote
from tests.factories import MunicipalityFactory, UserFactory
from vzhg.errors import ServiceError

from .assembly_data import alv_meeting, delegations, motion_on

pytestmark = pytest.mark.django_db


def cast(vote, people, choices):
    for person, choice in zip(people, choices, strict=True):
        votes.ballot_cast(vote=vote, municipality=person.organisation, choice=choice, actor=person.user)


def test_a_motion_is_adopted_by_weighted_votes_and_the_outcome_is_written_to_the_motion():
    meeting = alv_meeting()
    people = delegations(meeting, 4)
    motion = motion_on(meeting)
    rules = assembly.rules_get()
    MunicipalityWeight.objects.create(rules=rules, municipality=people[0].organisation, weight=3)
    secretariat = UserFactory()

    vote = votes.vote_open(motion=motion, actor=secretariat)
    cast(vote, people, ["for", "against", "against", "abstain"])
    tally = votes.vote_tally(vote=vote, named=True)
    assert (tally.votes_for, tally.votes_against, tally.votes_abstain) == (3, 2, 1)
    assert [ballot.municipality for ballot in tally.named] == sorted(
        (person.organisation for person in people), key=lambda town: town.name
    )
    votes.vote_close(vote=vote, actor=secretariat)

    motion.refresh_from_db()
    assert motion.outcome == Motion.Outcome.ADOPTED
    assert (motion.votes_for, motion.votes_against) == (3, 2)
    assert re.search(r"3 for, 2 against, 1 abstention\b", motion.outcome_note)  # singular: one abstention
    assert "1 vote(s) per member municipality" in motion.outcome_note
    assert motion.history.first().history_user == secretariat


def test_a_vote_can_be_changed_until_closed_but_never_counted_twice():
    meeting = alv_meeting()
    people = delegations(meeting, 2)
    vote = votes.vote_open(motion=motion_on(meeting))

    cast(vote, people[:1], ["for"])
    cast(vote, people[:1], ["against"])

    assert Ballot.objects.filter(vote=vote).count() == 1
    assert votes.vote_tally(vote=vote).votes_against == 1 and votes.vote_tally(vote=vote).votes_for == 0


def test_a_vote_after_closing_is_refused_with_a_clear_message():
    meeting = alv_meeting()
    people = delegations(meeting, 2)
    vote = votes.vote_open(motion=motion_on(meeting, "Motie regiodeal"))
    cast(vote, people[:1], ["for"])
    votes.vote_close(vote=vote)

    with pytest.raises(ServiceError) as refused:
        cast(vote, people[1:], ["against"])

    assert refused.value.code == "closed"
    assert refused.value.message == "The vote on “Motie regiodeal” is closed; your vote was not counted."
    assert Ballot.objects.filter(vote=vote).count() == 1


def test_only_present_municipalities_vote():
    meeting = alv_meeting()
    people = delegations(meeting, 2, present=1)
    vote = votes.vote_open(motion=motion_on(meeting))

    with pytest.raises(ServiceError) as refused:
        cast(vote, people[1:], ["for"])
    assert refused.value.code == "absent"


def test_a_vote_opens_only_once_the_meeting_began():
    meeting = alv_meeting(days=5)
    with pytest.raises(ServiceError) as refused:
        votes.vote_open(motion=motion_on(meeting))
    assert "has not taken place yet" in refused.value.message


def test_without_quorum_the_motion_stays_undecided():
    meeting = alv_meeting()
    people = delegations(meeting, 2)
    MunicipalityFactory.create_batch(3)  # members who stayed home without a delegate
    rules = assembly.rules_get()
    rules.quorum, rules.quorum_value = AssemblyRules.Quorum.SHARE, 50
    rules.save()
    motion = motion_on(meeting)
    vote = votes.vote_open(motion=motion)
    cast(vote, people, ["for", "for"])

    closed = votes.vote_close(vote=vote)

    assert closed.result == Vote.Result.NO_QUORUM
    motion.refresh_from_db()
    assert motion.outcome == Motion.Outcome.PENDING


def test_a_secret_vote_keeps_only_the_totals():
    meeting = alv_meeting()
    people = delegations(meeting, 3)
    vote = votes.vote_open(motion=motion_on(meeting), secret=True)
    cast(vote, people, ["for", "for", "against"])

    vote = votes.vote_close(vote=vote)

    assert (vote.votes_for, vote.votes_against, vote.result) == (2, 1, Vote.Result.ADOPTED)
    assert set(Ballot.objects.filter(vote=vote).values_list("choice", flat=True)) == {""}
    assert votes.vote_tally(vote=vote, named=True).named == []


def test_a_vote_on_an_agenda_item_writes_the_decision_for_the_besluitenlijst():
    meeting = alv_meeting()
    people = delegations(meeting, 3)
    item = meeting.items.get()

    vote = votes.vote_open(item=item)
    cast(vote, people, ["against", "against", "for"])
    votes.vote_close(vote=vote)

    item.refresh_from_db()
    assert item.decision.startswith("Rejected by vote: 1 for, 2 against, 0 abstentions")


def test_the_tally_costs_the_same_queries_for_5_and_50_municipalities(django_assert_num_queries):
    for size in (5, 50):
        meeting = alv_meeting(title=f"ALV {size}")
        people = delegations(meeting, size)
        vote = votes.vote_open(motion=motion_on(meeting))
        cast(vote, people, ["for"] * size)
        with django_assert_num_queries(6):
            tally = votes.vote_tally(vote=vote)
        assert tally.votes_for == size
