"""Online-only events have no door (issue 15): their mails, .ics and "Mijn aanmeldingen" offer no
check-in code (Event.has_door); a hybrid event (venue and online link) keeps everything. And the
mails' change link speaks of the workshop choice only when the event has workshops."""

import email
import email.policy

import icalendar
import pytest
from django.core import mail
from django.urls import reverse

from events import services
from tests.events.conftest import make_event
from tests.events.staff_factories import nl
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

ONLINE = {"venue_name": "", "venue_address": "", "online_url": "https://teams.example.org/klankbord"}
CHECKIN_PATH = "/agenda/inchecken/"


def _confirmation(event, person, capture):
    """The registration and its mail as a mail program reads it (bytes through the stdlib parser)."""
    mail.outbox.clear()
    with capture(execute=True):
        registration = services.registration_create(event=event, person=person, session_ids=[])
    (message,) = [m for m in mail.outbox if m.to == [person.email]]
    return registration, email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)


def _parts(parsed):
    text = parsed.get_body(preferencelist=("plain",)).get_content()
    html = parsed.get_body(preferencelist=("html",)).get_content()
    calendar = next(part for part in parsed.walk() if part.get_content_type() == "text/calendar")
    vevent = icalendar.Calendar.from_ical(calendar.get_payload(decode=True)).walk("VEVENT")[0]
    images = [part for part in parsed.walk() if part.get_content_type() == "image/png"]
    return text, html, str(vevent.get("description")), images


def test_has_door_is_a_physical_venue():
    assert make_event().has_door
    assert make_event(**{**ONLINE, "venue_name": "Provinciehuis"}).has_door  # hybrid
    assert make_event(**{**ONLINE, "venue_address": "Zuid-Hollandplein 1"}).has_door
    assert not make_event(**ONLINE).has_door


def test_an_online_only_confirmation_has_no_qr_and_no_check_in(django_capture_on_commit_callbacks):
    event = make_event(**ONLINE)
    _, parsed = _confirmation(event, MemberFactory(), django_capture_on_commit_callbacks)

    text, html, description, images = _parts(parsed)
    assert not images
    assert "inchecken.png" not in parsed.as_string()
    for part in (text, html, description):
        assert CHECKIN_PATH not in part
        assert nl("Check-in at the door") not in part
    assert nl("Check-in at the door: show the attached QR code (inchecken.png) or this link") not in text
    assert "teams.example.org/klankbord" in text  # the meeting link is still there


@pytest.mark.parametrize("fields", [{}, {"online_url": "https://teams.example.org/hybride"}])
def test_a_physical_or_hybrid_confirmation_keeps_qr_and_check_in(fields, django_capture_on_commit_callbacks):
    event = make_event(**fields)
    _, parsed = _confirmation(event, MemberFactory(), django_capture_on_commit_callbacks)

    text, html, description, images = _parts(parsed)
    assert [image.get_filename() for image in images] == ["inchecken.png"]
    for part in (text, html, description):
        assert CHECKIN_PATH in part
    assert nl("Check-in at the door: show the attached QR code (inchecken.png) or this link") in text


def test_my_registrations_shows_no_qr_for_an_online_only_event(client):
    online = make_event(**ONLINE, title="Digitale klankbordbijeenkomst")
    physical = make_event(title="Bijeenkomst in het Provinciehuis")
    person = MemberFactory()
    for event in (online, physical):
        services.registration_create(event=event, person=person, session_ids=[])
    client.force_login(person.user)

    content = client.get(reverse("events:mine")).content.decode()

    assert "Digitale klankbordbijeenkomst" in content
    assert content.count('class="segno"') == 1  # only the physical event's code
    assert content.count(nl("Check-in code (QR) for the door")) == 1


@pytest.mark.parametrize(
    ("fields", "wording"),
    [
        ({}, "Change your registration"),
        ({"rounds": 1}, "Change your workshop choice"),
        ({"rounds": 1, "workshop_ranks": 1}, "Change your workshop choice"),
    ],
)
def test_the_change_link_speaks_of_workshops_only_when_there_are_any(
    fields, wording, django_capture_on_commit_callbacks
):
    event = make_event(**fields)
    person = MemberFactory()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        if fields.get("workshop_ranks"):
            (session, _other) = event.rounds.get().sessions.order_by("pk")
            services.registration_create(
                event=event, person=person, session_ids=[], ranking={session.round_id: [session.pk]}
            )
        else:
            session_ids = [s.pk for r in event.rounds.all() for s in r.sessions.order_by("pk")[:1]]
            services.registration_create(event=event, person=person, session_ids=session_ids)
    (message,) = [m for m in mail.outbox if m.to == [person.email]]
    parsed = email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)
    text = parsed.get_body(preferencelist=("plain",)).get_content()
    html = parsed.get_body(preferencelist=("html",)).get_content()

    (other,) = {"Change your registration", "Change your workshop choice"} - {wording}
    assert f"{nl(wording)}: http" in text
    assert f">{nl(wording)}</a>" in html
    for part in (text, html):
        assert nl(other) not in part
