"""The secretariat's vote buttons: "Stemming openen" (named or secret) per motion and item for
decision on the ALV's meeting page, "Stemming sluiten" there and on the vote's page; refusals are
messages, never an error page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance.board import votes
from governance.models import Motion, Vote
from tests.factories import UserFactory

from .assembly_data import alv_meeting, delegations, motion_on

pytestmark = pytest.mark.django_db


def page_messages(response) -> str:
    return " ".join(str(message) for message in response.context["messages"])


def meeting_url(meeting):
    return reverse("admin:governance_meeting_change", args=[meeting.pk])


def open_url(meeting, **subject):
    query = "&".join(f"{key}={value}" for key, value in subject.items())
    return f"{reverse('admin:governance_vote_open')}?{query}&next={meeting_url(meeting)}"


def test_the_meeting_page_offers_to_open_a_vote_on_each_motion_and_item(client, secretariat):
    meeting = alv_meeting()
    motion = motion_on(meeting)
    item = meeting.items.get()

    page = client.get(meeting_url(meeting)).content.decode()

    assert f"?motion={motion.pk}&amp;next=" in page and f"?item={item.pk}&amp;next=" in page
    assert f"?item={item.pk}&amp;secret=1&amp;next=" in page
    assert "Open a vote" in page and "Open a secret vote" in page and "Open an election" in page


def test_open_a_named_vote_then_close_it_from_the_meeting_page(client, secretariat):
    meeting = alv_meeting()
    motion = motion_on(meeting)
    people = delegations(meeting, 3)

    response = client.post(open_url(meeting, motion=motion.pk), follow=True)

    vote = Vote.objects.get()
    assert response.redirect_chain[-1][0] == meeting_url(meeting)
    assert "The vote on “Motie jeugdzorg” is open." in page_messages(response)
    assert (vote.motion, vote.secret, vote.is_open) == (motion, False, True)
    assert vote.history.get().history_user == secretariat
    close = reverse("admin:governance_vote_close", args=[vote.pk])
    assert close in response.content.decode()  # the close button next to the motion
    assert reverse("admin:governance_vote_record", args=[vote.pk]) in response.content.decode()
    for person in people[:2]:
        votes.ballot_cast(vote=vote, municipality=person.organisation, choice="for")

    closed = client.post(f"{close}?next={meeting_url(meeting)}", follow=True)

    vote.refresh_from_db()
    motion.refresh_from_db()
    assert closed.redirect_chain[-1][0] == meeting_url(meeting)
    assert "Motie jeugdzorg is closed: adopted." in page_messages(closed)
    assert (vote.status, vote.votes_for, motion.outcome) == (Vote.Status.CLOSED, 2, Motion.Outcome.ADOPTED)


def test_open_a_secret_vote_on_an_item_and_close_it_on_the_vote_page(client, secretariat):
    meeting = alv_meeting()
    item = meeting.items.get()

    client.post(open_url(meeting, item=item.pk, secret=1))

    vote = Vote.objects.get()
    assert (vote.item, vote.secret) == (item, True)
    page = client.get(reverse("admin:governance_vote_change", args=[vote.pk])).content.decode()
    close = reverse("admin:governance_vote_close", args=[vote.pk])
    assert f'formaction="{close}"' in page
    response = client.post(close, follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:governance_vote_change", args=[vote.pk])
    assert Vote.objects.get().status == Vote.Status.CLOSED


def test_refusals_are_messages_not_errors(client, secretariat):
    meeting = alv_meeting()
    motion = motion_on(meeting)
    client.post(open_url(meeting, motion=motion.pk))

    twice = client.post(open_url(meeting, motion=motion.pk), follow=True)
    assert twice.status_code == 200 and "A vote on “Motie jeugdzorg” is already open." in page_messages(twice)
    assert Vote.objects.count() == 1

    vote = Vote.objects.get()
    close = reverse("admin:governance_vote_close", args=[vote.pk])
    client.post(close)
    again = client.post(close, follow=True)
    assert again.status_code == 200 and "is already closed" in page_messages(again)

    future = alv_meeting(days=10, title="ALV later")
    early = client.post(open_url(future, item=future.items.get().pk), follow=True)
    assert early.status_code == 200 and "has not taken place yet" in page_messages(early)
    assert "Votes are opened once the meeting has begun." in early.content.decode()

    nothing = client.post(reverse("admin:governance_vote_open"), follow=True)
    assert nothing.status_code == 200 and "one motion or one agenda item" in page_messages(nothing)


def test_the_buttons_only_take_post_and_go_back_only_to_this_site(client, secretariat):
    meeting = alv_meeting()
    motion = motion_on(meeting)
    assert client.get(open_url(meeting, motion=motion.pk)).status_code == 405
    assert not Vote.objects.exists()

    response = client.post(
        f"{reverse('admin:governance_vote_open')}?motion={motion.pk}&next=https://evil.example/"
    )

    vote = Vote.objects.get()
    assert response["Location"] == reverse("admin:governance_vote_change", args=[vote.pk])
    assert client.get(reverse("admin:governance_vote_close", args=[vote.pk])).status_code == 405


def test_the_buttons_need_the_vote_permissions_not_staff_status(client):
    meeting = alv_meeting()
    motion = motion_on(meeting)
    client.force_login(UserFactory(is_staff=True))

    assert client.post(open_url(meeting, motion=motion.pk)).status_code == 403
    vote = votes.vote_open(motion=motion)
    assert client.post(reverse("admin:governance_vote_close", args=[vote.pk])).status_code == 403
    assert Vote.objects.get().is_open


def test_the_votes_panel_reads_a_fixed_number_of_queries(client, secretariat):
    def queries_for(count: int) -> int:
        meeting = alv_meeting(title=f"ALV {count}")
        for n in range(count):
            motion = motion_on(meeting, title=f"Motie {n}")
            vote = votes.vote_open(motion=motion)
            if n % 2:
                votes.vote_close(vote=vote)
        with CaptureQueriesContext(connection) as captured:
            page = client.get(meeting_url(meeting))
        assert page.status_code == 200 and page.content.decode().count("Motion: Motie") == count
        return len(captured)

    assert queries_for(2) == queries_for(10)
