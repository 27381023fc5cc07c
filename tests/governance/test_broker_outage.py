"""A broker outage never turns a saved request into an error page: the pack or PDF version stays
pending and the beat sweep hands it to the worker once Redis is back (issue 10, item 5).
Real PostgreSQL, Redis (stopped and started by the test) and Celery worker."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.board import packs as board_packs
from governance.models import Document, Meeting, MeetingPack, ReportVersion
from governance.reports import services as report_services
from members import services as member_services
from tests.conftest import wait_until
from tests.factories import UserFactory

from .conftest import make_meeting, pdf_upload
from .report_admin_factories import workplan_with_activities

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def staff_client(client):
    user = UserFactory(is_staff=True)
    user.groups.add(member_services.secretariat_group_ensure())
    client.force_login(user)
    return client


def a_minute_later():
    return timezone.now() + datetime.timedelta(seconds=61)


def settled(model, pk):
    row = model.objects.get(pk=pk)
    return row if row.status not in ("pending", "building") else None


def test_adding_a_document_to_a_published_meeting_with_the_broker_down(
    staff_client, bodies, people, celery_worker_process, redis_server
):
    meeting = make_meeting(bodies["db"], items=1)
    redis_server.stop()

    response = staff_client.post(
        reverse("admin:governance_document_add"),
        {
            "item": meeting.items.get().pk,
            "title": "Notitie",
            "replaces": "",
            "upload": pdf_upload("notitie.pdf", pages=2),
        },
    )

    assert response.status_code == 302
    assert Document.objects.filter(item__meeting=meeting).count() == 1
    pack = MeetingPack.objects.get(meeting=meeting)
    assert (pack.status, pack.dispatched_at) == (MeetingPack.Status.PENDING, None)
    # Within the minute the sweep leaves it alone (the request's own hand-off may still come).
    assert board_packs.meeting_packs_sweep() == 0

    redis_server.start()
    celery_worker_process.wait_ready()
    assert board_packs.meeting_packs_sweep(now=a_minute_later()) == 1

    pack = wait_until(lambda: settled(MeetingPack, pack.pk), timeout=60, what="the pack to be built")
    celery_worker_process.wait_idle()
    assert pack.status == MeetingPack.Status.READY, pack.error
    assert pack.page_count >= 4 and pack.attempts == 1
    assert board_packs.meeting_packs_sweep(now=a_minute_later()) == 0


def test_publishing_with_the_broker_down_keeps_the_pack_pending_and_the_mail_queued(
    staff_client, bodies, people, celery_worker_process, redis_server
):
    meeting = make_meeting(bodies["ab"], status=Meeting.Status.CONCEPT, items=1)
    redis_server.stop()

    response = staff_client.post(
        reverse("admin:governance_meeting_changelist"),
        {"action": "publish", "_selected_action": [meeting.pk]},
    )

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PUBLISHED
    assert list(meeting.packs.values_list("status", flat=True)) == [MeetingPack.Status.PENDING]

    redis_server.start()
    celery_worker_process.wait_ready()
    assert board_packs.meeting_packs_sweep(now=a_minute_later()) == 1
    pack = wait_until(lambda: settled(MeetingPack, meeting.packs.get().pk), timeout=60, what="the pack")
    assert pack.status == MeetingPack.Status.READY, pack.error


def test_pdf_maken_with_the_broker_down(staff_client, celery_worker_process, redis_server):
    plan = workplan_with_activities(year=2025, activities=2, title="Werkplan VZHG 2025")
    redis_server.stop()

    response = staff_client.post(
        reverse("admin:governance_workplan_changelist"),
        {"action": "render_pdf", "_selected_action": [plan.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert "is being made" in response.content.decode()
    version = ReportVersion.objects.get()
    assert (version.status, version.dispatched_at) == (ReportVersion.Status.PENDING, None)

    redis_server.start()
    celery_worker_process.wait_ready()
    assert report_services.report_versions_sweep(now=a_minute_later()) == 1

    version = wait_until(lambda: settled(ReportVersion, version.pk), timeout=90, what="the PDF version")
    celery_worker_process.wait_idle()
    assert version.status == ReportVersion.Status.READY, version.error
    assert version.attempts == 1
    with version.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
