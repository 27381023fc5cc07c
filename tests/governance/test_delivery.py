"""Publishing with the real thing: PostgreSQL, Redis, a Celery worker and an SMTP sink.
Run with `bash scripts/test tests/governance`."""

import pytest

from governance import services
from governance.models import Meeting, MeetingPack

from .conftest import add_pdf, make_meeting

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_publish_builds_the_pack_in_the_worker_and_mails_each_member_once(bodies, people, celery_worker_process, smtp_sink):
    meeting = make_meeting(bodies["ab"], status=Meeting.Status.CONCEPT, items=2)
    add_pdf(meeting.items.first(), pages=2)

    services.meeting_publish(meeting=meeting)

    received = smtp_sink.wait_for(2, timeout=30)
    celery_worker_process.wait_idle()
    assert sorted(r for message in received for r in message.recipients) == sorted(
        [people["db_member"].email, people["ab_member"].email]
    )
    assert len(smtp_sink.messages) == 2
    pack = MeetingPack.objects.get(meeting=meeting)
    assert pack.status == MeetingPack.Status.READY and pack.page_count >= 5
