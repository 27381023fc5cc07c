"""The secretariat's admin for the workplan and the annual report: copy a plan to a new year,
adopt it, link events and meetings (only the plan's year counts), write progress reports, render
and publish PDF versions."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.models import (
    AnnualReport,
    Meeting,
    PlannedActivity,
    ProgressReport,
    ReportVersion,
    Workplan,
)
from members import services as member_services
from tests.events.staff_factories import EventFactory
from tests.factories import UserFactory

from .report_admin_factories import workplan_with_activities

pytestmark = pytest.mark.django_db

TZ = timezone.get_default_timezone()


def at(year, month, day, hour=14):
    return datetime.datetime(year, month, day, hour, tzinfo=TZ)


@pytest.fixture
def secretary(db):
    user = UserFactory(is_staff=True)
    user.groups.add(member_services.secretariat_group_ensure())
    return user


@pytest.fixture
def staff_client(client, secretary):
    client.force_login(secretary)
    return client


@pytest.fixture
def plan(db):
    return workplan_with_activities(year=2025, activities=2, title="Werkplan VZHG 2025")


def action(client, admin_url, name, pks, **data):
    return client.post(
        reverse(admin_url), {"action": name, "_selected_action": [str(pk) for pk in pks], **data}, follow=True
    )


def page_text(response) -> str:
    return response.content.decode()


# --- copy ---------------------------------------------------------------------------------------


def test_copy_asks_for_the_year_and_makes_a_draft_for_it(staff_client, plan):
    ask = action(staff_client, "admin:governance_workplan_changelist", "copy_to_new_year", [plan.pk])
    assert ask.status_code == 200
    assert 'name="year" value="2026"' in page_text(ask)  # next year is proposed
    assert Workplan.objects.count() == 1  # asking creates nothing

    done = action(
        staff_client,
        "admin:governance_workplan_changelist",
        "copy_to_new_year",
        [plan.pk],
        post="yes",
        year="2026",
    )
    copy = Workplan.objects.get(year=2026)
    assert done.redirect_chain[-1][0] == reverse("admin:governance_workplan_change", args=[copy.pk])
    assert copy.status == Workplan.Status.CONCEPT and copy.title == "Werkplan VZHG 2026"
    assert list(copy.activities.values_list("title", "planned_count")) == [
        ("Themabijeenkomst", 6),
        ("Netwerkbijeenkomst 2", 2),
    ]
    assert "was made as a draft" in page_text(done)


def test_copy_to_a_year_that_has_a_plan_says_so_and_creates_nothing(staff_client, plan):
    workplan_with_activities(year=2026, activities=1)

    response = action(
        staff_client,
        "admin:governance_workplan_changelist",
        "copy_to_new_year",
        [plan.pk],
        post="yes",
        year="2026",
    )

    assert response.status_code == 200
    assert "There is already a workplan for 2026." in page_text(response)
    assert Workplan.objects.count() == 2
    assert PlannedActivity.objects.count() == 3


def test_copy_needs_one_plan(staff_client, plan):
    other = workplan_with_activities(year=2024, activities=1)
    response = action(
        staff_client, "admin:governance_workplan_changelist", "copy_to_new_year", [plan.pk, other.pk]
    )
    assert "Choose one workplan to copy." in page_text(response)
    assert Workplan.objects.count() == 2


# --- adopt --------------------------------------------------------------------------------------


def test_adopt_with_a_meeting_of_another_body_is_refused_and_the_input_kept(staff_client, plan, bodies):
    db_meeting = Meeting.objects.create(body=bodies["db"], title="DB december", starts_at=at(2024, 12, 2))
    url = "admin:governance_workplan_changelist"

    response = action(
        staff_client,
        url,
        "adopt",
        [plan.pk],
        post="yes",
        body=bodies["alv"].pk,
        on="2024-12-12",
        meeting=db_meeting.pk,
    )

    text = page_text(response)
    assert "This meeting is not a meeting of the body that adopted the plan." in text
    assert 'value="2024-12-12"' in text  # the form is shown again with what was typed
    plan.refresh_from_db()
    assert plan.status == Workplan.Status.CONCEPT and plan.adopted_by is None

    alv = Meeting.objects.create(body=bodies["alv"], title="ALV december", starts_at=at(2024, 12, 12))
    response = action(
        staff_client,
        url,
        "adopt",
        [plan.pk],
        post="yes",
        body=bodies["alv"].pk,
        on="2024-12-12",
        meeting=alv.pk,
    )
    assert response.redirect_chain[-1][0] == reverse("admin:governance_workplan_change", args=[plan.pk])
    plan.refresh_from_db()
    assert (plan.status, plan.adopted_by, plan.adopted_at, plan.adopted_on) == (
        Workplan.Status.ADOPTED,
        bodies["alv"],
        alv,
        datetime.date(2024, 12, 12),
    )


# --- planned vs realised, and the links ----------------------------------------------------------


def activity_form(activity, **changes):
    """The activity's change form as the browser posts it, with an empty progress-report inline."""
    data = {
        "workplan": activity.workplan_id,
        "order": activity.order,
        "code": activity.code,
        "kind": activity.kind,
        "title": activity.title,
        "planned_count": activity.planned_count or "",
        "count_note": activity.count_note,
        "period": activity.period,
        "attachment": activity.attachment,
        "explanation": activity.explanation,
        "objectives": [o.pk for o in activity.objectives.all()],
        "objectives_note": activity.objectives_note,
        "themes": [t.pk for t in activity.themes.all()],
        "priority": activity.priority,
        "role": activity.role,
        "responsible": [p.pk for p in activity.responsible.all()],
        "events": [e.pk for e in activity.events.all()],
        "meetings": [m.pk for m in activity.meetings.all()],
        "progress_reports-TOTAL_FORMS": "0",
        "progress_reports-INITIAL_FORMS": "0",
        "progress_reports-MIN_NUM_FORMS": "0",
        "progress_reports-MAX_NUM_FORMS": "2",
    }
    data.update(changes)
    return data


