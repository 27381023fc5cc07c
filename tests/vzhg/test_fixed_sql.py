"""vzhg/fixed_sql.py's INSERT: the rows save() would store, in one statement; save() itself where
the model has its own save() or receivers that must hear of it."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from events.models import Registration, SessionChoice
from tests.events.conftest import make_event, sessions_of
from tests.factories import MemberFactory
from vzhg.fixed_sql import fixed_insert
from vzhg.mail.models import OutgoingMail

pytestmark = pytest.mark.django_db


def test_one_row_is_what_save_stores():
    mine = OutgoingMail(
        kind="test.kind", to="lid@delft.nl", subject="Aanmelding", body_text="", build={"a": 1}
    )
    theirs = OutgoingMail(
        kind="test.kind", to="lid@delft.nl", subject="Aanmelding", body_text="", build={"a": 1}
    )
    with CaptureQueriesContext(connection) as queries:
        fixed_insert([mine])
    theirs.save()
    assert len(queries) == 1 and queries[0]["sql"].startswith('INSERT INTO "mail_outgoingmail"')
    assert mine.pk is not None and mine._state.adding is False and mine._state.db == "default"
    assert mine.created_at is not None  # auto_now_add, as save() sets it
    stored, expected = OutgoingMail.objects.get(pk=mine.pk), OutgoingMail.objects.get(pk=theirs.pk)
    for field in OutgoingMail._meta.concrete_fields:
        if field.name not in ("id", "created_at"):
            assert getattr(stored, field.attname) == getattr(expected, field.attname), field.name
    assert stored.created_at == mine.created_at and stored.headers == {} and stored.build == {"a": 1}


def test_many_rows_in_one_statement_keep_their_order_and_constraints():
    event = make_event(rounds=2)
    first, second = (round_[0] for round_ in sessions_of(event))
    registration = Registration.objects.create(event=event, person=MemberFactory())
    choices = [
        SessionChoice(registration=registration, session=s, round_id=s.round_id) for s in (first, second)
    ]
    with CaptureQueriesContext(connection) as queries:
        fixed_insert(choices)
    assert len(queries) == 1
    assert [SessionChoice.objects.get(pk=c.pk).session_id for c in choices] == [first.pk, second.pk]
    with pytest.raises(IntegrityError), transaction.atomic():  # one per round, as with the ORM
        fixed_insert([SessionChoice(registration=registration, session=first, round_id=first.round_id)])
    fixed_insert([])  # nothing, no query


def test_a_model_with_receivers_has_them_run():
    """Registration has simple_history's post_save receiver: the history row is written."""
    event = make_event()
    registration = Registration(event=event, person=MemberFactory(), status=Registration.Status.CONFIRMED)
    fixed_insert([registration])
    assert registration.pk is not None
    assert registration.history.count() == 1


def test_signals_are_sent_as_save_sends_them():
    """pre_save before the INSERT (its changes stored), post_save after it with created=True."""
    from django.db.models import signals

    heard = []

    def before(sender, instance, **kwargs):
        heard.append(("pre", instance.pk, kwargs["update_fields"]))
        instance.subject = "Gewijzigd vóór het opslaan"

    def after(sender, instance, created, **kwargs):
        heard.append(("post", instance.pk, created))

    signals.pre_save.connect(before, sender=OutgoingMail)
    signals.post_save.connect(after, sender=OutgoingMail)
    try:
        mail = OutgoingMail(kind="test.kind", to="lid@delft.nl", subject="Aanmelding", body_text="")
        fixed_insert([mail])
    finally:
        signals.pre_save.disconnect(before, sender=OutgoingMail)
        signals.post_save.disconnect(after, sender=OutgoingMail)
    assert heard == [("pre", None, None), ("post", mail.pk, True)]
    assert OutgoingMail.objects.get(pk=mail.pk).subject == "Gewijzigd vóór het opslaan"


