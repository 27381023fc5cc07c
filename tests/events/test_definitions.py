"""The registration POST's kept event definitions (events/definitions.py, issue 15 "fast under a
rush"): the second POST for an event reads its event, rounds and questions from the rows the
process keeps, and no change to any of them is ever decided on from a kept row."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events import definitions
from events.models import Event, Question, Registration, Round, Session
from tests.factories import MemberFactory

from .conftest import make_event, sessions_of
from .test_registration_queries import REGISTRATION_POST_QUERIES

pytestmark = pytest.mark.django_db

# The event row, its rounds with workshops and its questions: three reads the kept rows save.
KEPT_POST_QUERIES = REGISTRATION_POST_QUERIES - 3


def _post(client, event, person, data):
    client.force_login(person.user)
    return client.post(reverse("events:register", args=[event.slug]), data)


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _status(event, person) -> str:
    return Registration.objects.get(event=event, person=person).status


def test_the_second_post_reads_the_event_from_the_kept_rows(english):
    event = make_event(rounds=2, sessions_per_round=2, session_capacity=50, capacity=500)
    rounds = sessions_of(event)
    data = {"round_1": rounds[0][0].pk, "round_2": rounds[1][1].pk, "remarks": ""}
    assert _post(english, event, MemberFactory(), data).status_code == 302  # reads and keeps
    second = MemberFactory()
    english.force_login(second.user)

    with CaptureQueriesContext(connection) as queries:
        response = english.post(reverse("events:register", args=[event.slug]), data)

    assert response.status_code == 302
    assert _status(event, second) == Registration.Status.CONFIRMED
    assert list(
        Registration.objects.get(event=event, person=second).choices.values_list("session", flat=True)
    ) == [rounds[0][0].pk, rounds[1][1].pk]
    assert len(queries) == KEPT_POST_QUERIES


def test_an_event_whose_row_changed_is_decided_on_the_new_row(english):
    """The kept row said 5 places; the secretariat set 1 (one taken): the second member waits."""
    event = make_event(capacity=5)
    assert _post(english, event, MemberFactory(), {"remarks": ""}).status_code == 302
    Event.objects.filter(pk=event.pk).update(capacity=1)  # even without save() and its signals
    second = MemberFactory()

    response = _post(english, event, second, {"remarks": ""})

    assert response.status_code == 302
    assert _status(event, second) == Registration.Status.WAITLISTED


@pytest.mark.parametrize("change", ["save", "delete"])
def test_a_workshop_changed_after_the_rows_were_kept_is_decided_afresh(english, change):
    """A workshop's capacity lowered (or the workshop removed) through its save(): the event row
    is touched, the kept rows are not used for the decision."""
    event = make_event(rounds=1, sessions_per_round=2, session_capacity=5)
    first, other = sessions_of(event)[0]
    other_pk = other.pk
    assert _post(english, event, MemberFactory(), {"round_1": first.pk, "remarks": ""}).status_code == 302
    if change == "save":
        first.capacity = 1
        first.save()
    else:
        other.delete()
    second = MemberFactory()

    response = _post(english, event, second, {"round_1": other_pk if change == "save" else first.pk})

    if change == "save":  # the other workshop still has room
        assert _status(event, second) == Registration.Status.CONFIRMED
        third = MemberFactory()
        assert _post(english, event, third, {"round_1": first.pk}).status_code == 302
        assert _status(event, third) == Registration.Status.WAITLISTED
    else:
        assert response.status_code == 302 and _status(event, second) == Registration.Status.CONFIRMED
        gone = MemberFactory()
        refused = _post(english, event, gone, {"round_1": other_pk})  # the removed workshop
        assert refused.status_code == 200
        assert "Choose one of the workshops of Ronde 1." in refused.content.decode()
        assert not Registration.objects.filter(event=event, person=gone).exists()


def test_a_question_added_after_the_rows_were_kept_is_asked(english):
    event = make_event()
    assert _post(english, event, MemberFactory(), {"remarks": ""}).status_code == 302
    Question.objects.create(
        event=event, label="Blijft u voor de lunch?", kind=Question.Kind.YES_NO, required=True, order=1
    )
    second = MemberFactory()

    response = _post(english, event, second, {"remarks": ""})

    assert response.status_code == 200
    assert "Blijft u voor de lunch?" in response.content.decode()
    assert not Registration.objects.filter(event=event, person=second).exists()


def test_a_round_added_after_the_rows_were_kept_must_be_chosen(english):
    event = make_event(rounds=1, sessions_per_round=1)
    [[only]] = sessions_of(event)
    assert _post(english, event, MemberFactory(), {"round_1": only.pk}).status_code == 302
    extra = Round.objects.create(event=event, number=2, title="Ronde 2")
    Session.objects.create(round=extra, title="Workshop 2.1")
    second = MemberFactory()

    response = _post(english, event, second, {"round_1": only.pk})

    assert response.status_code == 200
    assert not Registration.objects.filter(event=event, person=second).exists()


@pytest.mark.parametrize("how", ["withdrawn", "deleted"])
def test_an_event_gone_after_the_rows_were_kept_is_not_found(english, how):
    event = make_event()
    assert _post(english, event, MemberFactory(), {"remarks": ""}).status_code == 302
    if how == "withdrawn":
        Event.objects.filter(pk=event.pk).update(status=Event.Status.DRAFT)
    else:
        Event.objects.filter(pk=event.pk).delete()

    assert _post(english, event, MemberFactory(), {"remarks": ""}).status_code == 404


def test_a_refusal_is_never_based_on_kept_rows(english):
    """The kept rows say the registration is closed; it was opened again meanwhile through a
    change the lock never sees (no registration was attempted): the page reads afresh."""
    from django.utils import timezone

    event = make_event(registration_closes_at=timezone.now() + timezone.timedelta(days=1))
    assert _post(english, event, MemberFactory(), {"remarks": ""}).status_code == 302
    kept = definitions.event_definition(slug=event.slug)
    assert kept is not None and kept.kept
    later = MemberFactory()
    Event.objects.filter(pk=event.pk).update(
        registration_closes_at=timezone.now() - timezone.timedelta(hours=1)
    )
    refused = _post(english, event, later, {"remarks": ""})
    assert refused.status_code == 200 and "closed" in refused.content.decode()
    Event.objects.filter(pk=event.pk).update(
        registration_closes_at=timezone.now() + timezone.timedelta(days=1)
    )

    response = _post(english, event, later, {"remarks": ""})

    assert response.status_code == 302
    assert _status(event, later) == Registration.Status.CONFIRMED


def test_the_kept_rows_give_each_request_its_own_instances():
    event = make_event(rounds=1, sessions_per_round=2)
    Question.objects.create(event=event, label="Parkeren", kind=Question.Kind.TEXT, order=1)
    first = definitions.event_definition(slug=event.slug)
    second = definitions.event_definition(slug=event.slug)

    assert first is not None and second is not None
    assert not first.kept and second.kept
    assert first.event is not second.event and definitions.same_event(first.event, second.event)
    ones, twos = list(first.event.rounds.all()), list(second.event.rounds.all())
    assert [s.pk for r in ones for s in r.sessions.all()] == [s.pk for r in twos for s in r.sessions.all()]
    assert ones[0] is not twos[0] and ones[0].sessions.all()[0] is not twos[0].sessions.all()[0]
    assert [q.label for q in second.questions] == ["Parkeren"]
    assert first.questions[0] is not second.questions[0]


def test_changes_to_rounds_workshops_and_questions_touch_the_event():
    event = make_event(rounds=1, sessions_per_round=1)
    [[workshop]] = sessions_of(event)
    stamps = [Event.objects.get(pk=event.pk).updated_at]

    def touched() -> bool:
        stamps.append(Event.objects.get(pk=event.pk).updated_at)
        return stamps[-1] > stamps[-2]

    workshop.title = "Nieuw"
    workshop.save()
    assert touched()
    question = Question.objects.create(event=event, label="Lunch", kind=Question.Kind.YES_NO, order=1)
    assert touched()
    question.delete()
    assert touched()
    workshop.round.title = "Ochtend"
    workshop.round.save()
    assert touched()
    workshop.delete()
    assert touched()
    assert not Event.history.filter(id=event.pk).exclude(history_type="+").exists()  # no history rows


def test_a_registration_the_person_has_already_is_found_the_full_way(english):
    """The fast attempt does not read the person's registration: its INSERT writes nothing, and
    the full attempt says so; after a cancellation the same registration comes back (at the
    back of the waiting list, as before)."""
    from events import services

    event = make_event(capacity=5)
    person = MemberFactory()
    assert _post(english, event, person, {"remarks": ""}).status_code == 302
    registration = Registration.objects.get(event=event, person=person)

    again = _post(english, event, person, {"remarks": "nogmaals"})
    assert again.status_code == 302
    assert "You are already registered for this event." in [m.message for m in again.wsgi_request._messages]
    assert Registration.objects.filter(event=event, person=person).count() == 1
    assert Registration.objects.get(pk=registration.pk).remarks == ""

    services.registration_cancel(registration=registration)
    back = _post(english, event, person, {"remarks": "toch"})

    assert back.status_code == 302
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED and registration.remarks == "toch"
    assert Registration.objects.filter(event=event, person=person).count() == 1
