"""The per-row claim of a sending batch (vzhg.mail.sending.row_claim) is one fixed SQL statement:
queued (and due) → sending with its attempt counted, and the previous row recorded sent in the
same statement; a row another task holds, or one not due yet, is not claimed."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsletters.models import Delivery
from tests.newsletters.conftest import NewsletterFactory, SubscriptionFactory
from vzhg.mail.models import OutgoingMail
from vzhg.mail.sending import row_claim

pytestmark = pytest.mark.django_db


def _mail(**fields):
    return OutgoingMail.objects.create(to="a@gouda.nl", subject="Onderwerp", body_text="Tekst", **fields)


def test_a_queued_due_row_is_claimed_once_in_one_statement():
    now = timezone.now()
    mail = _mail()
    with CaptureQueriesContext(connection) as queries:
        assert row_claim(OutgoingMail, pk=mail.pk, now=now, due_by=now) is True
    assert len(queries) == 1
    mail.refresh_from_db()
    assert (mail.status, mail.attempts, mail.last_attempt_at) == ("sending", 1, now)
    # Taken: a second claim (another task) gets nothing and changes nothing.
    assert row_claim(OutgoingMail, pk=mail.pk, now=now, due_by=now) is False
    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == ("sending", 1)


def test_a_row_not_due_yet_is_not_claimed_and_the_previous_row_is_still_recorded_sent():
    now = timezone.now()
    done = _mail(status="sending", attempts=1, next_attempt_at=now - datetime.timedelta(minutes=1))
    later = _mail(next_attempt_at=now + datetime.timedelta(hours=1))
    assert row_claim(OutgoingMail, pk=later.pk, now=now, due_by=now, done=done.pk) is False
    done.refresh_from_db()
    later.refresh_from_db()
    assert (done.status, done.error, done.attempts) == ("sent", "", 1)
    assert done.sent_at is not None
    assert (later.status, later.attempts, later.last_attempt_at) == ("queued", 0, None)


def test_the_claim_records_the_previous_row_sent_with_its_values_in_the_same_statement():
    now = timezone.now()
    removed = timezone.now()
    done = _mail(
        status="sending",
        attempts=2,
        sensitive=True,
        body_html="<p>Code 123</p>",
        attachments=[{"filename": "a.txt", "mimetype": "text/plain", "content": "x"}],
        error="eerder: 451",
        next_attempt_at=now,
    )
    mail = _mail(next_attempt_at=now)
    values = {
        "next_attempt_at": None,
        "body_text": "",
        "body_html": "",
        "attachments": [],
        "content_removed_at": removed,
    }
    with CaptureQueriesContext(connection) as queries:
        claimed = row_claim(OutgoingMail, pk=mail.pk, now=now, due_by=now, done=done.pk, done_values=values)
    assert claimed is True
    assert len(queries) == 1
    done.refresh_from_db()
    mail.refresh_from_db()
    assert (done.status, done.attempts, done.error, done.next_attempt_at) == ("sent", 2, "", None)
    assert (done.body_text, done.body_html, done.attachments) == ("", "", [])
    assert done.content_removed_at == removed
    assert done.sent_at is not None
    # The claimed row: only its claim changed, none of the done row's values.
    assert (mail.status, mail.attempts, mail.last_attempt_at) == ("sending", 1, now)
    assert (mail.body_text, mail.next_attempt_at) == ("Tekst", now)
    assert (mail.sent_at, mail.content_removed_at) == (None, None)


def test_a_done_row_the_sweep_settled_meanwhile_is_left_alone_and_the_next_is_claimed():
    now = timezone.now()
    done = _mail(status="failed", error="onderbroken")
    mail = _mail()
    assert row_claim(OutgoingMail, pk=mail.pk, now=now, due_by=now, done=done.pk) is True
    done.refresh_from_db()
    assert (done.status, done.error, done.sent_at) == ("failed", "onderbroken", None)


def test_a_newsletter_delivery_is_claimed_with_the_previous_one_recorded_sent():
    newsletter = NewsletterFactory()
    first, second = (
        Delivery.objects.create(newsletter=newsletter, subscription=SubscriptionFactory()) for _ in range(2)
    )
    now = timezone.now()
    assert row_claim(Delivery, pk=first.pk, now=now) is True
    assert row_claim(Delivery, pk=second.pk, now=now, done=first.pk) is True
    assert row_claim(Delivery, pk=second.pk, now=now) is False
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.attempts, first.error) == ("sent", 1, "")
    assert first.sent_at is not None
    assert (second.status, second.attempts, second.last_attempt_at) == ("sending", 1, now)
    assert second.sent_at is None
