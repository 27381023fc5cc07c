"""The jaarverslag counts the ALV as an assembly: member municipalities present and votes held,
and a voted motion's result."""

import pytest
from django.urls import reverse

from governance.board import votes
from governance.models import AnnualReport
from governance.reports.annual import annual_report_data

from .assembly_data import alv_meeting, delegations, motion_on

pytestmark = pytest.mark.django_db


def test_the_annual_report_counts_presence_votes_and_results(client, secretariat):
    meeting = alv_meeting()
    people = delegations(meeting, 3, present=2)
    motion = motion_on(meeting, "Motie regiodeal")
    vote = votes.vote_open(motion=motion)
    votes.ballot_cast(vote=vote, municipality=people[0].organisation, choice="for")
    votes.ballot_cast(vote=vote, municipality=people[1].organisation, choice="against")
    votes.vote_close(vote=vote)
    votes.vote_open(motion=motion_on(meeting, "Motie nog open"))  # open: not counted as held

    data = annual_report_data(year=meeting.starts_at.year)

    (alv,) = [group for group in data.meetings if group.body == meeting.body]
    (held,) = alv.meetings
    assert (held.municipalities_present, held.votes_held) == (2, 1)
    AnnualReport.objects.create(year=meeting.starts_at.year)  # the secretariat's concept
    page = client.get(reverse("reports:annual_report", args=[meeting.starts_at.year]))
    text = " ".join(page.content.decode().split())
    assert "2 member municipalities present; 1 vote" in text
    assert "Motion “Motie regiodeal”:" in text and "(1 for, 1 against)" in text
