"""The action list (actielijst): actions agreed at a meeting carry over to the next meeting's pack
while open, and the owner sees their own open actions in the board portal."""

import datetime

import pytest
from django.urls import reverse
from pypdf import PdfReader

from governance.board import actions as board_actions
from governance.board import packs as board_packs
from governance.models import Action, Meeting, MeetingPack
from vzhg.errors import ServiceError

from .conftest import make_meeting

pytestmark = pytest.mark.django_db


def pack_text(pack) -> str:
    """The pack's text, with line breaks and runs of spaces as one space."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(pack.file.path).pages).split())


@pytest.fixture
def agreed(bodies, people):
    """Two actions agreed at a held DB meeting: one still open, one done."""
    earlier = make_meeting(bodies["db"], days=-20, title="DB maart", status=Meeting.Status.HELD, items=2)
    item = earlier.items.get(order=2)
    owner = people["db_member"].person
    open_action = board_actions.action_save(
        action=Action(
            body=bodies["db"],
            title="Brief aan Gedeputeerde Staten",
            owner=owner,
            due=datetime.date(2030, 1, 15),
            meeting=earlier,
            item=item,
        ),
        actor=people["staff"],
    )
    done = board_actions.action_save(
        action=Action(body=bodies["db"], title="Zaal reserveren", owner=owner, meeting=earlier)
    )
    board_actions.action_status_set(action=done, status=Action.Status.DONE, actor=people["staff"])
    return {"meeting": earlier, "open": open_action, "done": done}


def test_an_action_belongs_to_a_meeting_and_item_of_its_own_body(bodies, agreed):
    other = make_meeting(bodies["ab"], days=-3, status=Meeting.Status.HELD, items=1)
    with pytest.raises(ServiceError, match="own body"):
        board_actions.action_save(action=Action(body=bodies["db"], title="Mis", meeting=other))
    with pytest.raises(ServiceError, match="agenda item of the meeting"):
        board_actions.action_save(
            action=Action(body=bodies["db"], title="Mis", meeting=agreed["meeting"], item=other.items.get())
        )


def test_done_and_reopened_with_history(agreed, people):
    action = board_actions.action_status_set(
        action=agreed["open"], status=Action.Status.DONE, actor=people["staff"]
    )
    assert action.status == Action.Status.DONE and action.done_at is not None
    reopened = board_actions.action_status_set(action=action, status=Action.Status.OPEN)
    assert reopened.done_at is None
    assert [row.status for row in reopened.history.order_by("history_id")] == ["open", "done", "open"]
    assert reopened.history.order_by("history_id")[1].history_user == people["staff"]


def test_open_actions_carry_over_to_the_next_meetings_pack(bodies, agreed, settings):
    settings.LANGUAGE_CODE = "en"
    following = make_meeting(bodies["db"], days=10, title="DB april", items=1)
    other_body = make_meeting(bodies["ab"], days=10, items=1)

    assert list(board_actions.open_actions_before(meeting=following)) == [agreed["open"]]
    assert list(board_actions.open_actions_before(meeting=agreed["meeting"])) == []
    assert list(board_actions.open_actions_before(meeting=other_body)) == []

    pack = board_packs.meeting_pack_build(meeting_id=following.pk)
    assert pack.status == MeetingPack.Status.READY, pack.error
    text = pack_text(pack)
    assert "Open actions" in text and "Brief aan Gedeputeerde Staten" in text
    assert "Zaal reserveren" not in text  # done: not carried over

    board_actions.action_status_set(action=agreed["open"], status=Action.Status.DONE)
    pack = board_packs.meeting_pack_build(meeting_id=following.pk)
    text = pack_text(pack)
    assert "Open actions" not in text


def test_the_owner_sees_their_open_actions_in_the_portal(client, agreed, people):
    client.force_login(people["db_member"])
    content = client.get(reverse("governance:portal")).content.decode()
    assert "My open actions" in content and "Brief aan Gedeputeerde Staten" in content
    assert "Zaal reserveren" not in content

    client.force_login(people["ab_member"])
    content = client.get(reverse("governance:portal")).content.decode()
    assert "Brief aan Gedeputeerde Staten" not in content


def test_the_secretariat_keeps_the_action_list_in_the_admin(client, agreed, people):
    client.force_login(people["staff"])
    changelist = reverse("admin:governance_action_changelist")

    response = client.post(
        changelist, {"action": "mark_done", "_selected_action": [agreed["open"].pk]}, follow=True
    )

    assert response.status_code == 200
    agreed["open"].refresh_from_db()
    assert agreed["open"].status == Action.Status.DONE
    assert agreed["open"].history.latest().history_user == people["staff"]


def test_a_persons_actions_and_attendance_are_in_their_avg_export(client, agreed, people):
    from governance.models import Attendance

    owner = people["db_member"]
    Attendance.objects.create(
        meeting=agreed["meeting"], person=owner.person, status=Attendance.Status.EXCUSED
    )
    client.force_login(owner)

    data = client.get(reverse("members:profile_export")).json()

    assert [row["action"] for row in data["actions"]] == ["Brief aan Gedeputeerde Staten", "Zaal reserveren"]
    assert [(row["meeting"], row["attendance"]) for row in data["meeting_attendance"]] == [
        ("DB maart", "excused")
    ]
