"""Messages to a group: exactly once, one per address, merge fields, attachments."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from events.models import Registration
from members.models import Person
from messaging import services
from messaging.models import Message, MessageRecipient
from tests.events.staff_factories import EventFactory, RegistrationFactory
from tests.factories import MemberFactory, MunicipalityFactory, UserFactory
from tests.messaging.conftest import docx_upload, pdf_upload
from vzhg.errors import ServiceError
from vzhg.mail.models import OutgoingMail

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return UserFactory(is_staff=True)


@pytest.fixture
def event():
    return EventFactory(title="Voorjaarscongres")


def waitlist_message(event, staff, **fields):
    return services.message_create(
        audience="events.waitlist",
        source=f"events.event:{event.pk}",
        subject=fields.pop("subject", "Wachtlijst {evenement}"),
        body=fields.pop(
            "body", "{aanhef},\n\nU staat op de wachtlijst voor **{evenement}**: {mijn-aanmelding}"
        ),
        actor=staff,
        **fields,
    )


def test_send_queues_one_mail_per_recipient_with_the_salutation(
    event, staff, django_capture_on_commit_callbacks
):
    jansen = MemberFactory(first_name="Piet", last_name="Jansen", salutation="heer", function="burgemeester")
    vries = MemberFactory(
        first_name="Anna", tussenvoegsel="de", last_name="Vries", salutation="mevrouw", function="wethouder"
    )
    anna = MemberFactory(first_name="Anna", last_name="Bakker", function="beleidsmedewerker")
    for person in (jansen, vries, anna):
        RegistrationFactory(event=event, person=person, status=Registration.Status.WAITLISTED)
    RegistrationFactory(event=event)  # confirmed: not on the waiting list
    message = waitlist_message(event, staff, reply_to="congres@vzhg.nl")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.message_send(message_id=message.pk, actor=staff) == 3
    mails = {mail.to: mail for mail in OutgoingMail.objects.filter(kind="messaging.message.sent")}
    assert set(mails) == {jansen.email, vries.email, anna.email}
    assert mails[jansen.email].body_text.startswith("Geachte heer Jansen,")
    assert mails[vries.email].body_text.startswith("Geachte mevrouw De Vries,")
    assert mails[anna.email].body_text.startswith("Beste Anna,")
    assert mails[anna.email].subject == "Wachtlijst Voorjaarscongres"
    assert "<strong>Voorjaarscongres</strong>" in mails[anna.email].body_html
    assert mails[anna.email].headers["Reply-To"] == "congres@vzhg.nl"
    assert mails[anna.email].reference == f"messaging.message:{message.pk}"
    message.refresh_from_db()
    assert message.status == Message.Status.SENT and message.recipient_count == 3
    assert MessageRecipient.objects.filter(message=message, mail__isnull=False).count() == 3


def test_a_second_send_is_refused_and_sends_nothing(event, staff, django_capture_on_commit_callbacks):
    RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)
    message = waitlist_message(event, staff)
    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(message_id=message.pk, actor=staff)
    with pytest.raises(ServiceError) as refusal:
        services.message_send(message_id=message.pk, actor=staff)
    assert refusal.value.code == "already_sent"
    assert OutgoingMail.objects.filter(kind="messaging.message.sent").count() == 1


def test_one_mail_per_address_and_none_without(event, staff, django_capture_on_commit_callbacks):
    """A person in two audiences' reach, or chosen twice, gets one mail; no address, no mail; a
    second MessageRecipient for the same address cannot exist (constraint)."""
    person = MemberFactory(email="info@gouda.nl")
    message = services.message_create(audience="people", subject="Hallo", body="{aanhef}", actor=staff)
    message.people.set([person])
    message.people.add(person)
    without_address = MemberFactory()
    Person.objects.filter(pk=without_address.pk).update(email="")
    message.people.add(without_address)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.message_send(message_id=message.pk, actor=staff) == 1
    assert list(OutgoingMail.objects.values_list("to", flat=True)) == ["info@gouda.nl"]
    from django.db import IntegrityError

    with pytest.raises(IntegrityError), transaction.atomic():
        MessageRecipient.objects.create(message=message, email="info@gouda.nl")


def test_unknown_merge_field_is_refused(event, staff):
    with pytest.raises(ValidationError) as error:
        waitlist_message(event, staff, body="Beste {voornam}")
    assert "{voornam}" in str(error.value)
    with pytest.raises(ValidationError):  # {evenement} only in a message about an event
        services.message_create(audience="people", subject="{evenement}", body="x", actor=staff)


def test_municipalities_not_reached(event, staff):
    from messaging.selectors import message_recipients, municipalities_not_reached

    reached = MunicipalityFactory(name="Gouda")
    missed = MunicipalityFactory(name="Delft")
    RegistrationFactory(event=event, person=MemberFactory(organisation=reached), status="waitlisted")
    message = waitlist_message(event, staff)
    names = [o.name for o in municipalities_not_reached(people=message_recipients(message=message))]
    assert missed.name in names and reached.name not in names


def test_event_audiences(event, staff):
    from messaging.selectors import message_people

    here = RegistrationFactory(event=event, attended=True).person
    away = RegistrationFactory(event=event).person
    municipality = MunicipalityFactory()
    mayor = MemberFactory(organisation=municipality, function="burgemeester")
    MemberFactory(organisation=municipality, function="beleidsmedewerker")

    def people(audience):
        message = services.message_create(
            audience=audience, source=f"events.event:{event.pk}", subject="x", body="x", actor=staff
        )
        return set(message_people(message=message))

    assert people("events.attended") == {here}
    assert people("events.no_show") == {away}
    assert people("events.confirmed") == {here, away}
    assert mayor in people("events.not_registered")
    assert here not in people("events.not_registered")


def test_attachments_are_checked_and_capped(staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    message = services.message_create(audience="people", subject="Stukken", body="Zie bijlage", actor=staff)
    services.attachment_add(message=message, uploaded=pdf_upload())
    services.attachment_add(message=message, uploaded=docx_upload())
    with pytest.raises(ServiceError):
        services.attachment_add(message=message, uploaded=docx_upload(main=b"something.else"))
    with pytest.raises(ServiceError):
        services.attachment_add(message=message, uploaded=SimpleUploadedFile("x.pdf", b"MZ..."))
    with pytest.raises(ServiceError) as refusal:
        services.attachment_add(
            message=message, uploaded=pdf_upload(size=services.MAX_ATTACHMENTS_MB * 1024 * 1024)
        )
    assert refusal.value.code == "too_large"
    assert message.attachments.count() == 2


def test_attachments_travel_with_every_mail(staff, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    person = MemberFactory()
    message = services.message_create(audience="people", subject="Stukken", body="Zie bijlage", actor=staff)
    message.people.set([person])
    services.attachment_add(message=message, uploaded=pdf_upload())
    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(message_id=message.pk, actor=staff)
    [mail] = OutgoingMail.objects.filter(kind="messaging.message.sent")
    assert [a["filename"] for a in mail.attachments] == ["programma.pdf"]


def test_an_attachment_is_stored_once_and_read_when_each_mail_is_sent(
    staff, settings, tmp_path, mailoutbox, django_capture_on_commit_callbacks
):
    """Every outbox row names the message's file instead of carrying its bytes; the mail that
    leaves carries the file. A file gone from storage fails the row with the reason."""
    from vzhg.mail import services as mail_services

    settings.MEDIA_ROOT = tmp_path
    people = [MemberFactory() for _ in range(3)]
    message = services.message_create(audience="people", subject="Stukken", body="Zie bijlage", actor=staff)
    message.people.set(people)
    attachment = services.attachment_add(message=message, uploaded=pdf_upload())
    with django_capture_on_commit_callbacks(execute=False):  # the outbox rows, not yet their sends
        services.message_send(message_id=message.pk, actor=staff)
        from messaging.sending import message_deliver

        message_deliver(message_id=message.pk)
    mails = list(OutgoingMail.objects.filter(kind="messaging.message.sent").order_by("pk"))

    assert len(mails) == 3 and all("content" not in row for mail in mails for row in mail.attachments)
    assert mail_services.mail_send(mail_id=mails[0].pk) == OutgoingMail.Status.SENT
    [sent] = mailoutbox
    with attachment.file.open("rb") as handle:
        assert sent.attachments[0][1] == handle.read()

    attachment.file.storage.delete(attachment.file.name)
    assert mail_services.mail_send(mail_id=mails[1].pk) == OutgoingMail.Status.FAILED
    mails[1].refresh_from_db()
    assert "programma.pdf" in mails[1].error  # the reason names the file that is gone


def test_test_send_goes_to_the_addresses_only(event, staff):
    person = RegistrationFactory(event=event, status="waitlisted").person
    message = waitlist_message(event, staff)
    assert (
        services.message_test_send(
            message=message, as_person=person, addresses=["a@vzhg.nl", "A@vzhg.nl", "b@vzhg.nl"], actor=staff
        )
        == 2
    )
    assert set(OutgoingMail.objects.values_list("to", flat=True)) == {"a@vzhg.nl", "b@vzhg.nl"}
    assert all(s.startswith("[Test] ") for s in OutgoingMail.objects.values_list("subject", flat=True))
    message.refresh_from_db()
    assert message.status == Message.Status.DRAFT


def test_pasted_addresses():
    known = MemberFactory(email="wethouder@leiden.nl")
    people, unknown = services.people_from_addresses(text="Wethouder@Leiden.nl; onbekend@x.nl,\n<x>")
    assert people == [known] and unknown == ["onbekend@x.nl"]
