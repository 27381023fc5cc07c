"""The agenda pages, registering through the form, my registrations, the mail with its .ics and
cancel link, the calendar feed; query counts pinned at two sizes."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.conf import settings
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from events import services, tokens
from events.models import Event, Registration
from tests.factories import MemberFactory

from .conftest import make_event, sessions_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    """The pages in English (the msgids), so the assertions do not depend on the Dutch catalogue."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def member(client):
    person = MemberFactory()
    client.force_login(person.user)
    return person


def test_agenda_lists_upcoming_published_events_with_their_state(client):
    upcoming = make_event(title="Klankbord TCAM", kind=Event.Kind.SOUNDING_BOARD, themes="asiel")
    make_event(title="Concept", status=Event.Status.DRAFT)
    past = make_event(
        title="Terugblik",
        starts_at=timezone.now() - timedelta(days=3),
        ends_at=timezone.now() - timedelta(days=3) + timedelta(hours=1),
    )
    full = make_event(title="Vol", capacity=1)
    services.registration_create(event=full, person=MemberFactory(), session_ids=[])

    html = client.get(reverse("events:agenda")).content.decode()
    assert upcoming.title in html and full.title in html
    assert "Concept" not in html and past.title not in html
    assert "Full — waiting list" in html

    archive = client.get(reverse("events:archive")).content.decode()
    assert past.title in archive and upcoming.title not in archive


def test_agenda_filters_by_kind_and_theme(client):
    make_event(title="Klankbord TCAM", kind=Event.Kind.SOUNDING_BOARD, themes="asiel, migratie")
    make_event(title="Netwerk ruimte", kind=Event.Kind.NETWORK, themes="wonen")

    by_kind = client.get(reverse("events:agenda"), {"kind": "sounding_board"}).content.decode()
    by_theme = client.get(reverse("events:agenda"), {"theme": "wonen"}).content.decode()
    nonsense = client.get(reverse("events:agenda"), {"kind": "<script>", "theme": "x"})

    assert "Klankbord TCAM" in by_kind and "Netwerk ruimte" not in by_kind
    assert "Netwerk ruimte" in by_theme and "Klankbord TCAM" not in by_theme
    assert nonsense.status_code == 200


def test_event_page_shows_programme_workshops_places_and_hides_the_online_link(client):
    event = make_event(
        rounds=2,
        session_capacity=10,
        online_url="https://teams.example.org/geheim",
        host=MemberFactory().organisation,
    )
    person = MemberFactory()
    rounds = sessions_of(event)
    services.registration_create(event=event, person=person, session_ids=[rounds[0][0].pk, rounds[1][0].pk])

    anonymous = client.get(event.get_absolute_url()).content.decode()
    assert "teams.example.org/geheim" not in anonymous
    assert "Workshop 1.1" in anonymous and "Workshop 2.2" in anonymous
    assert "9 places left" in anonymous
    assert event.host.name in anonymous

    client.force_login(person.user)
    registered = client.get(event.get_absolute_url()).content.decode()
    assert "teams.example.org/geheim" in registered


def test_unknown_and_draft_events_answer_404(client):
    draft = make_event(status=Event.Status.DRAFT)
    assert client.get(reverse("events:detail", args=["bestaat-niet"])).status_code == 404
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_member_registers_through_the_form_choosing_a_workshop_per_round(
    client, member, django_capture_on_commit_callbacks
):
    event = make_event(rounds=2)
    rounds = sessions_of(event)
    url = reverse("events:register", args=[event.slug])
    assert client.get(url).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"round_1": rounds[0][1].pk, "round_2": rounds[1][0].pk, "remarks": "Glutenvrij"}
        )

    assert response.status_code == 302
    registration = Registration.objects.get(event=event, person=member)
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.remarks == "Glutenvrij"
    assert len(mail.outbox) == 1


