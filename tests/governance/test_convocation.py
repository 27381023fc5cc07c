"""The convocation of an ALV to the member municipalities' designated people, responses and
reminders, and the short mail about documents added after publication."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from governance.board import convocation
from governance.board import services as board_services
from governance.models import ConvocationRecipient, LateDocumentNotice, Meeting
from members.models import Person
from tests.events.staff_factories import EventFactory, RegistrationFactory
from tests.factories import MemberFactory, MunicipalityFactory
from vzhg.errors import ServiceError
from vzhg.mail.models import OutgoingMail

from .conftest import add_pdf, make_meeting

pytestmark = pytest.mark.django_db

Function = Person.Function


@pytest.fixture
def municipalities(db):
    """Three member municipalities, each with a burgemeester, a griffier and a policy officer;
    and a former member with a griffier (never convoked)."""
    towns = [MunicipalityFactory() for _ in range(3)]
    for town in towns:
        for function in (Function.BURGEMEESTER, Function.GRIFFIER, Function.BELEIDSMEDEWERKER):
            MemberFactory(organisation=town, function=function)
    former = MunicipalityFactory(member_until="2020-01-01")
    MemberFactory(organisation=former, function=Function.GRIFFIER)
    return towns


@pytest.fixture
def alv(bodies, municipalities):
    meeting = make_meeting(bodies["alv"], days=30, status=Meeting.Status.CONCEPT, items=2)
    meeting.event = EventFactory(kind="alv_congress")
    meeting.save()
    return meeting


def publish(meeting, capture):
    with capture(execute=True):
        return board_services.meeting_publish(meeting=meeting)


def test_publishing_an_alv_convokes_the_burgemeester_and_griffier_of_every_member(
    alv, municipalities, django_capture_on_commit_callbacks
):
    publish(alv, django_capture_on_commit_callbacks)
    rows = ConvocationRecipient.objects.filter(meeting=alv, kind="convocation", round=1)
    assert rows.count() == 6
    assert set(rows.values_list("person__function", flat=True)) == {Function.BURGEMEESTER, Function.GRIFFIER}
    assert set(rows.values_list("organisation", flat=True)) == {town.pk for town in municipalities}
    mails = OutgoingMail.objects.filter(kind="governance.meeting.convocation")
    assert mails.count() == 6
    text = mails.first().body_text
    assert "Agendapunt 1" in text and alv.event.get_absolute_url() in text


def test_the_convocation_greets_a_burgemeester_formally(
    alv, municipalities, django_capture_on_commit_callbacks
):
    mayor = Person.objects.get(organisation=municipalities[0], function=Function.BURGEMEESTER)
    Person.objects.filter(pk=mayor.pk).update(salutation="mevrouw", tussenvoegsel="van", last_name="Dam")
    publish(alv, django_capture_on_commit_callbacks)
    mail = OutgoingMail.objects.get(kind="governance.meeting.convocation", to=mayor.email)
    assert mail.body_text.startswith("Dear Ms Van Dam,")  # the test settings speak English
    assert "<p>Dear Ms Van Dam,</p>" in mail.body_html


def test_the_convocation_is_sent_once_however_often_the_task_runs(alv, django_capture_on_commit_callbacks):
    publish(alv, django_capture_on_commit_callbacks)
    again = convocation.meeting_convocation_send(meeting_id=alv.pk, kind="convocation", round=1)
    assert again == 0
    assert OutgoingMail.objects.filter(kind="governance.meeting.convocation").count() == 6
    row = ConvocationRecipient.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        ConvocationRecipient.objects.create(
            meeting=alv, organisation=row.organisation, person=row.person, kind=row.kind, round=row.round
        )


def test_the_functions_convoked_are_a_setting(alv, settings, django_capture_on_commit_callbacks):
    settings.GOVERNANCE_CONVOCATION_FUNCTIONS = [Function.GRIFFIER]
    publish(alv, django_capture_on_commit_callbacks)
    assert set(ConvocationRecipient.objects.values_list("person__function", flat=True)) == {Function.GRIFFIER}
    assert ConvocationRecipient.objects.count() == 3


def test_other_bodies_are_not_convoked(bodies, municipalities, django_capture_on_commit_callbacks):
    meeting = make_meeting(bodies["ab"], status=Meeting.Status.CONCEPT)
    publish(meeting, django_capture_on_commit_callbacks)
    assert not ConvocationRecipient.objects.exists()


def test_the_notice_period_still_refuses_a_late_publication(alv):
    alv.items.update(kind="statutenwijziging")
    alv.starts_at = timezone.now() + datetime.timedelta(days=3)
    alv.save()
    with pytest.raises(ServiceError):
        board_services.meeting_publish(meeting=alv)
    assert not ConvocationRecipient.objects.exists()


def test_responses_and_a_reminder_to_only_those_who_did_not_respond(
    alv, municipalities, django_capture_on_commit_callbacks
):
    publish(alv, django_capture_on_commit_callbacks)
    first, second, third = municipalities
    RegistrationFactory(event=alv.event, person=MemberFactory(organisation=first))
    RegistrationFactory(event=alv.event, person=MemberFactory(organisation=second), status="cancelled")
    responses = convocation.meeting_responses(meeting=alv)
    assert responses.responded == [first]
    assert {town.pk for town in responses.waiting} == {second.pk, third.pk}
    assert responses.total == 3

    with django_capture_on_commit_callbacks(execute=True):
        assert convocation.meeting_convocation_remind(meeting=alv) == 2
    reminded = ConvocationRecipient.objects.filter(kind="reminder", round=1)
    assert set(reminded.values_list("organisation", flat=True)) == {second.pk, third.pk}
    assert reminded.count() == 4
    # The same round once more sends nothing; the next reminder is a new round.
    assert (
        convocation.meeting_convocation_send(
            meeting_id=alv.pk, kind="reminder", round=1, organisation_ids=[second.pk, third.pk]
        )
        == 0
    )
    with django_capture_on_commit_callbacks(execute=True):
        convocation.meeting_convocation_remind(meeting=alv)
    assert ConvocationRecipient.objects.filter(kind="reminder", round=2).count() == 4
    assert OutgoingMail.objects.filter(kind="governance.convocation.reminder").count() == 8


def test_a_reminder_needs_a_published_alv_with_an_event(alv):
    with pytest.raises(ServiceError):
        convocation.meeting_convocation_remind(meeting=alv)


def test_a_late_document_tells_those_who_got_the_notice_once_naming_it(
    bodies, people, django_capture_on_commit_callbacks
):
    meeting = make_meeting(bodies["ab"], status=Meeting.Status.CONCEPT)
    add_pdf(meeting.items.first())  # before publication: no mail
    assert not LateDocumentNotice.objects.exists()
    publish(meeting, django_capture_on_commit_callbacks)
    noticed = OutgoingMail.objects.filter(kind="governance.meeting.published").count()
    assert noticed == 2
    late = add_pdf(meeting.items.last(), title="Nagekomen begroting")
    mails = OutgoingMail.objects.filter(kind="governance.documents.added")
    assert mails.count() == noticed
    assert "Nagekomen begroting" in mails.first().body_text
    assert OutgoingMail.objects.filter(kind="governance.meeting.published").count() == noticed
    assert convocation.late_document_notify(document=late) == 0
    notice = LateDocumentNotice.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        LateDocumentNotice.objects.create(document=late, person=notice.person)


def test_a_replaced_document_says_it_changed(bodies, people, django_capture_on_commit_callbacks):
    from governance.board import documents

    from .conftest import pdf_upload

    meeting = make_meeting(bodies["db"], status=Meeting.Status.CONCEPT)
    first = add_pdf(meeting.items.first(), title="Begroting")
    publish(meeting, django_capture_on_commit_callbacks)
    documents.document_add(item=first.item, title="Begroting", uploaded=pdf_upload(), replaces=first)
    mail = OutgoingMail.objects.get(kind="governance.documents.added")
    assert "v2" in mail.body_text and "Begroting" in mail.body_text


def test_a_late_document_on_an_alv_reaches_the_convoked_people(alv, django_capture_on_commit_callbacks):
    publish(alv, django_capture_on_commit_callbacks)
    add_pdf(alv.items.first())
    assert LateDocumentNotice.objects.count() == 6


def test_a_convocation_the_broker_lost_is_handed_over_again_by_the_sweep(
    alv, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):  # the broker never heard of it
        board_services.meeting_publish(meeting=alv)
    alv.refresh_from_db()
    assert not ConvocationRecipient.objects.exists()
    assert convocation.convocations_sweep(now=alv.published_at) == 0  # too early
    later = alv.published_at + datetime.timedelta(minutes=3)
    assert convocation.convocations_sweep(now=later) == 1
    assert ConvocationRecipient.objects.count() == 6
    assert convocation.convocations_sweep(now=later) == 0  # complete: nothing to hand over


@pytest.mark.parametrize("towns", [3, 12])
def test_sending_the_convocation_costs_the_same_queries_per_person(bodies, towns, django_assert_num_queries):
    for _ in range(towns):
        MemberFactory(organisation=MunicipalityFactory(), function=Function.GRIFFIER)
    meeting = make_meeting(bodies["alv"], days=30, items=2)
    # savepoint, meeting, rows already sent, agenda items, documents, people, release; then per
    # person its outbox row and its convocation row
    with django_assert_num_queries(7 + 2 * towns):
        assert (
            convocation.meeting_convocation_send(meeting_id=meeting.pk, kind="convocation", round=1) == towns
        )