def test_events_of_another_year_cannot_be_linked(staff_client, plan):
    activity = plan.activities.get(code="A1")
    wrong = EventFactory(title="Themabijeenkomst jeugdzorg", starts_at=at(2024, 11, 20))
    right = EventFactory(title="Themabijeenkomst wonen", starts_at=at(2025, 3, 5))
    url = reverse("admin:governance_plannedactivity_change", args=[activity.pk])

    response = staff_client.post(url, activity_form(activity, events=[wrong.pk, right.pk]))

    assert response.status_code == 200
    assert "“Themabijeenkomst jeugdzorg” (20-11-2024) is not in 2025" in page_text(response)
    assert not activity.events.exists()

    response = staff_client.post(url, activity_form(activity, events=[right.pk]))
    assert response.status_code == 302
    assert list(activity.events.all()) == [right]


def test_meetings_of_another_year_cannot_be_linked(staff_client, plan, bodies):
    activity = plan.activities.get(code="A2")
    meeting = Meeting.objects.create(body=bodies["ab"], title="AB januari", starts_at=at(2026, 1, 14))

    response = staff_client.post(
        reverse("admin:governance_plannedactivity_change", args=[activity.pk]),
        activity_form(activity, meetings=[meeting.pk]),
    )

    assert response.status_code == 200
    assert "“AB januari” (14-01-2026) is not in 2025" in page_text(response)


def test_the_plan_and_the_activity_show_planned_against_realised(staff_client, plan, bodies):
    activity = plan.activities.get(code="A1")
    held = [EventFactory(starts_at=at(2025, month, 10)) for month in (2, 4)]
    cancelled = EventFactory(starts_at=at(2025, 6, 10), status="cancelled")
    activity.events.add(*held, cancelled)  # a cancelled event never counts
    activity.meetings.add(
        Meeting.objects.create(
            body=bodies["ab"], title="AB mei", starts_at=at(2025, 5, 20), status=Meeting.Status.HELD
        )
    )
    ProgressReport.objects.create(
        activity=activity, half=1, light=ProgressReport.Light.ORANGE, text="Twee gemist."
    )

    plan_page = page_text(staff_client.get(reverse("admin:governance_workplan_change", args=[plan.pk])))
    assert "6 per year — 3 held" in plan_page
    assert "orange (needs attention)" in plan_page
    assert reverse("admin:governance_plannedactivity_change", args=[activity.pk]) in plan_page

    activity_page = page_text(
        staff_client.get(reverse("admin:governance_plannedactivity_change", args=[activity.pk]))
    )
    assert "6 per year — 3 held" in activity_page

    # The event's and the meeting's own pages show what they realise.
    event_page = page_text(staff_client.get(reverse("admin:events_event_change", args=[held[0].pk])))
    assert "Themabijeenkomst" in event_page and str(plan) in event_page
    meeting = activity.meetings.get()
    meeting_page = page_text(staff_client.get(reverse("admin:governance_meeting_change", args=[meeting.pk])))
    assert "Themabijeenkomst" in meeting_page

    # Unlinking an event takes it off the count.
    activity.events.remove(held[0])
    plan_page = page_text(staff_client.get(reverse("admin:governance_workplan_change", args=[plan.pk])))
    assert "6 per year — 2 held" in plan_page


def test_a_progress_report_written_in_the_inline_records_who_wrote_it(staff_client, secretary, plan):
    activity = plan.activities.get(code="A1")
    data = activity_form(
        activity,
        **{
            "progress_reports-TOTAL_FORMS": "1",
            "progress_reports-0-half": "1",
            "progress_reports-0-light": "orange",
            "progress_reports-0-text": "Twee bijeenkomsten verschoven naar het najaar.",
        },
    )

    response = staff_client.post(reverse("admin:governance_plannedactivity_change", args=[activity.pk]), data)

    assert response.status_code == 302
    report = ProgressReport.objects.get()
    assert (report.activity, report.half, report.light, report.written_by) == (
        activity,
        1,
        "orange",
        secretary,
    )


