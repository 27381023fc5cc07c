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


def test_a_model_with_receivers_is_saved_by_save():
    """Registration has simple_history's post_save receiver: the history row is written."""
    event = make_event()
    registration = Registration(event=event, person=MemberFactory(), status=Registration.Status.CONFIRMED)
    fixed_insert([registration])
    assert registration.pk is not None
    assert registration.history.count() == 1
