"""Who resent failed mail is recorded: the admin's history of each message names them."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry

from tests.factories import UserFactory
from vzhg.mail import services
from vzhg.mail.models import OutgoingMail

pytestmark = pytest.mark.django_db


def test_resending_failed_mail_records_who_did_it(django_capture_on_commit_callbacks):
    staff = UserFactory(is_staff=True)
    failed = OutgoingMail.objects.create(
        to="a@example.org", subject="Uitnodiging", body_text="x", status=OutgoingMail.Status.FAILED
    )
    sent = OutgoingMail.objects.create(
        to="b@example.org", subject="Verzonden", body_text="x", status=OutgoingMail.Status.SENT
    )
    with django_capture_on_commit_callbacks():
        assert services.mail_resend(mail_ids=[failed.pk, sent.pk], actor=staff) == 1
    [entry] = LogEntry.objects.all()
    assert (entry.user, entry.object_id, entry.action_flag) == (staff, str(failed.pk), CHANGE)
    assert entry.get_edited_object() == failed


def test_resending_without_an_actor_logs_nothing(django_capture_on_commit_callbacks):
    failed = OutgoingMail.objects.create(
        to="a@example.org", subject="x", body_text="x", status=OutgoingMail.Status.FAILED
    )
    with django_capture_on_commit_callbacks():
        assert services.mail_resend(mail_ids=[failed.pk]) == 1
    assert not LogEntry.objects.exists()
