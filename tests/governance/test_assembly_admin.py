"""The secretariat's ALV pages in the admin: voting rules, delegates, presence, votes."""

import pytest
from django.urls import reverse

from governance.models import AssemblyRules, Ballot, Delegate, Motion, Presence, Vote
from tests.factories import MemberFactory, MunicipalityFactory

from .assembly_data import alv_meeting, delegations, motion_on

pytestmark = pytest.mark.django_db


def test_the_rules_are_one_row_the_secretariat_changes(client, secretariat):
    listing = client.get(reverse("admin:governance_assemblyrules_changelist"))
    assert listing.status_code == 200 and AssemblyRules.objects.count() == 1

    response = client.post(
        reverse("admin:governance_assemblyrules_change", args=[1]),
        {
            "default_weight": "2", "quorum": "share", "quorum_value": "50", "max_proxies_per_delegate": "1",
            "weights-TOTAL_FORMS": "0", "weights-INITIAL_FORMS": "0",
        },
    )  # fmt: skip

    assert response.status_code == 302
    rules = AssemblyRules.objects.get()
    assert (rules.default_weight, rules.quorum, rules.quorum_value) == (2, "share", 50)
    assert rules.history.first().history_user == secretariat


def test_the_secretariat_names_a_delegate_and_the_history_says_who(client, secretariat):
    meeting = alv_meeting(days=10)
    town = MunicipalityFactory()
    person = MemberFactory(organisation=town)
    elsewhere = MemberFactory()
    data = {"meeting": meeting.pk, "municipality": town.pk, "person": elsewhere.pk, "deputy": ""}

    refused = client.post(reverse("admin:governance_delegate_add"), data)
    assert refused.status_code == 200 and "does not work for" in refused.content.decode()

    assert (
        client.post(reverse("admin:governance_delegate_add"), {**data, "person": person.pk}).status_code
        == 302
    )
    delegate = Delegate.objects.get()
    assert delegate.history.get().history_user == secretariat


def test_the_presence_page_checks_in_counts_and_lists_the_absent(client, secretariat):
    meeting = alv_meeting()
    people = delegations(meeting, 3, present=1)
    url = reverse("admin:governance_delegate_presence", args=[meeting.pk])
    assert url in client.get(reverse("admin:governance_delegate_changelist")).content.decode()

    page = client.get(url).content.decode()
    assert "1 of 3 municipalities present" in page and "Absent (2)" in page
    assert "1 vote(s) per member municipality; no quorum; no proxies" in page

    client.post(url, {"municipality": people[1].organisation.pk, "present": "1"})
    assert Presence.objects.filter(meeting=meeting).count() == 2
    assert "2 of 3 municipalities present" in client.get(url).content.decode()
    client.post(url, {"municipality": people[1].organisation.pk, "present": "0"})
    assert Presence.objects.filter(meeting=meeting).count() == 1


def test_a_vote_opened_recorded_shown_and_closed_from_the_admin(client, secretariat):
    meeting = alv_meeting()
    people = delegations(meeting, 3)
    motion = motion_on(meeting, "Motie regiodeal")

    response = client.post(
        reverse("admin:governance_vote_add"), {"motion": motion.pk, "item": "", "title": ""}
    )
    assert response.status_code == 302
    vote = Vote.objects.get()
    assert vote.title == "Motie regiodeal" and vote.history.get().history_user == secretariat

    record = reverse("admin:governance_vote_record", args=[vote.pk])
    assert "Motie regiodeal" in client.get(record).content.decode()
    choices = {f"m{people[0].organisation.pk}": "for", f"m{people[1].organisation.pk}": "for"}
    client.post(record, {**choices, f"m{people[2].organisation.pk}": "against"})
    assert Ballot.objects.filter(vote=vote).count() == 3

    result = client.get(reverse("admin:governance_vote_result_json", args=[vote.pk])).json()
    assert (result["for"], result["against"], result["status"]) == (2, 1, "open")
    projector = client.get(reverse("admin:governance_vote_projector", args=[vote.pk])).content.decode()
    assert "js/projector.js" in projector and "<script>" not in projector

    client.post(
        reverse("admin:governance_vote_changelist"), {"action": "close_votes", "_selected_action": [vote.pk]}
    )
    motion.refresh_from_db()
    assert motion.outcome == Motion.Outcome.ADOPTED and (motion.votes_for, motion.votes_against) == (2, 1)
    change = client.get(reverse("admin:governance_vote_change", args=[vote.pk])).content.decode()
    assert people[2].organisation.name in change  # a named vote shows each municipality

    late = client.post(record, {f"m{people[2].organisation.pk}": "for"}, follow=True).content.decode()
    assert "is closed; your vote was not counted" in late or "This vote is closed" in late
    assert Ballot.objects.get(vote=vote, municipality=people[2].organisation).choice == "against"


def test_a_vote_cannot_be_opened_before_the_meeting(client, secretariat):
    motion = motion_on(alv_meeting(days=3))

    response = client.post(
        reverse("admin:governance_vote_add"), {"motion": motion.pk, "item": "", "title": ""}
    )

    assert response.status_code == 200 and "has not taken place yet" in response.content.decode()
    assert not Vote.objects.exists()
