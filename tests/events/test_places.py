"""Registration under a rush (issue 15): the event lock is held for the decision only, the counts
it decides on are the rows' own (events/places.py) whatever changed them, and the mail always
tells the decision that was taken — also when the counts without the lock predicted otherwise."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from events import personal_data, retention, services, workshops
from events.models import Event, Registration
from events.places import Occupancy
from tests.factories import MemberFactory, MunicipalityFactory, PersonFactory, UserFactory
from vzhg.errors import ServiceError
from vzhg.mail.models import OutgoingMail

from .conftest import built, make_event, sessions_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def register(event, person=None, sessions=()):
    return services.registration_create(
        event=event, person=person or MemberFactory(), session_ids=[s.pk for s in sessions]
    )


def same_counts(event, towns, sessions):
    """The one-query count of a decision equals the full recount, for every town and workshop."""
    full = Occupancy.count(event=event)
    for town in [None, *towns]:
        organisation_id = town.pk if town else None
        fast = Occupancy.count_for(
            event=event, organisation_id=organisation_id, session_ids=[s.pk for s in sessions]
        )
        assert fast.event_total == full.event_total
        if town is not None:
            assert fast.event_by_org[town.pk] == full.event_by_org[town.pk]
        for session in sessions:
            assert fast.session_total[session.pk] == full.session_total[session.pk]
            if town is not None:
                assert (
                    fast.session_by_org[(session.pk, town.pk)] == full.session_by_org[(session.pk, town.pk)]
                )


def test_the_counts_of_a_decision_follow_every_kind_of_change():
    event = make_event(rounds=1, capacity=4, places_per_municipality=2, session_capacity=2)
    first, second = sessions_of(event)[0]
    towns = MunicipalityFactory.create_batch(2)
    people = [PersonFactory(organisation=towns[i % 2]) for i in range(7)]
    made = [register(event, person, [first if i % 3 else second]) for i, person in enumerate(people)]
    assert {r.status for r in made} == {Registration.Status.CONFIRMED, Registration.Status.WAITLISTED}
    same_counts(event, towns, [first, second])

    confirmed = [r for r in made if r.status == Registration.Status.CONFIRMED]
    services.registration_cancel(registration=confirmed[0])  # frees a place, promotes
    same_counts(event, towns, [first, second])

    holder = Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED).first()
    other = second if holder.choices.get().session_id == first.pk else first
    try:
        services.registration_change(registration=holder, session_ids=[other.pk])
    except ServiceError:
        pass  # the other workshop is full: nothing changed
    same_counts(event, towns, [first, second])

    # A row deleted by hand (a cascade, a data fix), a promotion, a person erased (AVG: the row
    # stays without person) and the retention job: nothing is stored, so nothing can drift.
    Registration.objects.filter(pk=confirmed[1].pk).delete()
    same_counts(event, towns, [first, second])
    services.registration_promote_waitlist(event=event)
    same_counts(event, towns, [first, second])
    erased = Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED).first().person
    erased_pk = erased.pk
    erased.delete()
    personal_data.forget(person_ids=[erased_pk])
    same_counts(event, towns, [first, second])
    retention.registrations_anonymise(now=event.ends_at + timedelta(days=800))
    same_counts(event, towns, [first, second])


def test_the_counts_follow_ranked_choices_and_the_allocation_after_closing():
    event = make_event(
        rounds=1,
        sessions_per_round=2,
        session_capacity=1,
        workshop_ranks=2,
        workshop_allocation=Event.WorkshopAllocation.AFTER_CLOSING,
    )
    first, second = sessions_of(event)[0]
    towns = MunicipalityFactory.create_batch(2)
    for i in range(3):
        services.registration_create(
            event=event,
            person=PersonFactory(organisation=towns[i % 2]),
            session_ids=[],
            ranking={first.round_id: [first.pk, second.pk]},
        )
    same_counts(event, towns, [first, second])
    run = workshops.workshop_allocation_run(event=event, actor=UserFactory(), seed=7)
    workshops.workshop_allocation_apply(run=run, actor=UserFactory())
    same_counts(event, towns, [first, second])


def test_under_the_event_lock_only_the_decision_is_made():
    """After the event row is locked: one count — no mail rendering, no outbox row, no reads of
    the person, the workshops or the rounds (they all come before the lock, the outbox row about
    the predicted outcome too)."""
    event = make_event(rounds=2, capacity=10)
    choice = [round_[0] for round_ in sessions_of(event)]
    register(event, sessions=choice)
    with CaptureQueriesContext(connection) as queries:
        registration = register(event, sessions=choice)
    assert registration.status == Registration.Status.CONFIRMED
    sql = [q["sql"] for q in queries.captured_queries]
    locked = next(i for i, q in enumerate(sql) if q.startswith('SELECT "events_event"') and "FOR UPDATE" in q)
    after = [q.split(" (")[0][:40] for q in sql[locked + 1 :] if not q.startswith(("SAVEPOINT", "RELEASE"))]
    assert len(after) == 1, after
    assert "COUNT(" in sql[locked + 1]
    assert any(q.startswith('INSERT INTO "mail_outgoingmail"') for q in sql[:locked])


def predicted(monkeypatch, occupancy: Occupancy) -> list:
    """The count without the lock (the first of a registration) gives `occupancy`, the count under
    the lock the real one; returns the calls made."""
    real = Occupancy.count_for.__func__
    calls: list = []

    def count_for(cls, **kwargs):
        calls.append(kwargs)
        return occupancy if len(calls) == 1 else real(cls, **kwargs)

    monkeypatch.setattr(Occupancy, "count_for", classmethod(count_for))
    return calls


def test_the_mail_tells_the_decision_when_the_prediction_was_wrong(monkeypatch):
    """The counts without the lock said "room" (someone cancelled meanwhile, say), the locked
    counts say "full": the person waits, and the mail says so (no calendar invitation)."""
    event = make_event(capacity=1)
    register(event)
    calls = predicted(monkeypatch, Occupancy())
    late = register(event)

    assert len(calls) == 2
    assert late.status == Registration.Status.WAITLISTED
    assert late.waitlist_reason == "event_full"
    late.refresh_from_db()
    assert late.status == Registration.Status.WAITLISTED and late.confirmed_at is None
    mails = OutgoingMail.objects.filter(to=late.person.email)
    assert mails.count() == 1
    assert mails.get().kind == "events.registration.waitlisted"
    assert mails.get().subject.startswith("Op de wachtlijst: ")  # the recipient's language
    sent = built(mails.get())
    assert sent.attachments == [] and "wachtlijst" in sent.body_text


def test_the_mail_tells_the_confirmation_when_the_prediction_was_full(monkeypatch):
    """The counts without the lock said "full", the locked counts say "room" (the last place was
    freed meanwhile, say): the person is confirmed, and the one mail confirms, with the invitation."""
    event = make_event(capacity=2)
    register(event)
    calls = predicted(monkeypatch, Occupancy(event_total=2))
    late = register(event)

    assert len(calls) == 2
    assert late.status == Registration.Status.CONFIRMED and late.waitlist_reason is None
    late.refresh_from_db()
    assert late.status == Registration.Status.CONFIRMED and late.confirmed_at is not None
    [mail] = OutgoingMail.objects.filter(to=late.person.email)
    assert mail.kind == "events.registration.confirmed"
    assert mail.subject.startswith("Aanmelding bevestigd: ")
    assert mail.build["status"] == Registration.Status.CONFIRMED and mail.build["reason"] is None
    sent = built(mail)
    assert "text/calendar" in str(sent.attachments)  # the calendar invitation (and the QR code)


def test_the_event_lock_reads_the_row_as_the_orm_does_and_only_in_a_transaction(django_assert_num_queries):
    """event_lock (fixed SQL, vzhg/fixed_sql.py) locks and reads the Event row in one query with
    every field as the ORM reads it; a deleted event is Event.DoesNotExist."""
    from django.db import transaction

    event = make_event(capacity=7)
    want = Event.objects.get(pk=event.pk)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        got = services.event_lock(event)
    assert len(queries) == 1 and queries[0]["sql"].rstrip().endswith("FOR UPDATE")
    for field in Event._meta.concrete_fields:
        assert getattr(got, field.attname) == getattr(want, field.attname), field.name
    assert got._state.adding is False
    Event.objects.filter(pk=event.pk).delete()
    with transaction.atomic(), pytest.raises(Event.DoesNotExist):
        services.event_lock(event)
