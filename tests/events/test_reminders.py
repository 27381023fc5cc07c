"""Reminders: confirmed registrants are mailed reminder_days before their event, exactly once."""

import datetime
import threading

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.utils import timezone

from events import reminders, tasks
from events.models import Event, Registration
from tests.events.staff_factories import EventFactory, RegistrationFactory
from tests.factories import MemberFactory
from vzhg.mail.models import OutgoingMail


def test_beat_runs_the_reminders_and_the_retention():
    tasks_scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "events.tasks.events_reminders_send",
        "events.tasks.events_registrations_anonymise",
    } <= tasks_scheduled


@pytest.mark.django_db
def test_due_confirmed_registrants_are_reminded_once(django_capture_on_commit_callbacks):
    now = timezone.now()
    soon = EventFactory(
        title="Klankbord Wonen", starts_at=now + datetime.timedelta(days=1, hours=20), reminder_days=2
    )
    later = EventFactory(starts_at=now + datetime.timedelta(days=5), reminder_days=2)
    no_reminder = EventFactory(starts_at=now + datetime.timedelta(hours=5), reminder_days=None)
    draft = EventFactory(starts_at=now + datetime.timedelta(hours=5), status=Event.Status.DRAFT)
    past = EventFactory(starts_at=now - datetime.timedelta(hours=1))
    confirmed = RegistrationFactory(event=soon, person=MemberFactory(first_name="Iris"))
    RegistrationFactory(event=soon, status=Registration.Status.WAITLISTED)
    RegistrationFactory(event=soon, status=Registration.Status.CANCELLED)
    for other in (later, no_reminder, draft, past):
        RegistrationFactory(event=other)

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.events_reminders_send.delay().get() == 1

    [message] = mail.outbox
    assert message.to == [confirmed.person.email]
    assert message.subject.endswith(": Klankbord Wonen")
    assert "Iris," in message.body.splitlines()[0]
    confirmed.refresh_from_db()
    assert confirmed.reminder_sent_at is not None

    # The next beat run finds nothing left to remind.
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.reminders_send() == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_registration_made_after_the_reminders_went_out_gets_one_too(django_capture_on_commit_callbacks):
    event = EventFactory(starts_at=timezone.now() + datetime.timedelta(days=1))
    RegistrationFactory(event=event)
    with django_capture_on_commit_callbacks(execute=True):
        reminders.reminders_send()
    late = RegistrationFactory(event=event)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.reminders_send() == 1
    assert [m.to for m in mail.outbox][-1] == [late.person.email]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_beat_runs_at_once_remind_each_person_once():
    """On PostgreSQL: concurrent runs lock rows with SKIP LOCKED and split the work."""
    assert connection.vendor == "postgresql"
    event = EventFactory(starts_at=timezone.now() + datetime.timedelta(days=1))
    for _ in range(60):
        RegistrationFactory(event=event)
    results, errors = [], []
    barrier = threading.Barrier(4)

    def run():
        try:
            barrier.wait()
            results.append(reminders.reminders_send(batch=7))
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(results) == 60
    assert OutgoingMail.objects.filter(kind="events.reminder").count() == 60
    assert OutgoingMail.objects.filter(kind="events.reminder").values("to").distinct().count() == 60
    assert not Registration.objects.filter(reminder_sent_at__isnull=True).exists()
