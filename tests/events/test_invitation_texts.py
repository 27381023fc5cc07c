"""Invitations in the secretariat's own words: its own subject and Markdown text, with the merge
fields of vzhg.merge, stored on the mailing and rendered per person above the fixed block (date,
place, programme and registration link). Burgemeesters are greeted formally and read "u".
Without an own text the mail is the standard one (tests/events/test_invitations.py)."""

import email
import email.policy
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from events import invitations, mailings
from events.invitation_mail import invitation_subject_default
from events.models import EventMailing, Invitation
from members import services as member_services
from members.models import Person
from tests.events.staff_factories import EventFactory
from tests.factories import MunicipalityFactory, PersonFactory, UserFactory
from vzhg.errors import ServiceError
from vzhg.mail.models import OutgoingMail

pytestmark = pytest.mark.django_db

ENTITIES = re.compile(r"&(amp|lt|gt|quot|#x27|#39|apos);")
SUBJECT = "{evenement}: graag tot ziens in {gemeente}"
BODY = "Wij nodigen u van harte uit, {voornaam}.\n\nHet thema: **wonen & werken**."


@pytest.fixture(autouse=True)
def _dutch(settings):
    settings.LANGUAGE_CODE = "nl"
    with translation.override("nl"):
        yield


@pytest.fixture
def secretariat(client):
    user = UserFactory(is_staff=True, email="secretariaat@vzhg.nl")
    user.groups.add(member_services.secretariat_group_ensure())
    client.force_login(user)
    return user


@pytest.fixture
def mayors():
    F = Person.Function
    return [
        PersonFactory(
            first_name="Piet",
            last_name="Jansen",
            salutation="heer",
            function=F.BURGEMEESTER,
            organisation=MunicipalityFactory(name="Gouda"),
        ),
        PersonFactory(
            first_name="Anna",
            tussenvoegsel="de",
            last_name="Vries",
            salutation="mevrouw",
            function=F.BURGEMEESTER,
            organisation=MunicipalityFactory(name="Delft"),
        ),
    ]


def parse(message) -> tuple[str, str, str]:
    parsed = email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)
    text = parsed.get_body(preferencelist=("plain",)).get_content()
    html = parsed.get_body(preferencelist=("html",)).get_content()
    return str(parsed["Subject"]), text, html


def test_own_subject_and_text_are_stored_and_rendered_per_person(mayors, django_capture_on_commit_callbacks):
    event = EventFactory(title="Voorjaarscongres")
    with django_capture_on_commit_callbacks(execute=True):
        result = invitations.invitation_send(
            event=event, people=mayors, actor=UserFactory(), subject=SUBJECT, body=BODY
        )

    mailing = EventMailing.objects.get()
    assert (mailing.subject, mailing.body) == (SUBJECT, BODY)
    assert result.created == 2 and len(mail.outbox) == 2
    by_town = {message.to[0]: parse(message) for message in mail.outbox}
    for person, greeting, town in (
        (mayors[0], "Geachte heer Jansen,", "Gouda"),
        (mayors[1], "Geachte mevrouw De Vries,", "Delft"),
    ):
        subject, text, html = by_town[person.email]
        assert subject == f"Voorjaarscongres: graag tot ziens in {town}"
        lines = text.splitlines()
        assert lines[0] == greeting and lines[1] == ""
        assert lines[2] == f"Wij nodigen u van harte uit, {person.first_name}."
        assert "wonen & werken" in text and not ENTITIES.search(subject + text)
        # The own text above the fixed block: date and place, the link, the greeting at the end.
        assert text.index("wonen & werken") < text.index("Wanneer") < text.index(f"/agenda/{event.slug}/")
        assert "Met vriendelijke groet" in text
        assert "<strong>wonen &amp; werken</strong>" in html and f"{greeting}</p>" in html
        assert " je " not in f" {text} "  # a burgemeester reads "u"
        assert "{" not in subject + text


def test_the_worker_renders_what_was_chosen_at_send_time(mayors):
    event = EventFactory(title="Najaarscongres")
    invitations.invitation_send(
        event=event, people=mayors[:1], actor=None, subject="Eigen onderwerp", body="Eigen tekst."
    )
    mailing = EventMailing.objects.get()

    mailings.event_mailing_send(mailing_id=mailing.pk)  # the worker's part, from the stored row

    row = OutgoingMail.objects.get(kind="events.invitation")
    assert row.subject == "Eigen onderwerp"
    assert row.body_text.startswith("Geachte heer Jansen,\n\nEigen tekst.\n")


