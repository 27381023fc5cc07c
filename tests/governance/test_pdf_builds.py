"""PDF builds (meeting packs, report versions) as rows with a state: pending → building → ready /
failed; rendered outside any transaction; swept when a worker died (issue 11, item 8)."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from governance.board import packs as board_packs
from governance.board.tasks import meeting_pack_build_task
from governance.models import MeetingPack, ReportVersion
from governance.reports import services as report_services
from governance.tasks import report_version_build_task

from .conftest import add_pdf, make_meeting
from .report_admin_factories import workplan_with_activities


def test_pdf_tasks_ack_late_but_are_not_redelivered_when_the_worker_dies():
    for task in (meeting_pack_build_task, report_version_build_task):
        assert task.acks_late is True
        assert task.reject_on_worker_lost is False
        assert task.time_limit and task.soft_time_limit < task.time_limit


def test_beat_sweeps_the_pdf_builds_and_the_event_mailings_every_minute(settings):
    import events.tasks  # noqa: F401 - registers the task as the worker's autodiscovery does
    from vzhg.celery import app

    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    for name in ("governance.tasks.pdf_builds_sweep", "events.tasks.event_mailings_sweep"):
        assert schedule[name] == 60.0
        assert name in app.tasks


@pytest.mark.django_db(transaction=True)
def test_a_report_version_renders_outside_any_transaction(monkeypatch):
    plan = workplan_with_activities(year=2025, activities=1)
    seen = []
    real = report_services.document_context

    def context_spy(**kwargs):
        seen.append(connection.in_atomic_block)
        return real(**kwargs)

    monkeypatch.setattr(report_services, "document_context", context_spy)
    version = report_services.report_version_request(kind=ReportVersion.Kind.WORKPLAN, year=plan.year)
    version.refresh_from_db()

    assert version.status == ReportVersion.Status.READY, version.error
    assert seen == [False]  # no transaction, so no row lock, while the PDF is made


@pytest.mark.django_db(transaction=True)
def test_a_meeting_pack_renders_outside_any_transaction(monkeypatch, bodies):
    meeting = make_meeting(bodies["db"], items=1)
    seen = []
    real = board_packs._pack_front_matter

    def front_spy(**kwargs):
        seen.append(connection.in_atomic_block)
        return real(**kwargs)

    monkeypatch.setattr(board_packs, "_pack_front_matter", front_spy)
    add_pdf(meeting.items.get(), pages=1)  # published: the pack is built on commit (inline here)

    pack = meeting.packs.get()
    assert pack.status == MeetingPack.Status.READY, pack.error
    assert seen and not any(seen)


@pytest.mark.django_db
def test_a_second_task_for_the_same_version_does_nothing(django_capture_on_commit_callbacks):
    plan = workplan_with_activities(year=2025, activities=1)
    with django_capture_on_commit_callbacks(execute=True):
        version = report_services.report_version_request(kind=ReportVersion.Kind.WORKPLAN, year=plan.year)
    version.refresh_from_db()
    built_at, name = version.built_at, version.file.name

    again = report_services.report_version_build(version_id=version.pk)

    assert (again.status, again.built_at, again.file.name, again.attempts) == ("ready", built_at, name, 1)


@pytest.mark.django_db
def test_documents_added_while_a_pack_waits_share_one_pending_version(bodies):
    meeting = make_meeting(bodies["db"], items=2)
    first, second = meeting.items.order_by("order")
    add_pdf(first)  # on_commit callbacks do not run here: the pack stays pending
    add_pdf(second)

    assert list(meeting.packs.values_list("version", "status")) == [(1, "pending")]


@pytest.mark.django_db
def test_the_sweep_restarts_a_pack_a_dead_worker_left_building(bodies):
    meeting = make_meeting(bodies["db"], items=1)
    add_pdf(meeting.items.get())
    pack = meeting.packs.get()
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    MeetingPack.objects.filter(pk=pack.pk).update(status="building", started_at=long_ago, attempts=1)

    assert board_packs.meeting_packs_sweep() == 1  # pending again, handed over (built inline here)

    pack.refresh_from_db()
    assert pack.status == MeetingPack.Status.READY, pack.error
    assert pack.attempts == 2


@pytest.mark.django_db
def test_the_sweep_gives_up_after_the_last_attempt(bodies):
    meeting = make_meeting(bodies["db"], items=1)
    add_pdf(meeting.items.get())
    pack = meeting.packs.get()
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    MeetingPack.objects.filter(pk=pack.pk).update(
        status="building", started_at=long_ago, attempts=board_packs.BUILD_MAX_ATTEMPTS
    )
    version = ReportVersion.objects.create(
        kind="workplan", year=2025, version=1, status="building", started_at=long_ago, attempts=3
    )

    assert board_packs.meeting_packs_sweep() == 0
    assert report_services.report_versions_sweep() == 0

    pack.refresh_from_db()
    version.refresh_from_db()
    assert pack.status == version.status == "failed"
    assert "3 times" in pack.error and "3 times" in version.error


@pytest.mark.django_db
def test_a_build_still_running_within_its_time_limit_is_left_alone(bodies):
    meeting = make_meeting(bodies["db"], items=1)
    add_pdf(meeting.items.get())
    pack = meeting.packs.get()
    MeetingPack.objects.filter(pk=pack.pk).update(status="building", started_at=timezone.now(), attempts=1)

    assert board_packs.meeting_packs_sweep() == 0
    pack.refresh_from_db()
    assert (pack.status, pack.attempts) == ("building", 1)
