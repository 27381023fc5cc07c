"""Edits in the governance admin go through the same services as the pages: a meeting is marked
held only once it began; decisions and motion outcomes are recorded by their services (only after
the meeting began); progress reports by progress_report_save; the KvK dates by their action.
Events and meetings are picked by title, date and status; the board lists the chair first."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.models import AgendaItem, Mandate, Meeting, Motion, ProgressReport
from members import services as member_services
from tests.admin_form import change_form_data
from tests.events.staff_factories import EventFactory, nl
from tests.factories import MemberFactory, OrganisationFactory, PersonFactory, UserFactory

from .conftest import make_meeting, seat
from .report_admin_factories import workplan_with_activities

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, db):
    user = UserFactory(is_staff=True)
    user.groups.add(member_services.secretariat_group_ensure())
    client.force_login(user)
    client.user = user
    return client


def _post_back(client, url, **changes):
    data = change_form_data(client, url)
    data.update(changes)
    return client.post(url, data)


# --- meetings -------------------------------------------------------------------------------


def test_mark_as_held_is_refused_for_a_meeting_in_the_future_with_a_clear_message(staff_client, bodies):
    future = make_meeting(bodies["ab"], days=10, title="AB september")
    past = make_meeting(bodies["ab"], days=-1, title="AB juni")
    staff_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "nl"  # the secretariat reads Dutch

    response = staff_client.post(
        reverse("admin:governance_meeting_changelist"),
        {"action": "mark_held", "_selected_action": [future.pk, past.pk]},
        follow=True,
    )

    future.refresh_from_db()
    past.refresh_from_db()
    assert future.status == Meeting.Status.PUBLISHED
    assert past.status == Meeting.Status.HELD
    start = timezone.localtime(future.starts_at).strftime("%d-%m-%Y %H:%M")
    refusal = nl(
        "%(meeting)s has not taken place yet (it starts on %(date)s); "
        "record what happened there after the meeting.",
        meeting="AB september",
        date=start,
    )
    assert refusal in response.content.decode() and "heeft nog niet plaatsgevonden" in refusal


def test_a_decision_is_recorded_only_for_a_meeting_that_began(staff_client, bodies):
    future = make_meeting(bodies["ab"], days=10, items=1)
    past = make_meeting(bodies["ab"], days=-1, items=1)

    refused = _post_back(
        staff_client,
        reverse("admin:governance_meeting_change", args=[future.pk]),
        **{"items-0-decision": "Aangenomen."},
    )
    assert refused.status_code == 200
    assert future.items.get().decision == ""

    done = _post_back(
        staff_client,
        reverse("admin:governance_meeting_change", args=[past.pk]),
        **{"items-0-decision": " Aangenomen. "},
    )
    assert done.status_code == 302
    assert past.items.get().decision == "Aangenomen."

    item = future.items.get()
    refused_item = _post_back(
        staff_client, reverse("admin:governance_agendaitem_change", args=[item.pk]), decision="Aangenomen."
    )
    assert refused_item.status_code == 200
    assert AgendaItem.objects.get(pk=item.pk).decision == ""


def test_a_motion_outcome_is_recorded_only_once_the_assembly_met(staff_client, bodies):
    gouda = OrganisationFactory(name="Gouda", kind="municipality", cbs_code="GM0513")
    future = make_meeting(bodies["alv"], days=10, items=1)
    past = make_meeting(bodies["alv"], days=-1, items=1)
    motions = []
    for meeting in (future, past):
        motion = Motion.objects.create(meeting=meeting, title="Motie jeugdzorg", text="Vraag de VNG.")
        motion.submitted_by.set([gouda])
        motions.append(motion)
    early, late = motions

    refused = _post_back(
        staff_client,
        reverse("admin:governance_motion_change", args=[early.pk]),
        outcome="adopted",
        votes_for="30",
        votes_against="2",
    )
    assert refused.status_code == 200
    early.refresh_from_db()
    assert early.outcome == Motion.Outcome.PENDING and early.votes_for is None

    votes_without_outcome = _post_back(
        staff_client, reverse("admin:governance_motion_change", args=[late.pk]), votes_for="30"
    )
    assert votes_without_outcome.status_code == 200

    done = _post_back(
        staff_client,
        reverse("admin:governance_motion_change", args=[late.pk]),
        outcome="adopted",
        votes_for="30",
        votes_against="2",
    )
    assert done.status_code == 302
    late.refresh_from_db()
    assert (late.outcome, late.votes_for, late.votes_against) == (Motion.Outcome.ADOPTED, 30, 2)


def test_the_kvk_dates_are_recorded_by_the_action_not_typed(staff_client, bodies):
    mandate = seat(MemberFactory(), bodies["db"], role=Mandate.Role.LID)
    url = reverse("admin:governance_mandate_change", args=[mandate.pk])

    response = _post_back(staff_client, url, kvk_start_reported_on="01-01-2024")

    assert response.status_code == 302
    mandate.refresh_from_db()
    assert mandate.kvk_start_reported_on is None
    assert 'name="kvk_start_reported_on"' not in staff_client.get(url).content.decode()


# --- progress reports -------------------------------------------------------------------------


def test_progress_reports_typed_in_the_admin_are_written_by_the_service(staff_client, monkeypatch):
    from governance.reports import services as report_services

    plan = workplan_with_activities(year=2025, activities=2)
    first, second = plan.activities.order_by("order")
    calls = []
    real = report_services.progress_report_save
    monkeypatch.setattr(
        report_services, "progress_report_save", lambda **kwargs: calls.append(kwargs) or real(**kwargs)
    )

    added = staff_client.post(
        reverse("admin:governance_progressreport_add"),
        {"activity": first.pk, "half": "1", "light": "orange", "text": "Twee van de zes gehouden."},
    )
    assert added.status_code == 302
    report = ProgressReport.objects.get()
    assert (report.light, report.written_by) == ("orange", staff_client.user)
    assert [call["activity"] for call in calls] == [first]

    # On its own page a report stays with its activity and half year.
    changed = _post_back(
        staff_client,
        reverse("admin:governance_progressreport_change", args=[report.pk]),
        activity=str(second.pk),
        light="green",
    )
    assert changed.status_code == 302
    report.refresh_from_db()
    assert (report.activity, report.light) == (first, "green")
    assert len(calls) == 2

    # In the activity's inline, too.
    url = reverse("admin:governance_plannedactivity_change", args=[first.pk])
    inline = _post_back(staff_client, url, **{"progress_reports-0-light": "red"})
    assert inline.status_code == 302
    report.refresh_from_db()
    assert report.light == "red" and len(calls) == 3


# --- picking events and meetings ----------------------------------------------------------------


def test_events_and_meetings_are_picked_by_title_date_and_status(staff_client, bodies):
    starts = timezone.make_aware(datetime.datetime(2025, 6, 11, 10, 0))
    published = EventFactory(
        title="ALV en voorjaarscongres", starts_at=starts, ends_at=starts + datetime.timedelta(hours=6)
    )
    EventFactory(
        title="ALV en voorjaarscongres",
        status="draft",
        starts_at=starts.replace(year=2024),
        ends_at=starts.replace(year=2024),
    )
    meeting = Meeting.objects.create(
        body=bodies["alv"], title="ALV juni", starts_at=starts, status=Meeting.Status.HELD
    )
    plan = workplan_with_activities(year=2025, activities=1)
    activity = plan.activities.get()
    activity.events.add(published)
    activity.meetings.add(meeting)

    found = staff_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "governance", "model_name": "plannedactivity", "field_name": "events", "term": "ALV"},
    )
    language = found.wsgi_request.LANGUAGE_CODE
    labels = sorted(result["text"] for result in json.loads(found.content)["results"])
    assert labels == [
        f"ALV en voorjaarscongres — 11-06-2024 ({shown('draft', language)})",
        f"ALV en voorjaarscongres — 11-06-2025 ({shown('published', language)})",
    ]
    found = staff_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "governance", "model_name": "plannedactivity", "field_name": "meetings", "term": "ALV"},
    )
    assert [r["text"] for r in json.loads(found.content)["results"]] == [
        f"ALV juni — 11-06-2025 ({shown('held', language)})"
    ]

    response = staff_client.get(reverse("admin:governance_plannedactivity_change", args=[activity.pk]))
    page, language = response.content.decode(), response.wsgi_request.LANGUAGE_CODE
    assert f"ALV en voorjaarscongres — 11-06-2025 ({shown('published', language)})" in page
    assert f"ALV juni — 11-06-2025 ({shown('held', language)})" in page


def shown(msgid: str, language: str) -> str:
    from django.utils import translation

    with translation.override(language):
        return translation.gettext(msgid)


# --- the board --------------------------------------------------------------------------------


def test_the_board_page_lists_the_chair_first(client, bodies):
    for role, name in [
        (Mandate.Role.LID, "Aalbers"),
        (Mandate.Role.PENNINGMEESTER, "Bakker"),
        (Mandate.Role.VOORZITTER, "Zwart"),
        (Mandate.Role.VICE_VOORZITTER, "Visser"),
    ]:
        seat(PersonFactory(last_name=name), bodies["db"], role=role)

    body = client.get(reverse("governance:board")).content.decode()

    positions = [body.index(name) for name in ("Zwart", "Visser", "Bakker", "Aalbers")]
    assert positions == sorted(positions)