# --- PDF versions -------------------------------------------------------------------------------


def test_render_pdf_from_the_plan_page_makes_a_version(
    staff_client, secretary, plan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:governance_workplan_changelist"),
            {"action": "render_pdf", "_selected_action": [plan.pk], "_return_to_object": "1"},
            follow=True,
        )

    assert response.redirect_chain[-1][0] == reverse("admin:governance_workplan_change", args=[plan.pk])
    assert "Version 1 of the PDF of Werkplan VZHG 2025 is being made" in page_text(response)
    version = ReportVersion.objects.get()
    assert (version.kind, version.year, version.version, version.requested_by) == (
        "workplan",
        2025,
        1,
        secretary,
    )
    assert version.status == ReportVersion.Status.READY, version.error
    with version.file.open("rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert version.page_count >= 2 and version.size > 0


def test_render_pdf_of_an_annual_report(staff_client, django_capture_on_commit_callbacks):
    report = AnnualReport.objects.create(year=2025)
    with django_capture_on_commit_callbacks(execute=True):
        response = action(staff_client, "admin:governance_annualreport_changelist", "render_pdf", [report.pk])

    assert "is being made" in page_text(response)
    version = ReportVersion.objects.get(kind=ReportVersion.Kind.ANNUAL_REPORT)
    assert version.status == ReportVersion.Status.READY, version.error


def ready_version(plan, number):
    return ReportVersion.objects.create(
        kind=ReportVersion.Kind.WORKPLAN,
        year=plan.year,
        version=number,
        status=ReportVersion.Status.READY,
        page_count=3,
    )


def test_a_concept_plan_s_pdf_is_not_published(staff_client, plan):
    version = ready_version(plan, 1)

    response = action(
        staff_client, "admin:governance_reportversion_changelist", "publish_version", [version.pk]
    )

    assert "was not published: Adopt the workplan before publishing its PDF." in page_text(response)
    version.refresh_from_db()
    assert version.published_at is None


def test_one_version_is_published_at_a_time(staff_client, plan, bodies):
    Workplan.objects.filter(pk=plan.pk).update(
        status=Workplan.Status.ADOPTED, adopted_by=bodies["alv"], adopted_on=datetime.date(2024, 12, 12)
    )
    first, second = ready_version(plan, 1), ready_version(plan, 2)
    failed = ReportVersion.objects.create(
        kind="workplan", year=2025, version=3, status=ReportVersion.Status.FAILED, error="kapot"
    )
    url = "admin:governance_reportversion_changelist"

    assert "is now the published PDF" in page_text(action(staff_client, url, "publish_version", [first.pk]))
    assert "is now the published PDF" in page_text(action(staff_client, url, "publish_version", [second.pk]))
    assert "Only a finished PDF can be published." in page_text(
        action(staff_client, url, "publish_version", [failed.pk])
    )

    published = ReportVersion.objects.filter(published_at__isnull=False)
    assert list(published) == [second]


def test_versions_are_read_only_in_the_admin(staff_client, plan):
    version = ready_version(plan, 1)
    assert staff_client.get(reverse("admin:governance_reportversion_add")).status_code == 403
    page = staff_client.get(reverse("admin:governance_reportversion_change", args=[version.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page_text(page)


def test_publish_an_annual_report(staff_client):
    report = AnnualReport.objects.create(year=2025)
    response = action(staff_client, "admin:governance_annualreport_changelist", "publish", [report.pk])
    assert "Annual report 2025 is published." in page_text(response)
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.PUBLISHED and report.published_at is not None


# --- query counts -------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [2, 12])
def test_workplan_list_query_count_does_not_grow(staff_client, django_assert_num_queries, size):
    for year in range(2000, 2000 + size):
        workplan_with_activities(year=year, activities=2)

    with django_assert_num_queries(7):
        response = staff_client.get(reverse("admin:governance_workplan_changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("size", [3, 30])
def test_activity_list_query_count_does_not_grow(staff_client, plan, django_assert_num_queries, size):
    workplan_with_activities(year=2026, activities=size)

    with django_assert_num_queries(9):
        response = staff_client.get(reverse("admin:governance_plannedactivity_changelist"))
    assert response.status_code == 200
    assert page_text(response).count("Netwerkbijeenkomst") >= size - 1


@pytest.mark.parametrize("year", ["1999", "20000", "tekst"])
def test_a_workplan_year_out_of_range_is_refused_with_a_message(staff_client, year):
    response = staff_client.post(
        reverse("admin:governance_workplan_add"),
        {"year": year, "title": "", "sections-TOTAL_FORMS": "0", "sections-INITIAL_FORMS": "0"},
    )

    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not Workplan.objects.exists()
