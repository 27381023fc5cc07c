"""Who did it: the services that take the acting user record them in the history (simple_history),
so the admin's history of a meeting, an agenda item, a motion or a progress report names them."""

import pytest

from governance.board import services as board_services
from governance.models import AgendaItem, Meeting, Motion, ProgressReport
from governance.reports import services as report_services
from tests.factories import secretariat_user

from .conftest import make_meeting
from .report_admin_factories import workplan_with_activities

pytestmark = pytest.mark.django_db


def last_changed_by(obj):
    return obj.history.order_by("-history_date", "-history_id").first().history_user


def test_meeting_writes_name_the_actor_in_the_history(bodies):
    staff = secretariat_user()
    alv = board_services.meeting_create_alv_from_template(body=bodies["alv"], actor=staff)
    assert last_changed_by(alv) == staff
    assert {last_changed_by(item) for item in alv.items.all()} == {staff}

    meeting = make_meeting(bodies["ab"], status=Meeting.Status.CONCEPT, items=1)
    board_services.meeting_publish(meeting=meeting, actor=staff)
    assert last_changed_by(meeting) == staff

    held = make_meeting(bodies["ab"], days=-1, items=1)
    item = held.items.get()
    other = secretariat_user()
    board_services.agenda_item_decide(item=item, decision="Aangenomen.", actor=other)
    assert last_changed_by(AgendaItem.objects.get(pk=item.pk)) == other
    board_services.meeting_mark_held(meeting=held, actor=other)
    assert last_changed_by(held) == other


def test_a_motion_outcome_and_a_progress_report_name_the_actor(bodies):
    staff = secretariat_user()
    alv = make_meeting(bodies["alv"], days=-1, items=1)
    motion = Motion.objects.create(meeting=alv, title="Motie", text="Doe iets.")
    board_services.motion_decide(
        motion=motion, outcome=Motion.Outcome.ADOPTED, votes_for=30, votes_against=2, actor=staff
    )
    assert last_changed_by(motion) == staff

    activity = workplan_with_activities(year=2025, activities=1).activities.get()
    report = report_services.progress_report_save(
        activity=activity, half=1, light="green", text="Op koers.", actor=staff
    )
    assert last_changed_by(report) == staff
    other = secretariat_user()
    report_services.progress_report_save(activity=activity, half=1, light="red", text="Achter.", actor=other)
    report = ProgressReport.objects.get(activity=activity, half=1)
    assert (report.light, report.written_by, last_changed_by(report)) == ("red", other, other)
