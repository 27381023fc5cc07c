"""Edits in the events admin go through the same services as the pages: the status only by the
actions, more room promotes the waiting list, a new time or place reaches the registrants'
calendars (METHOD:REQUEST, the same UID, a higher SEQUENCE), a cancellation removes the entry
(METHOD:CANCEL), attendance only through the check-in. "Copy to next year" keeps the weekday."""

import datetime
import email
import email.policy

import icalendar
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from events import lifecycle, services
from events.models import Event, Registration
from members import services as member_services
from tests.admin_form import change_form_data
from tests.events.conftest import make_event, sessions_of
from tests.events.staff_factories import EventFactory, RegistrationFactory, nl
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat(client):
    user = UserFactory(is_staff=True, email="secretariaat@vzhg.nl")
    user.groups.add(member_services.secretariat_group_ensure())
    client.force_login(user)
    return user


def _parsed(message):
    """The message as a mail program reads it: bytes through the stdlib parser."""
    return email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)


def _ics_part(message):
    parts = [part for part in _parsed(message).walk() if part.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    return parts[0]


def _vevent(message):
    part = _ics_part(message)
    calendar = icalendar.Calendar.from_ical(part.get_payload(decode=True))
    return calendar, calendar.walk("VEVENT")[0]


def _post_event(client, event, **changes):
    url = reverse("admin:events_event_change", args=[event.pk])
    data = change_form_data(client, url)
    data.update(changes)
    response = client.post(url, data)
    if response.status_code != 302:  # show why the admin refused the form
        import re

        raise AssertionError(
            re.findall(r"errorlist[^>]*>(.*?)</ul>", response.content.decode(), re.S)[:5] or data
        )
    return response


def test_the_status_cannot_be_set_by_hand_only_by_the_actions(client, secretariat):
    event = EventFactory()
    RegistrationFactory(event=event)

    response = _post_event(client, event, status="cancelled")

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED and event.cancelled_at is None
    assert (
        'name="status"'
        not in client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()
    )


def test_raising_the_capacity_in_the_admin_confirms_the_waiting_list_and_tells_them(
    client, secretariat, django_capture_on_commit_callbacks
):
    event = make_event(capacity=1)
    first = services.registration_create(event=event, person=MemberFactory(), session_ids=[])
    waiting = services.registration_create(
        event=event, person=MemberFactory(first_name="Noor"), session_ids=[]
    )
    assert waiting.status == Registration.Status.WAITLISTED
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = _post_event(client, event, capacity="2")

    assert response.status_code == 302
    waiting.refresh_from_db()
    first.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED and waiting.confirmed_at is not None
    assert [m.to for m in mail.outbox] == [[waiting.person.email]]


def test_raising_a_workshop_capacity_on_the_round_page_confirms_the_waiting_list(
    client, secretariat, django_capture_on_commit_callbacks
):
    event = make_event(rounds=1, sessions_per_round=1, session_capacity=1)
    [[session]] = sessions_of(event)
    services.registration_create(event=event, person=MemberFactory(), session_ids=[session.pk])
    waiting = services.registration_create(event=event, person=MemberFactory(), session_ids=[session.pk])
    assert waiting.status == Registration.Status.WAITLISTED
    url = reverse("admin:events_round_change", args=[session.round.pk])
    data = change_form_data(client, url)
    data["sessions-0-capacity"] = "5"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)

    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED


def test_moving_an_event_sends_confirmed_registrants_an_ics_update_with_the_same_uid_and_a_higher_sequence(
    client, secretariat, django_capture_on_commit_callbacks
):
    event = make_event(title="Najaarscongres")
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.registration_create(event=event, person=MemberFactory(), session_ids=[])
    confirmation_calendar, confirmation = _vevent(mail.outbox[-1])
    waiting = RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)
    mail.outbox.clear()
    new_start = timezone.localtime(event.starts_at) + datetime.timedelta(days=1)
    # The end moves with it, to its own day: late in the evening an event may end after midnight.
    new_end = timezone.localtime(event.ends_at) + datetime.timedelta(days=1)
    data = change_form_data(client, reverse("admin:events_event_change", args=[event.pk]))

    with django_capture_on_commit_callbacks(execute=True):
        response = _post_event(
            client,
            event,
            starts_at_0=new_start.strftime("%d-%m-%Y"),
            ends_at_0=new_end.strftime("%d-%m-%Y"),
            venue_name="Stadhuis Gouda",
        )

    assert response.status_code == 302, data
    assert [m.to for m in mail.outbox] == [[registration.person.email]]  # not the waiting list
    message = mail.outbox[0]
    parsed = _parsed(message)
    assert "Najaarscongres" in parsed["Subject"]
    assert "Stadhuis Gouda" in parsed.get_body(("plain",)).get_content()
    calendar, update = _vevent(message)
    assert calendar["METHOD"] == "REQUEST" and confirmation_calendar["METHOD"] == "REQUEST"
    assert str(update["UID"]) == str(confirmation["UID"])
    assert int(update["SEQUENCE"]) > int(confirmation["SEQUENCE"])
    assert update.decoded("DTSTART").date() == new_start.date()
    assert "Stadhuis Gouda" in str(update["LOCATION"])
    assert waiting.status == Registration.Status.WAITLISTED


def test_editing_only_the_text_of_an_event_sends_no_update(
    client, secretariat, django_capture_on_commit_callbacks
):
    event = make_event()
    services.registration_create(event=event, person=MemberFactory(), session_ids=[])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        _post_event(client, event, summary="Een nieuwe samenvatting.")

    assert mail.outbox == []
    event.refresh_from_db()
    assert event.ics_sequence == 0


def test_cancelling_an_event_attaches_method_cancel_with_the_same_uid_and_a_higher_sequence(
    client, secretariat, django_capture_on_commit_callbacks
):
    event = make_event()
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.registration_create(event=event, person=MemberFactory(), session_ids=[])
    _calendar, confirmation = _vevent(mail.outbox[-1])
    waiting = RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:events_event_changelist"),
            {"action": "cancel_events", "_selected_action": [event.pk], "post": "yes"},
        )

    to_confirmed = next(m for m in mail.outbox if m.to == [registration.person.email])
    calendar, cancel = _vevent(to_confirmed)
    assert calendar["METHOD"] == "CANCEL"
    assert str(cancel["UID"]) == str(confirmation["UID"])
    assert int(cancel["SEQUENCE"]) > int(confirmation["SEQUENCE"])
    assert str(cancel["STATUS"]) == "CANCELLED"
    # The waiting list never had the event in their calendar: a mail without .ics.
    to_waiting = next(m for m in mail.outbox if m.to == [waiting.person.email])
    assert not [p for p in _parsed(to_waiting).walk() if p.get_content_type() == "text/calendar"]


def test_the_ics_part_names_its_charset_once(django_capture_on_commit_callbacks):
    event = make_event()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_create(event=event, person=MemberFactory(), session_ids=[])

    message = mail.outbox[-1]
    part = _ics_part(message)
    assert part.get_content_charset() == "utf-8"
    assert part.get_param("method") == "REQUEST"
    # The header as it travels (compat32 keeps it as written, repeated parameters included).
    raw = email.message_from_bytes(message.message().as_bytes(), policy=email.policy.compat32)
    [calendar] = [p for p in raw.walk() if p.get_content_type() == "text/calendar"]
    assert calendar["Content-Type"].lower().count("charset") == 1


def test_the_sequence_is_a_stored_counter_that_grows_with_each_change(django_capture_on_commit_callbacks):
    event = make_event()
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.registration_create(event=event, person=MemberFactory(), session_ids=[])
    sequences = [int(_vevent(mail.outbox[-1])[1]["SEQUENCE"])]
    for hours in (1, 2):
        Event.objects.filter(pk=event.pk).update(starts_at=event.starts_at + datetime.timedelta(hours=hours))
        with django_capture_on_commit_callbacks(execute=True):
            lifecycle.event_update_notify(event=event)
        sequences.append(int(_vevent(mail.outbox[-1])[1]["SEQUENCE"]))
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=registration)
    calendar, cancelled = _vevent(mail.outbox[-1])
    sequences.append(int(cancelled["SEQUENCE"]))

    assert calendar["METHOD"] == "CANCEL"
    assert sequences == [0, 1, 2, 3]
    event.refresh_from_db()
    assert event.ics_sequence == 3