def test_the_form_refuses_a_missing_round_and_a_foreign_workshop_with_a_message(client, member):
    event = make_event(rounds=2)
    other = make_event(rounds=1)
    url = reverse("events:register", args=[event.slug])

    missing = client.post(url, {"round_1": sessions_of(event)[0][0].pk, "remarks": "Mijn opmerking"})
    foreign = client.post(
        url, {"round_1": sessions_of(other)[0][0].pk, "round_2": sessions_of(event)[1][0].pk}
    )

    assert missing.status_code == 200
    assert "Choose a workshop for Ronde 2." in missing.content.decode()
    assert "Mijn opmerking" in missing.content.decode()  # nothing the person typed is lost
    assert foreign.status_code == 200
    assert not Registration.objects.filter(event=event).exists()


def test_full_event_registers_on_the_waiting_list_and_says_so(client, member):
    event = make_event(capacity=1)
    services.registration_create(event=event, person=MemberFactory(), session_ids=[])

    response = client.post(reverse("events:register", args=[event.slug]), {}, follow=True)

    assert Registration.objects.get(person=member).status == Registration.Status.WAITLISTED
    assert "You are on the waiting list" in response.content.decode()


def test_closed_event_shows_why_and_registers_nobody(client, member):
    event = make_event(registration_closes_at=timezone.now() - timedelta(hours=1))
    response = client.post(reverse("events:register", args=[event.slug]), {})
    assert response.status_code == 200
    assert "Registration for this event is closed." in response.content.decode()
    assert not Registration.objects.exists()


def test_confirmation_mail_is_multipart_with_a_valid_ics_and_a_cancel_link_that_works_without_login(
    client, django_capture_on_commit_callbacks
):
    event = make_event(rounds=1, title="Najaarscongres")
    person = MemberFactory(first_name="Fleur")
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.registration_create(
            event=event, person=person, session_ids=[sessions_of(event)[0][0].pk]
        )

    message = mail.outbox[-1]
    assert message.to == [person.email]
    assert "Fleur" in message.body and "Workshop 1.1" in message.body
    html = dict((mimetype, content) for content, mimetype in message.alternatives)["text/html"]
    assert "Fleur" in html
    name, content, mimetype = message.attachments[0]
    assert name.endswith(".ics") and mimetype.startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(content)
    assert calendar["METHOD"] == "REQUEST"
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Amsterdam"
    vevent = calendar.walk("VEVENT")[0]
    start = vevent.decoded("DTSTART")
    assert (
        start.tzinfo.key == "Europe/Amsterdam"
        if hasattr(start.tzinfo, "key")
        else str(start.tzinfo) == "Europe/Amsterdam"
    )
    assert start == event.starts_at.astimezone(ZoneInfo("Europe/Amsterdam")).replace(microsecond=0)
    assert vevent["UID"] and vevent["SUMMARY"] == "Najaarscongres" and vevent.get("ORGANIZER")
    assert "Provinciehuis" in vevent["LOCATION"]

    cancel_url = re.search(r"https?://\S+/agenda/afmelden/\S+/", message.body).group(0)
    path = cancel_url.split("://", 1)[1].split("/", 1)[1]
    confirm = client.get("/" + path)
    assert confirm.status_code == 200
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED  # a GET never cancels

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post("/" + path)
    assert done.status_code == 200
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    cancel_mail = mail.outbox[-1]
    assert icalendar.Calendar.from_ical(cancel_mail.attachments[0][1])["METHOD"] == "CANCEL"


