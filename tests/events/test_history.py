"""The audit trail of events and registrations: every change the secretariat makes (publish,
cancel, duplicate, check-in) leaves a history row naming who made it, through the admin and when a
service is called directly with the acting user; retention blanks the person in old versions too."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from events import lifecycle, retention, services
from events.models import Event, Registration
from members import services as member_services
from tests.events.staff_factories import EventFactory, RegistrationFactory
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat(client):
    user = UserFactory(is_staff=True, email="secretariaat@vzhg.nl")
    user.groups.add(member_services.secretariat_group_ensure())
    client.force_login(user)
    return user


def _latest(row):
    return row.history.order_by("-history_id").first()


def test_publish_through_the_admin_names_the_user(client, secretariat):
    draft = EventFactory(status=Event.Status.DRAFT)

    client.post(
        reverse("admin:events_event_changelist"),
        {"action": "publish_events", "_selected_action": [draft.pk]},
    )

    record = _latest(draft)
    assert record.status == Event.Status.PUBLISHED
    assert record.history_user == secretariat


def test_cancel_through_the_admin_names_the_user(client, secretariat, django_capture_on_commit_callbacks):
    event = EventFactory(status=Event.Status.PUBLISHED)
    RegistrationFactory(event=event)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:events_event_changelist"),
            {"action": "cancel_events", "_selected_action": [event.pk], "post": "yes"},
        )

    record = _latest(event)
    assert record.status == Event.Status.CANCELLED
    assert record.history_user == secretariat


def test_check_in_on_the_door_list_names_the_user(client, secretariat):
    registration = RegistrationFactory(status=Registration.Status.CONFIRMED)

    client.post(
        reverse("admin:events_event_checkin", args=[registration.event_id]),
        {"registration": registration.pk, "present": "1"},
    )

    record = _latest(registration)
    assert record.attended is True
    assert record.history_user == secretariat


def test_services_record_the_actor_outside_a_request():
    """A service called with the acting user (a command, a task, a test) names that user."""
    actor = UserFactory(is_staff=True)
    event = EventFactory(status=Event.Status.DRAFT)
    registration = RegistrationFactory(event=event, status=Registration.Status.CONFIRMED)

    lifecycle.event_publish(event=event, actor=actor)
    copy = lifecycle.event_duplicate(event=event, actor=actor)
    services.registration_check_in(registration=registration, actor=actor)

    assert _latest(event).history_user == actor
    assert _latest(copy).history_user == actor and _latest(copy).history_type == "+"
    assert _latest(registration).history_user == actor


def test_retention_blanks_the_person_and_remarks_in_the_history(settings):
    settings.EVENTS_RETENTION_MONTHS = 6
    ends = timezone.now() - datetime.timedelta(days=8 * 31)
    event = EventFactory(starts_at=ends - datetime.timedelta(hours=3), ends_at=ends)
    registration = RegistrationFactory(event=event, person=MemberFactory(), remarks="glutenvrij")
    services.registration_check_in(registration=registration, actor=None)
    assert registration.history.filter(person__isnull=False).exists()

    assert retention.registrations_anonymise() == 1

    assert registration.history.exists()
    assert not registration.history.filter(person__isnull=False).exists()
    assert not registration.history.exclude(remarks="").exists()
