"""Ranked workshop choices and the AVG: the person's export lists them in their order; forgetting
the person (deletion, or the retention job after the event) leaves choices that lead to no one,
and the allocation mails go with the registration's other mails."""

import datetime
import json

import pytest
from django.utils import timezone

from events import personal_data, retention, services, workshops
from events.models import AllocationRun, Event, Registration, WorkshopChoice
from members import services as member_services
from tests.factories import MemberFactory, UserFactory
from tests.members.test_retention import _delete as person_delete
from vzhg.mail.models import OutgoingMail

from .conftest import make_event, sessions_of

pytestmark = pytest.mark.django_db


def _ranked(person, **fields):
    event = make_event(rounds=2, sessions_per_round=3, workshop_ranks=2, **fields)
    (a, b, _c), (d, e, _f) = sessions_of(event)
    registration = services.registration_create(
        event=event, person=person, session_ids=[], ranking={a.round_id: [b.pk, a.pk], d.round_id: [e.pk]}
    )
    return event, registration


def test_my_data_export_lists_my_ranked_choices_in_order(client):
    member = MemberFactory()
    event, _registration = _ranked(member)
    client.force_login(member.user)

    data = json.loads(client.get("/profiel/mijn-gegevens.json").content)

    (row,) = data["event_registrations"]
    assert row["event"] == event.title
    assert row["workshop_choices"] == [
        {"round": "Ronde 1", "rank": 1, "workshop": "Workshop 1.2"},
        {"round": "Ronde 1", "rank": 2, "workshop": "Workshop 1.1"},
        {"round": "Ronde 2", "rank": 1, "workshop": "Workshop 2.2"},
    ]
    assert row["workshops"] == ["Workshop 1.2", "Workshop 2.2"]  # what was assigned (direct mode)


@pytest.mark.parametrize("size", [2, 6])
def test_the_events_export_query_count_does_not_grow(django_assert_num_queries, size):
    member = MemberFactory()
    for _ in range(size):
        _ranked(member)
    # registrations (with events), assigned choices, their workshops, ranked choices, and (issue 15,
    # own questions) the answers with their questions: 4 -> 5, still flat in the registrations
    with django_assert_num_queries(5):
        rows = personal_data.export(person=member, addresses=set())["event_registrations"]
    assert sum(len(row["workshop_choices"]) for row in rows) == 3 * size


def test_a_deleted_persons_choices_lead_to_no_one(settings):
    settings.PEOPLE_DELETED_HISTORY_DAYS = 30
    person = MemberFactory(last_name="Vergeten")
    _event, registration = _ranked(person)
    pk = person_delete(person, days_ago=31)

    member_services.people_deleted_history_purge()

    registration.refresh_from_db()
    assert registration.person_id is None and registration.remarks == ""
    assert not Registration.history.filter(person_id=pk).exists()
    # the choices stay for the counts, and point only at the anonymous registration
    assert WorkshopChoice.objects.filter(registration=registration).count() == 3
    assert {f.name for f in WorkshopChoice._meta.concrete_fields} == {
        "id",
        "registration",
        "session",
        "round",
        "rank",
        "created_at",
    }


def test_retention_after_the_event_also_clears_the_allocation_mails(django_capture_on_commit_callbacks):
    person = MemberFactory(last_name="Oud")
    starts = timezone.now() + datetime.timedelta(days=7)
    event, registration = _ranked(
        person,
        workshop_allocation=Event.WorkshopAllocation.AFTER_CLOSING,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
    )
    actor = UserFactory(is_staff=True)
    run = workshops.workshop_allocation_run(event=event, actor=actor, seed=1)
    workshops.workshop_allocation_apply(run=run, actor=actor)
    with django_capture_on_commit_callbacks(execute=True):  # the worker's task runs after commit
        workshops.workshop_allocation_send(run=run, actor=actor)
    mail = OutgoingMail.objects.get(kind="events.workshop.allocated")
    assert person.email in mail.to

    later = event.ends_at + datetime.timedelta(days=800)
    assert retention.registrations_anonymise(now=later) == 1

    mail.refresh_from_db()
    assert person.email not in mail.to and "Oud" not in mail.subject + mail.body_text
    registration.refresh_from_db()
    assert registration.person_id is None
    assert str(registration.pk) in AllocationRun.objects.get(pk=run.pk).result  # ids only