def test_a_text_that_starts_with_the_salutation_is_not_greeted_twice(mayors):
    event = EventFactory(title="Congres")
    rendered = invitations.invitation_mail_render(event=event, person=mayors[1], body="{aanhef},\n\nWelkom.")
    assert rendered.text.startswith("Geachte mevrouw De Vries,\n\nWelkom.\n")
    assert rendered.text.count("Geachte") == 1 and rendered.html.count("Geachte") == 1


def test_empty_own_text_is_the_standard_mail(mayors):
    event = EventFactory(title="Congres")
    standard = invitations.invitation_mail_render(event=event, person=mayors[0])
    assert (
        invitations.invitation_mail_render(event=event, person=mayors[0], subject="", body="  ") == standard
    )
    assert standard.subject == "Uitnodiging: Congres"
    assert "De VZHG nodigt u uit voor Congres." in standard.text  # no "je" to a burgemeester
    assert "meld u hier aan" in standard.text


def test_unknown_merge_field_is_refused_in_dutch_and_nothing_is_sent(mayors):
    event = EventFactory()
    with pytest.raises(ServiceError) as refusal:
        invitations.invitation_send(event=event, people=mayors, actor=None, body="Beste {burgemeester}")
    assert refusal.value.code == "unknown_merge_field"
    message = str(refusal.value.message)
    assert "Onbekend samenvoegveld {burgemeester}" in message and "{aanhef}" in message
    assert "{vergadering}" not in message  # an invitation is about no meeting
    assert not EventMailing.objects.exists() and not Invitation.objects.exists()


def test_html_in_the_text_is_sanitised(mayors):
    event = EventFactory(title="Congres")
    body = (
        'Lees <a href="javascript:alert(1)">dit</a> en <a href="https://vzhg.nl/">dat</a>.'
        "<script>alert('x')</script><img src=x onerror=alert(1)> R&D <https://vzhg.nl/agenda/>"
    )
    rendered = invitations.invitation_mail_render(event=event, person=mayors[0], body=body)
    for part in (rendered.html, rendered.body_html):
        assert "<script" not in part and "javascript:" not in part and "onerror" not in part
        assert "<img" not in part
        assert '<a href="https://vzhg.nl/" rel="noopener noreferrer">dat</a>' in part
    assert "<script" not in rendered.text and "<a " not in rendered.text and "<img" not in rendered.text
    assert "R&D" in rendered.text and "<https://vzhg.nl/agenda/>" in rendered.text


def test_subject_default_is_todays_subject_with_braces_written_out():
    event = EventFactory(title="Congres {2027}")
    assert invitation_subject_default(event=event) == "Uitnodiging: Congres {{2027}}"
    rendered = invitations.invitation_mail_render(
        event=event, person=PersonFactory(), subject=invitation_subject_default(event=event)
    )
    assert rendered.subject == "Uitnodiging: Congres {2027}"


# --- the page ---------------------------------------------------------------------------------------


# The preview: session and user, permissions, the form's people, the audience, who was invited
# before, progress and recent sends; the same for 5 people and for 50 (nothing per person).
PREVIEW_QUERIES = 14


def _post(mayors, **extra):
    return {"audience": "people", "people": [p.pk for p in mayors], **extra}


def test_page_prefills_the_subject_and_previews_as_the_chosen_recipient(client, secretariat, mayors):
    event = EventFactory(title="Voorjaarscongres")
    url = reverse("admin:events_event_invitations", args=[event.pk])

    page = client.get(url)
    assert page.context["form"]["subject"].value() == "Uitnodiging: Voorjaarscongres"

    # Name order: Jansen before Vries; preview as the second one.
    preview = client.post(url, _post(mayors, subject=SUBJECT, text=BODY, preview_as=mayors[1].pk))
    shown = preview.context["preview"]
    assert shown["person"] == mayors[1]
    assert shown["mail"].subject == "Voorjaarscongres: graag tot ziens in Delft"
    assert shown["mail"].text.startswith("Geachte mevrouw De Vries,\n\nWij nodigen u van harte uit, Anna.")
    content = preview.content.decode()
    assert "<strong>wonen &amp; werken</strong>" in content  # the own text as the mail formats it
    assert f'<option value="{mayors[1].pk}" selected>' in content
    assert not mail.outbox and not EventMailing.objects.exists()


