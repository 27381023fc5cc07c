"""The composer in the admin: from an event to the send page, preview, test, send once."""

import pytest
from django.urls import reverse

from events.models import Registration
from messaging.models import Message, MessageTemplate
from messaging.panels import compose_url
from tests.events.staff_factories import EventFactory, RegistrationFactory
from tests.factories import (
    MemberFactory,
    MunicipalityFactory,
    UserFactory,
    secretariat_user,
    staff_without_rights,
)
from tests.messaging.conftest import pdf_upload
from vzhg.mail.models import OutgoingMail

pytestmark = pytest.mark.django_db

FORMSET = {
    "attachments-TOTAL_FORMS": "1",
    "attachments-INITIAL_FORMS": "0",
    "attachments-MIN_NUM_FORMS": "0",
    "attachments-MAX_NUM_FORMS": "1000",
}


@pytest.fixture
def event():
    event = EventFactory(title="Najaarscongres")
    MunicipalityFactory(name="Alphen aan den Rijn")
    for name, salutation in (("Jansen", "heer"), ("Bakker", "mevrouw")):
        person = MemberFactory(last_name=name, salutation=salutation, function="burgemeester")
        RegistrationFactory(event=event, person=person, status=Registration.Status.WAITLISTED)
    return event


def compose(client, event, **data):
    url = compose_url(audience="events.waitlist", source=f"events.event:{event.pk}")
    payload = {
        "subject": "Wachtlijst {evenement}",
        "body": "{aanhef},\n\nEr is nog geen plaats.",
        "reply_to": "",
        "salutation_style": "auto",
        "audience": "events.waitlist",
        "source": f"events.event:{event.pk}",
        "_save": "1",
        **FORMSET,
        **data,
    }
    return client.post(url, payload)