def test_tampered_and_expired_cancel_tokens_are_refused_and_cancel_nothing(client):
    event = make_event()
    registration = services.registration_create(event=event, person=MemberFactory(), session_ids=[])
    token = tokens.cancel_token_make(registration=registration)
    value, stamp, signature = token.split(".")
    tampered = f"{registration.pk + 1}.{stamp}.{signature}"

    response = client.post(reverse("events:cancel_token", args=[tampered]))
    assert response.status_code == 400
    assert "This cancel link is not valid." in response.content.decode()

    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - timedelta(hours=3), ends_at=timezone.now() - timedelta(minutes=1)
    )
    expired = client.post(reverse("events:cancel_token", args=[token]))
    assert expired.status_code == 400
    assert "This cancel link has expired" in expired.content.decode()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_a_token_signed_with_another_salt_is_refused(client):
    registration = services.registration_create(event=make_event(), person=MemberFactory(), session_ids=[])
    forged = signing.TimestampSigner(salt="something-else", sep=".").sign(str(registration.pk))
    assert client.get(reverse("events:cancel_token", args=[forged])).status_code == 400


def test_my_registrations_change_and_cancel(client, member, django_capture_on_commit_callbacks):
    event = make_event(rounds=1)
    first, second = sessions_of(event)[0]
    registration = services.registration_create(event=event, person=member, session_ids=[first.pk])
    someone_else = services.registration_create(event=event, person=MemberFactory(), session_ids=[first.pk])

    page = client.get(reverse("events:mine")).content.decode()
    assert event.title in page and "/agenda/feed/" in page

    with django_capture_on_commit_callbacks(execute=True):
        changed = client.post(
            reverse("events:registration_change", args=[registration.pk]), {"round_1": second.pk}
        )
    assert changed.status_code == 302
    assert list(registration.choices.values_list("session_id", flat=True)) == [second.pk]

    assert client.get(reverse("events:registration_change", args=[someone_else.pk])).status_code == 404
    assert client.post(reverse("events:registration_cancel", args=[someone_else.pk])).status_code == 404

    assert client.get(reverse("events:registration_cancel", args=[registration.pk])).status_code == 200
    client.post(reverse("events:registration_cancel", args=[registration.pk]))
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED


def test_calendar_feed_lists_my_confirmed_registrations_and_refuses_a_wrong_token(client):
    person = MemberFactory()
    mine = make_event(title="Mijn bijeenkomst")
    make_event(title="Andere bijeenkomst")
    services.registration_create(event=mine, person=person, session_ids=[])
    token = tokens.feed_token_make(user=person.user, key=None)

    response = client.get(reverse("events:feed", args=[token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == ["Mijn bijeenkomst"]

    assert client.get(reverse("events:feed", args=[token + "x"])).status_code == 404
    assert client.get(reverse("events:feed", args=["1.abc"])).status_code == 404


def test_a_used_cancel_link_does_not_cancel_a_later_registration_for_the_same_event(
    client, django_capture_on_commit_callbacks
):
    event = make_event()
    person = MemberFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = services.registration_create(event=event, person=person, session_ids=[])
    old_link = re.search(r"https?://\S+(/agenda/afmelden/\S+/)", mail.outbox[-1].body).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(old_link).status_code == 200
    first.refresh_from_db()
    assert first.status == Registration.Status.CANCELLED

    with django_capture_on_commit_callbacks(execute=True):
        again = services.registration_create(event=event, person=person, session_ids=[])
    assert again.pk == first.pk  # the same row, registered anew

    response = client.post(old_link)
    assert response.status_code == 400
    again.refresh_from_db()
    assert again.status == Registration.Status.CONFIRMED
    # The new mail's own link does cancel the new registration.
    new_link = re.search(r"https?://\S+(/agenda/afmelden/\S+/)", mail.outbox[-1].body).group(1)
    assert new_link != old_link
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(new_link).status_code == 200
    again.refresh_from_db()
    assert again.status == Registration.Status.CANCELLED


def test_the_calendar_feed_gets_a_new_address_and_the_old_one_stops_working(client, member):
    event = make_event(title="Mijn bijeenkomst")
    services.registration_create(event=event, person=member, session_ids=[])

    def feed_path():
        page = client.get(reverse("events:mine")).content.decode()
        assert reverse("events:feed_renew") in page
        return re.search(r'value="https?://[^/"]+(/agenda/feed/[^"]+\.ics)"', page).group(1)

    old = feed_path()
    assert client.get(old).status_code == 200
    assert feed_path() == old  # stable while nobody asks for a new one

    response = client.post(reverse("events:feed_renew"), follow=True)
    assert response.status_code == 200
    new = feed_path()
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    # The stored key alone does not make the address: it is a MAC under SECRET_KEY.
    from events.models import FeedKey

    assert FeedKey.objects.get(user=member.user).key not in new
    # A GET never renews.
    assert client.get(reverse("events:feed_renew")).status_code == 302
    assert feed_path() == new


# --- query counts, pinned at two sizes -------------------------------------------------------------


@pytest.mark.parametrize("size", [5, 50])
def test_agenda_query_count_does_not_grow(client, django_assert_num_queries, size):
    for index in range(size):
        event = make_event(capacity=10, themes=f"thema{index % 3}", host=None)
        if index % 5 == 0:
            services.registration_create(event=event, person=MemberFactory(), session_ids=[])
    # session + themes + events (with counts): the same at 5 and 50
    with django_assert_num_queries(2):
        response = client.get(reverse("events:agenda"))
    assert response.status_code == 200
    assert response.content.decode().count('class="event-item') == size


@pytest.mark.parametrize("size", [5, 50])
def test_event_page_query_count_does_not_grow(client, django_assert_num_queries, size):
    event = make_event(rounds=2, sessions_per_round=size // 2 or 1, session_capacity=20)
    for item in range(size):
        event.programme.create(starts_at="10:00", title=f"Onderdeel {item}", order=item)
    person = MemberFactory()
    services.registration_create(
        event=event, person=person, session_ids=[r[0].pk for r in sessions_of(event)]
    )
    client.force_login(person.user)
    # session, user, person, event, programme, rounds, sessions, materials, my registration, its choices
    with django_assert_num_queries(10):
        response = client.get(event.get_absolute_url())
    assert response.status_code == 200


def test_registering_and_changing_need_a_login(client):
    event = make_event()
    registration = services.registration_create(event=event, person=MemberFactory(), session_ids=[])
    for url in (
        reverse("events:register", args=[event.slug]),
        reverse("events:registration_change", args=[registration.pk]),
        reverse("events:registration_cancel", args=[registration.pk]),
        reverse("events:mine"),
    ):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, f"/account/login/?next={url}")
    assert client.get(event.get_absolute_url()).status_code == 200


def test_the_online_link_is_mailed_only_with_a_confirmed_place(django_capture_on_commit_callbacks):
    event = make_event(
        capacity=1, venue_name="", venue_address="", online_url="https://teams.example.org/klankbord"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_create(event=event, person=MemberFactory(), session_ids=[])
        services.registration_create(event=event, person=MemberFactory(), session_ids=[])
    confirmed, waitlisted = mail.outbox[-2:]

    assert "teams.example.org/klankbord" in confirmed.body
    assert "teams.example.org/klankbord" not in waitlisted.body
    assert not waitlisted.attachments
    location = icalendar.Calendar.from_ical(confirmed.attachments[0][1]).walk("VEVENT")[0]["LOCATION"]
    assert location == "https://teams.example.org/klankbord"


def test_vtimezone_places_summer_and_winter_events_correctly():
    """The compact Europe/Amsterdam VTIMEZONE gives the same UTC offsets as the tz database."""
    import datetime
    from zoneinfo import ZoneInfo

    from events.ics import _vtimezone

    zone = _vtimezone().to_tz()
    amsterdam = ZoneInfo("Europe/Amsterdam")
    for moment in (
        datetime.datetime(2026, 12, 21, 9, 30),
        datetime.datetime(2027, 6, 5, 10, 0),
        datetime.datetime(2027, 3, 28, 3, 30),
        datetime.datetime(2045, 7, 1, 12, 0),
    ):
        assert moment.replace(tzinfo=zone).utcoffset() == moment.replace(tzinfo=amsterdam).utcoffset()
    assert len(_vtimezone().to_ical()) < 600