def test_page_sends_a_test_to_me_and_keeps_the_form(
    client, secretariat, mayors, django_capture_on_commit_callbacks
):
    event = EventFactory(title="Voorjaarscongres")
    url = reverse("admin:events_event_invitations", args=[event.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, _post(mayors, subject=SUBJECT, text=BODY, preview_as=mayors[0].pk, test="1")
        )

    assert response.status_code == 200
    [test] = mail.outbox
    assert test.to == ["secretariaat@vzhg.nl"]
    assert test.subject == "[Test] Voorjaarscongres: graag tot ziens in Gouda"
    assert test.body.startswith("Geachte heer Jansen,")
    assert OutgoingMail.objects.get().kind == "events.invitation.test"
    assert not Invitation.objects.exists() and not EventMailing.objects.exists()  # nobody invited
    assert BODY.splitlines()[0] in response.content.decode()


def test_page_refuses_an_unknown_field_and_keeps_what_was_typed(client, secretariat, mayors):
    event = EventFactory()
    url = reverse("admin:events_event_invitations", args=[event.pk])
    text = "Beste {burgemeester},\n\nEen lange tekst die niet verloren mag gaan."

    response = client.post(url, _post(mayors, subject="Eigen {onderwerp}", text=text, send="1"))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "Onbekend samenvoegveld {burgemeester}" in errors["text"][0]
    assert "Onbekend samenvoegveld {onderwerp}" in errors["subject"][0]
    content = response.content.decode()
    assert "Een lange tekst die niet verloren mag gaan." in content and 'value="Eigen {onderwerp}"' in content
    assert not EventMailing.objects.exists() and not mail.outbox


def test_page_sends_the_own_text(client, secretariat, mayors, django_capture_on_commit_callbacks):
    event = EventFactory(title="Voorjaarscongres")
    url = reverse("admin:events_event_invitations", args=[event.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, _post(mayors, subject=SUBJECT, text=BODY, send="1"))

    assert response.status_code == 302
    assert EventMailing.objects.get().body == BODY
    assert sorted(m.subject for m in mail.outbox) == [
        "Voorjaarscongres: graag tot ziens in Delft",
        "Voorjaarscongres: graag tot ziens in Gouda",
    ]


@pytest.mark.parametrize("size", [5, 50])
def test_preview_query_count_does_not_grow_with_the_audience(
    client, secretariat, django_assert_num_queries, size
):
    municipality = MunicipalityFactory()
    people = [PersonFactory(organisation=municipality) for _ in range(size)]
    event = EventFactory()
    url = reverse("admin:events_event_invitations", args=[event.pk])
    data = {"audience": "people", "people": [p.pk for p in people], "subject": SUBJECT, "text": BODY}
    client.post(url, data)  # warm up (session, permissions cache)
    with django_assert_num_queries(PREVIEW_QUERIES):
        response = client.post(url, data)
    assert response.context["preview"]["total"] == size


def test_page_starts_from_a_message_template(client, secretariat, mayors, django_capture_on_commit_callbacks):
    """Messaging offers its templates through events.extensions (events never imports it); a
    template that starts with {aanhef} greets once."""
    from messaging.models import MessageTemplate

    template = MessageTemplate.objects.create(
        name="Uitnodiging in eigen woorden",
        subject="Save the date: {evenement} op {datum}",
        body="{aanhef},\n\nZet u {datum} alvast in uw agenda?",
    )
    event = EventFactory(title="Voorjaarscongres")
    url = reverse("admin:events_event_invitations", args=[event.pk])

    page = client.get(url)
    assert f'href="?template={template.pk}"' in page.content.decode()
    page = client.get(f"{url}?template={template.pk}")
    form = page.context["form"]
    assert (form["subject"].value(), form["text"].value()) == (template.subject, template.body)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, _post(mayors[:1], subject=template.subject, text=template.body, send="1"))
    [sent] = mail.outbox
    assert sent.subject.startswith("Save the date: Voorjaarscongres op ")
    assert sent.body.startswith("Geachte heer Jansen,\n\nZet u ") and sent.body.count("Geachte") == 1
