"""The minutes of an ALV record the assembly: the municipalities present and absent, and each
closed vote with its result, its totals and (named votes only) who voted what; the PDF too."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from governance.board import minutes as board_minutes
from governance.board import votes
from governance.models import AgendaItem

from .assembly_data import alv_meeting, delegations, motion_on

pytestmark = pytest.mark.django_db


def test_alv_minutes_show_presence_and_votes_and_keep_a_secret_vote_secret(client, secretariat):
    meeting = alv_meeting(days=-30)
    first, second, absent = (person.organisation for person in delegations(meeting, 3, present=2))
    named = votes.vote_open(motion=motion_on(meeting, "Motie regiodeal"))
    votes.ballot_cast(vote=named, municipality=first, choice="for")
    votes.ballot_cast(vote=named, municipality=second, choice="against")
    votes.vote_close(vote=named)
    item = meeting.items.get()
    secret = votes.vote_open(item=item, secret=True)
    votes.ballot_cast(vote=secret, municipality=first, choice="for")
    votes.ballot_cast(vote=secret, municipality=second, choice="abstain")
    votes.vote_close(vote=secret)
    minutes = board_minutes.minutes_save(meeting=meeting, text="De voorzitter opent de vergadering.")

    page = client.get(reverse("governance:minutes", kwargs={"pk": meeting.pk, "token": meeting.token}))

    text = " ".join(page.content.decode().split())
    assert "2 of 3 municipalities present" in text and f"Absent: {absent.name}" in text
    assert "Motie regiodeal" in text and "1 for, 1 against, 0 abstentions" in text
    assert f"For: {first.name}" in text and f"Against: {second.name}" in text
    assert "Jaarrekening" in text and "1 for, 0 against, 1 abstention (secret vote)" in text
    assert f"Abstain: {second.name}" not in text  # the secret vote names nobody

    next_alv = alv_meeting(days=-1, title="ALV najaar")
    adopt = AgendaItem.objects.create(meeting=next_alv, order=2, title="Vaststellen notulen")
    board_minutes.minutes_adopt(minutes=minutes, item=adopt)
    pdf = client.get(reverse("governance:minutes_pdf", kwargs={"pk": meeting.pk, "token": meeting.token}))
    reader = PdfReader(io.BytesIO(pdf.content))
    pdf_text = " ".join("".join(p.extract_text() for p in reader.pages).split())
    assert "2 of 3 municipalities present" in pdf_text and "Motie regiodeal" in pdf_text
    assert f"For: {first.name}" in pdf_text and "(secret vote)" in pdf_text


def test_the_besluitenlijst_of_an_alv_names_the_votes_per_municipality(client, secretariat):
    meeting = alv_meeting()
    first, second = (person.organisation for person in delegations(meeting, 2))
    vote = votes.vote_open(motion=motion_on(meeting, "Motie regiodeal"))
    votes.ballot_cast(vote=vote, municipality=first, choice="for")
    votes.ballot_cast(vote=vote, municipality=second, choice="for")
    votes.vote_close(vote=vote)
    kwargs = {"pk": meeting.pk, "token": meeting.token}

    text = " ".join(client.get(reverse("governance:decisions", kwargs=kwargs)).content.decode().split())
    pdf = PdfReader(io.BytesIO(client.get(reverse("governance:decisions_pdf", kwargs=kwargs)).content))
    pdf_text = " ".join("".join(page.extract_text() for page in pdf.pages).split())

    for shown in (text, pdf_text):
        assert "2 of 2 municipalities present" in shown
        assert f"For: {first.name}, {second.name}" in shown
