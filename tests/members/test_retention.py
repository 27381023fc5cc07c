"""Retention reaches the history tables: a deleted person's every version is forgotten after
PEOPLE_DELETED_HISTORY_DAYS (issue 10, item 8)."""

import datetime

import pytest
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from members import tasks
from members.models import Person
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def _delete(person, *, days_ago: int) -> int:
    pk = person.pk
    person.first_name = "Gewijzigd"
    person.save()
    LogEntry.objects.create(
        user=UserFactory(),
        content_type=ContentType.objects.get_for_model(Person),
        object_id=str(pk),
        object_repr=str(person),
        action_flag=DELETION,
    )
    person.delete()
    Person.history.model.objects.filter(id=pk, history_type="-").update(
        history_date=timezone.now() - datetime.timedelta(days=days_ago)
    )
    return pk


def test_the_history_of_people_deleted_long_ago_is_removed(settings):
    settings.PEOPLE_DELETED_HISTORY_DAYS = 30
    old = _delete(PersonFactory(last_name="Vergeten", phone="0612345678"), days_ago=31)
    recent = _delete(PersonFactory(last_name="Recent"), days_ago=10)
    kept = PersonFactory(last_name="Blijft")
    history = Person.history.model
    assert history.objects.filter(id=old).count() == 3  # created, changed, deleted

    assert tasks.people_deleted_history_purge.delay().get() == 3

    assert not history.objects.filter(id=old).exists()
    assert not history.objects.filter(last_name="Vergeten").exists()
    assert history.objects.filter(id=recent).count() == 3
    assert history.objects.filter(id=kept.pk).exists()
    entry = LogEntry.objects.get(object_id=str(old))
    assert entry.object_repr == f"#{old}" and entry.action_flag == DELETION  # that it happened stays
    assert "Recent" in LogEntry.objects.get(object_id=str(recent)).object_repr
    assert settings.CELERY_BEAT_SCHEDULE["people-deleted-history-purge"]["task"] == (
        "members.tasks.people_deleted_history_purge"
    )
