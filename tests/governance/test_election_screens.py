"""Elections from the admin: the form that opens one (body, role, candidates), candidate choices
on the secretariat's record page and on the delegate's phone, the candidate column of the tally,
and the action that gives the elected candidate the mandate."""

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.board import votes
from governance.models import Ballot, Body, Candidate, Mandate, Vote
from tests.factories import MemberFactory

from .assembly_data import alv_meeting, delegations

pytestmark = pytest.mark.django_db


def page_messages(response) -> str:
    return " ".join(str(message) for message in response.context["messages"])


@pytest.fixture
def board():
    return Body.objects.create(name="Dagelijks bestuur", slug="db", kind=Body.Kind.DB)


def open_election(client, item, board, people, *, secret=False):
    data = {
        "item": item.pk,
        "body": board.pk,
        "role": Mandate.Role.PENNINGMEESTER,
        "candidates": [person.pk for person in people],
        "title": "Penningmeester",
    }
    if secret:
        data["secret"] = "on"
    return client.post(reverse("admin:governance_vote_election"), data, follow=True)


def test_the_secretariat_opens_an_election_records_it_and_gives_the_mandate(client, secretariat, board):
    meeting = alv_meeting()
    item = meeting.items.get()
    towns = delegations(meeting, 3)
    anna, bert = (
        MemberFactory(first_name="Anna", last_name="Aalders"),
        MemberFactory(first_name="Bert", last_name="Bos"),
    )
    form = client.get(f"{reverse('admin:governance_vote_election')}?item={item.pk}").content.decode()
    assert f'<option value="{item.pk}" selected>' in form

    response = open_election(client, item, board, [anna, bert])

    vote = Vote.objects.get()
    assert "The election “Penningmeester” is open." in page_messages(response)
    assert (vote.mandate_body, vote.mandate_role, vote.secret) == (board, "penningmeester", False)
    assert {c.person for c in vote.candidates.all()} == {anna, bert}
    record = reverse("admin:governance_vote_record", args=[vote.pk])
    page = client.get(record).content.decode()
    anna_value = f"c{Candidate.objects.get(person=anna).pk}"
    assert f'value="{anna_value}"' in page and "Anna Aalders" in page and 'value="against"' not in page

    client.post(
        record,
        {
            f"m{towns[0].organisation_id}": anna_value,
            f"m{towns[1].organisation_id}": anna_value,
            f"m{towns[2].organisation_id}": "abstain",
        },
    )
    assert Ballot.objects.filter(vote=vote, candidate__person=anna, choice="for").count() == 2
    tally = client.get(reverse("admin:governance_vote_change", args=[vote.pk])).content.decode()
    assert "<th>candidate</th>" in tally and "<td>Anna Aalders</td>" in tally
    votes.vote_close(vote=vote)

    given = client.post(
        reverse("admin:governance_vote_changelist"),
        {"action": "elected_mandate_create", "_selected_action": [vote.pk]},
        follow=True,
    )

    mandate = Mandate.objects.get(person=anna)
    assert (mandate.body, mandate.role, mandate.start) == (board, "penningmeester", timezone.localdate())
    assert "Anna Aalders is given the mandate" in page_messages(given)
    again = client.post(
        reverse("admin:governance_vote_changelist"),
        {"action": "elected_mandate_create", "_selected_action": [vote.pk]},
        follow=True,
    )
    assert again.status_code == 200 and Mandate.objects.filter(person=anna).count() == 1
    assert "already holds this role" in page_messages(again)  # the mandate rules refuse a second one


def test_the_delegate_votes_for_a_candidate_from_the_phone(client, secretariat, board):
    meeting = alv_meeting()
    (delegate,) = delegations(meeting, 1)
    anna = MemberFactory(first_name="Anna", last_name="Aalders")
    vote = votes.election_open(
        item=meeting.items.get(), people=[anna], body=board, role=Mandate.Role.LID, secret=False
    )
    client.force_login(delegate.user)
    url = reverse("governance:ballot", kwargs={"pk": meeting.pk, "token": meeting.token})
    value = f"c{vote.candidates.get().pk}"

    page = client.get(url).content.decode()
    assert f'value="{value}"' in page and "Anna Aalders" in page and 'value="against"' not in page
    client.post(url, {"vote": vote.pk, "municipality": delegate.organisation_id, "choice": value})

    ballot = Ballot.objects.get()
    assert (ballot.choice, ballot.candidate.person) == ("for", anna)
    assert "btn-primary" in client.get(url).content.decode()  # the chosen candidate is marked

    wrong = client.post(
        url, {"vote": vote.pk, "municipality": delegate.organisation_id, "choice": "against"}, follow=True
    )
    assert "Choose one of the candidates, or abstain." in page_messages(wrong)


def test_an_election_is_refused_with_a_message(client, secretariat, board):
    meeting = alv_meeting(days=10)
    anna = MemberFactory()

    response = open_election(client, meeting.items.get(), board, [anna])

    assert response.status_code == 200 and "has not taken place yet" in page_messages(response)
    assert not Vote.objects.exists()
    missing = client.post(reverse("admin:governance_vote_election"), {"item": meeting.items.get().pk})
    assert missing.status_code == 200 and not Vote.objects.exists()


def test_the_election_form_needs_the_vote_permission(client, board):
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("admin:governance_vote_election")).status_code == 403