def test_history_rows_are_what_simple_history_writes_through_the_orm(django_assert_num_queries, monkeypatch):
    """A history row written by fixed SQL (vzhg.history) equals the one the ORM's save() writes,
    with the request's user, the reason and the type."""
    from vzhg.history import history_note

    event = make_event()
    actor = MemberFactory().user
    fast = Registration(event=event, person=MemberFactory(), status=Registration.Status.CONFIRMED)
    history_note(fast, actor=actor, reason="Aangemeld door het secretariaat")
    with django_assert_num_queries(2):  # the row and its history row
        fixed_insert([fast])
    from django.db import models

    with monkeypatch.context() as patch:  # simple_history's own path: the ORM's save() for both rows
        patch.setattr(Registration.history.model, "save", models.Model.save)
        slow = Registration(event=event, person=MemberFactory(), status=Registration.Status.CONFIRMED)
        history_note(slow, actor=actor, reason="Aangemeld door het secretariaat")
        slow.save()
    mine, theirs = fast.history.get(), slow.history.get()
    for field in type(mine)._meta.concrete_fields:
        if field.name not in ("history_id", "id", "person", "history_date", "created_at", "updated_at"):
            assert getattr(mine, field.attname) == getattr(theirs, field.attname), field.name
    assert mine.id == fast.pk and mine.history_type == "+" and mine.history_user == actor
    assert mine.history_change_reason == "Aangemeld door het secretariaat"
    fast.status = Registration.Status.CANCELLED
    fast.save()  # a change: the ORM's UPDATE, a history row by fixed SQL
    assert [h.history_type for h in fast.history.order_by("history_id")] == ["+", "~"]


def test_a_new_row_unless_the_unique_one_is_there():
    """fixed_insert_new: one INSERT … ON CONFLICT DO NOTHING; on a conflict nothing is written,
    no history row, no error (the transaction goes on without a savepoint), and False."""
    from vzhg.fixed_sql import fixed_insert_new

    event, person = make_event(), MemberFactory()
    unique = "registration_event_person_unique"
    first = Registration(event=event, person=person, organisation=person.organisation)
    with CaptureQueriesContext(connection) as queries:
        assert fixed_insert_new(first, unique=unique) is True
    assert first.pk is not None and first._state.adding is False
    inserts = [q["sql"] for q in queries.captured_queries]
    assert "ON CONFLICT" in inserts[0] and len(inserts) == 2  # the row, its history row
    assert Registration.history.filter(id=first.pk).count() == 1

    again = Registration(event=event, person=person, status=Registration.Status.WAITLISTED)
    with transaction.atomic():
        assert fixed_insert_new(again, unique=unique) is False
        assert again.pk is None and again._state.adding is True
        assert Registration.objects.filter(event=event).count() == 1  # the transaction goes on
    assert Registration.objects.get(event=event).status == Registration.Status.CONFIRMED
    assert Registration.history.filter(event_id=event.pk).count() == 1

    # The constraint's condition (person not empty): rows without a person never conflict.
    for _ in range(2):
        assert fixed_insert_new(Registration(event=event, person=None, walk_in=True), unique=unique)
    assert Registration.objects.filter(event=event, person=None).count() == 2


def test_a_unique_constraint_with_values_in_its_condition_is_the_index_the_database_infers(monkeypatch):
    """The conflict target writes a condition's values in (the database infers the index from its
    text): with a partial unique index "one confirmed place per municipality" (created in this
    test's transaction as a migration creates it), a second confirmed row of the municipality is
    not written, a waiting one is."""
    from django.db import models

    from vzhg.fixed_sql import fixed_insert_new

    constraint = models.UniqueConstraint(
        fields=["event", "organisation"],
        condition=models.Q(status="confirmed", remarks__startswith="50%"),
        name="test_one_confirmed_per_town",
    )
    monkeypatch.setattr(Registration._meta, "constraints", [*Registration._meta.constraints, constraint])
    ddl = constraint.create_sql(Registration, connection.SchemaEditorClass(connection))
    with connection.cursor() as cursor:
        cursor.execute(str(ddl))
    event, first = make_event(), MemberFactory()

    def insert(person, status) -> bool:
        row = Registration(
            event=event, person=person, organisation=first.organisation, status=status, remarks="50% vegan"
        )
        return fixed_insert_new(row, unique=constraint.name)

    assert insert(first, Registration.Status.CONFIRMED) is True
    assert insert(MemberFactory(organisation=first.organisation), Registration.Status.CONFIRMED) is False
    assert insert(MemberFactory(organisation=first.organisation), Registration.Status.WAITLISTED) is True
    assert Registration.objects.filter(event=event).count() == 2