def test_attendance_is_ticked_through_the_check_in_and_only_for_confirmed_registrations(client, secretariat):
    confirmed = RegistrationFactory()
    waiting = RegistrationFactory(status=Registration.Status.WAITLISTED)

    url = reverse("admin:events_registration_change", args=[confirmed.pk])
    data = change_form_data(client, url)
    data["attended"] = "on"
    assert client.post(url, data).status_code == 302
    confirmed.refresh_from_db()
    assert confirmed.attended and confirmed.attended_at is not None

    url = reverse("admin:events_registration_change", args=[waiting.pk])
    data = change_form_data(client, url)
    data["attended"] = "on"
    response = client.post(url, data)
    assert response.status_code == 200
    assert nl("Only confirmed registrations can be checked in.") in response.content.decode()
    waiting.refresh_from_db()
    assert not waiting.attended


def test_copy_to_next_year_keeps_the_weekday_and_moves_the_year_in_the_title(client, secretariat):
    starts = timezone.make_aware(datetime.datetime(2026, 6, 11, 13, 0))  # a Thursday, ISO week 24
    event = EventFactory(
        title="ALV en voorjaarscongres 2026",
        slug="alv-2026",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=5),
        registration_opens_at=starts - datetime.timedelta(days=60),
        registration_closes_at=starts - datetime.timedelta(days=2),
    )

    client.post(
        reverse("admin:events_event_changelist"),
        {"action": "duplicate_events", "_selected_action": [event.pk]},
    )

    copy = Event.objects.exclude(pk=event.pk).get()
    start = timezone.localtime(copy.starts_at)
    assert start.isoweekday() == 4 and start.isocalendar()[1] == 24
    assert start.date() == datetime.date(2027, 6, 17) and start.time() == datetime.time(13, 0)
    assert copy.ends_at - copy.starts_at == datetime.timedelta(hours=5)
    assert copy.starts_at - copy.registration_closes_at == datetime.timedelta(days=2)
    assert copy.title == "ALV en voorjaarscongres 2027"
    assert copy.slug == "alv-en-voorjaarscongres-2027"


def test_events_are_picked_with_date_and_status_in_the_registration_filter_and_the_autocomplete(
    client, secretariat
):
    starts = timezone.make_aware(datetime.datetime(2026, 6, 11, 10, 0))
    this_year = EventFactory(
        title="ALV en voorjaarscongres", starts_at=starts, ends_at=starts + datetime.timedelta(hours=6)
    )
    last_year = EventFactory(
        title="ALV en voorjaarscongres",
        status=Event.Status.CANCELLED,
        starts_at=starts.replace(year=2025),
        ends_at=starts.replace(year=2025) + datetime.timedelta(hours=6),
    )
    RegistrationFactory(event=this_year)
    RegistrationFactory(event=last_year)

    page = client.get(reverse("admin:events_registration_changelist"))
    html, language = page.content.decode(), page.wsgi_request.LANGUAGE_CODE
    found = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "events", "model_name": "round", "field_name": "event", "term": "ALV"},
    )

    with translation.override(language):
        published, cancelled = translation.gettext("published"), translation.gettext("cancelled")
    assert f"ALV en voorjaarscongres — 11-06-2026 ({published})" in html
    assert f"ALV en voorjaarscongres — 11-06-2025 ({cancelled})" in html
    texts = sorted(result["text"] for result in found.json()["results"])
    assert texts[0].startswith("ALV en voorjaarscongres — 11-06-2025 (")
    assert texts[1].startswith("ALV en voorjaarscongres — 11-06-2026 (")
