"""The ALV in a person's AVG export (delegations with proxies, check-ins, ballots, candidacies,
convocations, late-document notices) and in the forgetting of people deleted long ago: the
municipality's delegation, presence and votes stay, the name goes."""

import json

import pytest

from governance.board import assembly, votes
from governance.models import (
    Ballot,
    Candidate,
    ConvocationRecipient,
    Delegate,
    LateDocumentNotice,
    Presence,
    Proxy,
)
from members import services as member_services
from members.models import Person
from tests.factories import MemberFactory
from tests.members.test_retention import _delete as person_delete

from .assembly_data import alv_meeting, delegations, motion_on
from .conftest import add_pdf

pytestmark = pytest.mark.django_db


def _export(client, person) -> dict:
    client.force_login(person.user)
    return json.loads(client.get("/profiel/mijn-gegevens.json").content)


def test_the_export_lists_what_the_alv_keeps_on_the_person(client):
    meeting = alv_meeting(title="ALV voorjaar")
    delegate, other = delegations(meeting, 2, present=1)
    Proxy.objects.create(meeting=meeting, grantor=other.organisation, holder=delegate.organisation)
    deputy = MemberFactory(organisation=delegate.organisation, function=Person.Function.WETHOUDER)
    assembly.delegate_set(meeting=meeting, municipality=delegate.organisation, person=delegate, deputy=deputy)
    vote = votes.vote_open(motion=motion_on(meeting, "Motie regiodeal"))
    votes.ballot_cast(vote=vote, municipality=delegate.organisation, choice="for", actor=delegate.user)
    election = votes.vote_open(motion=motion_on(meeting, "Benoeming"), title="Benoeming voorzitter")
    Candidate.objects.create(vote=election, person=delegate)
    ConvocationRecipient.objects.create(
        meeting=meeting, organisation=delegate.organisation, person=delegate, kind="convocation", round=1
    )
    add_pdf(meeting.items.first(), title="Jaarrekening v2")  # after publication: a notice to her
    assert LateDocumentNotice.objects.filter(person=delegate).exists()

    data = _export(client, delegate)

    assert data["alv_delegations"] == [
        {
            "meeting": "ALV voorjaar",
            "date": meeting.starts_at.isoformat(),
            "municipality": delegate.organisation.name,
            "as": "delegate",
            "proxy_given_to": None,
            "proxies_held_for": [other.organisation.name],
            "updated_at": Delegate.objects.get(person=delegate).updated_at.isoformat(),
        }
    ]
    assert [row["checked_in_themselves"] for row in data["alv_check_ins"]] == [False]
    assert [(row["vote"], row["choice"]) for row in data["alv_ballots_cast"]] == [("Motie regiodeal", "for")]
    assert [(row["election"], row["elected"]) for row in data["alv_candidacies"]] == [
        ("Benoeming voorzitter", False)
    ]
    assert [(row["kind"], row["round"]) for row in data["convocations_received"]] == [("convocation", 1)]
    assert [row["document"] for row in data["late_document_notices"]] == ["Jaarrekening v2"]
    as_deputy = _export(client, deputy)["alv_delegations"]
    assert [(row["as"], row["proxies_held_for"]) for row in as_deputy] == [
        ("deputy", [other.organisation.name])
    ]
    assert _export(client, other)["alv_delegations"][0]["proxy_given_to"] == delegate.organisation.name


@pytest.mark.parametrize("size", [1, 5])
def test_the_alv_part_of_the_export_does_not_grow_with_the_rows(size, django_assert_num_queries):
    from governance.assembly_personal_data import assembly_export

    person = MemberFactory(function=Person.Function.GRIFFIER)
    for n in range(size):
        meeting = alv_meeting(title=f"ALV {n}")
        assembly.delegate_set(meeting=meeting, municipality=person.organisation, person=person)
        assembly.presence_check_in(meeting=meeting, municipality=person.organisation)
        ConvocationRecipient.objects.create(
            meeting=meeting, organisation=person.organisation, person=person, kind="convocation", round=1
        )

    # delegations, their proxies, check-ins, ballots, candidacies, convocations, notices
    with django_assert_num_queries(7):
        data = assembly_export(person=person)

    assert len(data["alv_delegations"]) == len(data["convocations_received"]) == size


def test_a_deleted_delegate_leaves_the_municipalitys_delegation_and_votes_but_not_the_name(settings):
    settings.PEOPLE_DELETED_HISTORY_DAYS = 30
    meeting = alv_meeting()
    delegate, kept = delegations(meeting, 2)
    town = delegate.organisation
    deputy = MemberFactory(organisation=town, function=Person.Function.WETHOUDER)
    assembly.delegate_set(meeting=meeting, municipality=town, person=delegate, deputy=deputy)
    vote = votes.vote_open(motion=motion_on(meeting))
    votes.ballot_cast(vote=vote, municipality=town, choice="against", actor=delegate.user)
    votes.vote_close(vote=vote)
    pk, deputy_pk = person_delete(delegate, days_ago=31), person_delete(deputy, days_ago=31)

    delegation = Delegate.objects.get(meeting=meeting, municipality=town)  # not PROTECTed away
    assert delegation.person is None and delegation.deputy is None
    assert str(delegation) == f"{town} — (deleted person)"
    assert Delegate.history.filter(person_id=pk).exists()  # until the purge

    member_services.people_deleted_history_purge()

    assert not Delegate.history.filter(person_id=pk).exists()
    assert not Delegate.history.filter(deputy_id=deputy_pk).exists()
    assert not Presence.history.filter(person_id=pk).exists()
    assert Delegate.history.filter(id=delegation.pk).exists()  # the versions stay, nameless
    assert Presence.objects.filter(meeting=meeting, municipality=town).exists()
    assert Ballot.objects.get(vote=vote, municipality=town).choice == "against"
    assert Delegate.history.filter(person_id=kept.pk).exists()  # others are untouched
