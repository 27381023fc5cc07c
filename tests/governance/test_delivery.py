"""Publishing with the real thing: PostgreSQL, Redis, a Celery worker and an SMTP sink.
Run with `bash scripts/test tests/governance`."""

import pytest

from governance.board import services as board_services
from governance.models import Meeting, MeetingPack

from .conftest import add_pdf, make_meeting

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_publish_builds_the_pack_in_the_worker_and_mails_each_member_once(
    bodies, people, celery_worker_process, smtp_sink
):
    meeting = make_meeting(bodies["ab"], status=Meeting.Status.CONCEPT, items=2)
    add_pdf(meeting.items.first(), pages=2)

    board_services.meeting_publish(meeting=meeting)

    received = smtp_sink.wait_for(2, timeout=30)
    celery_worker_process.wait_idle()
    assert sorted(r for message in received for r in message.recipients) == sorted(
        [people["db_member"].email, people["ab_member"].email]
    )
    assert len(smtp_sink.messages) == 2
    pack = MeetingPack.objects.get(meeting=meeting)
    assert pack.status == MeetingPack.Status.READY and pack.page_count >= 5


def test_a_pdf_version_is_rendered_by_the_worker(celery_worker_process):
    """ "PDF maken" only reserves the version; the worker renders it (PDF/UA) and marks it ready."""
    import time

    from governance.models import ReportVersion
    from governance.reports import services as report_services

    from .report_data import build_year

    year = build_year(activities=3, events=3)
    # Tasks are not inline here: only the worker can finish the version.
    version = report_services.report_version_request(kind=ReportVersion.Kind.WORKPLAN, year=year.year)

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        version.refresh_from_db()
        if version.status not in (ReportVersion.Status.PENDING, ReportVersion.Status.BUILDING):
            break
        time.sleep(0.2)
    celery_worker_process.wait_idle()

    assert version.status == ReportVersion.Status.READY, version.error
    assert version.page_count > 1
    with version.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