def test_compose_preview_test_and_send_once(
    client, secretariat, event, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    colleague = secretariat_user(email="collega@vzhg.nl")
    bare_staff = staff_without_rights(email="beheer@vzhg.nl")
    page = client.get(compose_url(audience="events.waitlist", source=f"events.event:{event.pk}"))
    assert page.status_code == 200 and "de wachtlijst" in page.content.decode()
    response = compose(client, event, **{"attachments-0-file": pdf_upload()})
    message = Message.objects.get()
    send_url = reverse("admin:messaging_message_send", args=[message.pk])
    assert response.status_code == 302 and response["Location"] == send_url
    assert message.attachments.count() == 1 and message.created_by == secretariat

    bakker = message_recipient = next(
        p for p in event.registrations.all() if p.person.last_name == "Bakker"
    ).person
    page = client.get(send_url, {"as": bakker.pk}).content.decode()
    assert "2 ontvangers" in page
    assert "1 gemeente zonder ontvanger: Alphen aan den Rijn" in page
    assert "Geachte mevrouw Bakker" in page and "Wachtlijst Najaarscongres" in page
    # Colleagues are those who may read messages, not every admin log-in.
    assert colleague.email in page and bare_staff.email not in page

    client.post(
        send_url, {"test": "1", "as": message_recipient.pk, "to_me": "on", "colleagues": [colleague.pk]}
    )
    tests = OutgoingMail.objects.filter(kind="messaging.message.test")
    assert sorted(tests.values_list("to", flat=True)) == sorted([secretariat.email, "collega@vzhg.nl"])
    assert all("Geachte mevrouw Bakker" in mail.body_text for mail in tests)

    with django_capture_on_commit_callbacks(execute=True):  # the worker's part (inline here)
        response = client.post(send_url, {"send": "1"}, follow=True)
    assert "verstuurd aan 2 ontvangers" in response.content.decode()
    client.post(send_url, {"send": "1"})  # a second click
    sent = OutgoingMail.objects.filter(kind="messaging.message.sent")
    assert sent.count() == 2 and len({mail.to for mail in sent}) == 2
    page = client.get(send_url).content.decode()
    assert 'id="progress-queued"' in page or 'id="progress-sent"' in page

    # The event's page lists the message; the outbox links back to it.
    event_page = client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()
    assert reverse("admin:messaging_message_change", args=[message.pk]) in event_page
    mail_page = client.get(reverse("admin:mail_outgoingmail_change", args=[sent.first().pk])).content.decode()
    assert reverse("admin:messaging_message_change", args=[message.pk]) in mail_page
    person_page = client.get(reverse("admin:members_person_change", args=[bakker.pk])).content.decode()
    assert "Wachtlijst Najaarscongres" in person_page


def test_unknown_merge_field_is_refused_on_save(client, secretariat, event):
    response = compose(client, event, body="Beste {voornam}")
    assert response.status_code == 200
    assert "Onbekend samenvoegveld {voornam}" in response.content.decode()
    assert not Message.objects.exists()


def test_a_wrong_attachment_is_refused(client, secretariat, event, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    response = compose(client, event, **{"attachments-0-file": SimpleUploadedFile("stukken.pdf", b"MZ\x90")})
    assert response.status_code == 200 and "geen PDF" in response.content.decode()
    assert not Message.objects.exists()


def test_people_list_action_and_pasted_addresses(client, secretariat):
    chosen = MemberFactory()
    pasted = MemberFactory(email="griffier@leiden.nl")
    response = client.post(
        reverse("admin:members_person_changelist"),
        {"action": "message_to_people", "_selected_action": [chosen.pk]},
    )
    message = Message.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:messaging_message_change", args=[message.pk])
    change = reverse("admin:messaging_message_change", args=[message.pk])
    data = {
        "subject": "Hallo {voornaam}",
        "body": "{aanhef}",
        "salutation_style": "informal",
        "audience": "people",
        "source": "",
        "people": [chosen.pk],
        "_save": "1",
        **FORMSET,
    }
    refused = client.post(change, {**data, "pasted_addresses": "onbekend@x.nl"})
    assert "Niet bekend als persoon: onbekend@x.nl" in refused.content.decode()
    client.post(change, {**data, "pasted_addresses": "Griffier@Leiden.nl"})
    assert set(message.people.all()) == {chosen, pasted}


def test_template_fills_the_composer(client, secretariat, event):
    template = MessageTemplate.objects.create(name="Kort bericht", subject="Kort: {evenement}", body="x")
    page = client.get(
        compose_url(audience="events.waitlist", source=f"events.event:{event.pk}")
        + f"&template={template.pk}"
    ).content.decode()
    assert "Kort: {evenement}" in page


def test_staff_without_send_right_cannot_send(client, event):
    from django.contrib.auth.models import Permission

    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_message"))
    client.force_login(user)
    message = Message.objects.create(audience="people", subject="x", body="x")
    message.people.add(MemberFactory())
    response = client.post(reverse("admin:messaging_message_send", args=[message.pk]), {"send": "1"})
    assert response.status_code == 403
    assert not OutgoingMail.objects.exists()


def test_the_three_templates_are_there_and_valid():
    from vzhg.merge import merge_fields_check

    names = set(MessageTemplate.objects.values_list("name", flat=True))
    assert {"Save the date", "Herinnering aanmelden", "Uitnodiging ALV"} <= names
    for template in MessageTemplate.objects.all():
        merge_fields_check(template.subject)
        merge_fields_check(template.body)


def test_meeting_members_audience_and_panel(client, secretariat, django_capture_on_commit_callbacks):
    import datetime

    from django.utils import timezone

    from governance.models import Body, Mandate, Meeting
    from messaging import services

    body = Body.objects.create(name="Algemeen bestuur", slug="ab", kind=Body.Kind.AB, order=1)
    member = MemberFactory(last_name="Smit", salutation="heer", function="wethouder")
    MemberFactory()  # no mandate
    Mandate.objects.create(person=member, body=body, role=Mandate.Role.LID, start=datetime.date(2024, 1, 1))
    meeting = Meeting.objects.create(
        body=body, title="AB december", starts_at=timezone.now() + datetime.timedelta(days=7)
    )
    page = client.get(reverse("admin:governance_meeting_change", args=[meeting.pk])).content.decode()
    url = compose_url(audience="governance.body_members", source=f"governance.meeting:{meeting.pk}")
    assert url.replace("&", "&amp;") in page
    message = services.message_create(
        audience="governance.body_members",
        source=f"governance.meeting:{meeting.pk}",
        subject="{vergadering} op {datum}",
        body="{aanhef},",
        actor=secretariat,
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.message_send(message_id=message.pk, actor=secretariat) == 1
    [mail] = OutgoingMail.objects.filter(kind="messaging.message.sent")
    assert mail.to == member.email and mail.body_text == "Geachte heer Smit,"
    assert mail.subject.startswith("AB december op ")
    page = client.get(reverse("admin:governance_meeting_change", args=[meeting.pk])).content.decode()
    assert reverse("admin:messaging_message_change", args=[message.pk]) in page


# Session, user, permissions, message, recipients with organisations, municipalities, attachments.
QUERIES_SEND_PAGE = 9


@pytest.mark.parametrize("size", [5, 50])
def test_send_page_queries_do_not_grow(client, secretariat, django_assert_num_queries, size):
    from messaging import services

    people = [MemberFactory() for _ in range(size)]
    message = services.message_create(audience="people", subject="Hallo", body="{aanhef}", actor=secretariat)
    message.people.set(people)
    url = reverse("admin:messaging_message_send", args=[message.pk])
    client.get(url)  # warm the session and permission caches
    with django_assert_num_queries(QUERIES_SEND_PAGE):
        assert client.get(url).status_code == 200
