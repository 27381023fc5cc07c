"""The secretariat's admin for events: the event list with its counts, the actions publish,
cancel (registrants told by e-mail) and duplicate, round and workshop editing, registrations with
filters and export, and the counts per municipality."""

import csv
import datetime
import io

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from events.models import Event, Registration, Session
from members import services as member_services
from tests.events.staff_factories import (
    EventFactory,
    ProgrammeItemFactory,
    RegistrationFactory,
    RoundFactory,
    SessionChoiceFactory,
    SessionFactory,
    nl,
    nl_plural,
)
from tests.factories import MemberFactory, MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat(client):
    user = UserFactory(is_staff=True, email="secretariaat@vzhg.nl")
    user.groups.add(member_services.secretariat_group_ensure())
    client.force_login(user)
    return user


def _events_with_registrations(count: int) -> list[Event]:
    municipalities = [MunicipalityFactory() for _ in range(3)]
    events = []
    for i in range(count):
        event = EventFactory(host=municipalities[i % 3])
        for municipality in municipalities[:2]:
            RegistrationFactory(event=event, person=MemberFactory(organisation=municipality))
        RegistrationFactory(
            event=event,
            person=MemberFactory(organisation=municipalities[2]),
            status=Registration.Status.WAITLISTED,
        )
        events.append(event)
    return events


def test_event_list_shows_counts_and_municipalities_reached(client, secretariat):
    MunicipalityFactory()  # a member municipality nobody from registered
    [event] = _events_with_registrations(1)
    RegistrationFactory(event=event, status=Registration.Status.CANCELLED)

    response = client.get(reverse("admin:events_event_changelist"))

    assert response.status_code == 200
    row = next(r for r in response.context["cl"].result_list if r.pk == event.pk)
    assert (row.confirmed_count, row.waitlisted_count, row.reached_count) == (2, 1, 3)
    content = response.content.decode()
    # 3 reached; members: 3 + the idle one + the cancelled registrant's municipality
    assert nl("%(reached)s of %(total)s", reached=3, total=5) in content


@pytest.mark.parametrize("size", [5, 50])
def test_event_list_query_count_does_not_grow(client, secretariat, django_assert_num_queries, size):
    _events_with_registrations(size)
    url = reverse("admin:events_event_changelist") + "?all="

    # session, user, permissions (2), count, filtered count, rows, date hierarchy (2)
    with django_assert_num_queries(9):
        response = client.get(url)

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == size


def test_publish_action(client, secretariat):
    draft = EventFactory(status=Event.Status.DRAFT)
    cancelled = EventFactory(status=Event.Status.CANCELLED)

    response = client.post(
        reverse("admin:events_event_changelist"),
        {"action": "publish_events", "_selected_action": [draft.pk, cancelled.pk]},
        follow=True,
    )

    assert (
        nl_plural("%(count)d event published.", "%(count)d events published.", 1) in response.content.decode()
    )
    draft.refresh_from_db()
    cancelled.refresh_from_db()
    assert (draft.status, cancelled.status) == ("published", "cancelled")


def test_cancel_action_asks_first_then_tells_registrants_after_commit(
    client, secretariat, django_capture_on_commit_callbacks
):
    event = EventFactory(title="Najaarscongres 2026")
    confirmed = RegistrationFactory(event=event, person=MemberFactory(first_name="Sanne"))
    waiting = RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)
    RegistrationFactory(event=event, status=Registration.Status.CANCELLED)
    url = reverse("admin:events_event_changelist")

    confirm = client.post(url, {"action": "cancel_events", "_selected_action": [event.pk]})

    assert confirm.status_code == 200
    assert (
        nl_plural("%(counter)s registrant will be told", "%(counter)s registrants will be told", 2)
        in confirm.content.decode()
    )
    event.refresh_from_db()
    assert event.status == "published" and mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"action": "cancel_events", "_selected_action": [event.pk], "post": "yes"}, follow=True
        )

    told = nl(
        "%(events)d event(s) cancelled; %(people)d registrant(s) are told by e-mail.", events=1, people=2
    )
    assert told in response.content.decode()
    event.refresh_from_db()
    assert event.status == "cancelled" and event.cancelled_at is not None
    assert sorted(m.to[0] for m in mail.outbox) == sorted([confirmed.person.email, waiting.person.email])
    message = next(m for m in mail.outbox if m.to == [confirmed.person.email])
    assert message.subject == nl("Cancelled: %(title)s", title="Najaarscongres 2026")
    assert "Sanne," in message.body.splitlines()[0]
    assert message.alternatives and message.alternatives[0][1] == "text/html"

    # Cancelling again tells nobody twice.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "cancel_events", "_selected_action": [event.pk], "post": "yes"})
    assert mail.outbox == []


def test_duplicate_action_copies_programme_rounds_and_workshops_a_year_later(client, secretariat):
    starts = timezone.make_aware(datetime.datetime(2026, 10, 8, 13, 0))
    event = EventFactory(
        title="Najaarscongres",
        slug="najaarscongres-2026",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=5),
        kind=Event.Kind.AUTUMN_CONGRESS,
    )
    ProgrammeItemFactory(event=event, title="Keynote")
    ProgrammeItemFactory(event=event, title="Borrel")
    first = RoundFactory(event=event, number=1)
    second = RoundFactory(event=event, number=2)
    SessionFactory(round=first, title="Energie", capacity=30)
    SessionFactory(round=second, title="Wonen")
    SessionFactory(round=second, title="Jeugd")
    RegistrationFactory(event=event)

    response = client.post(
        reverse("admin:events_event_changelist"),
        {"action": "duplicate_events", "_selected_action": [event.pk]},
        follow=True,
    )

    made = nl_plural(
        "%(count)d draft copy made: %(titles)s.",
        "%(count)d draft copies made: %(titles)s.",
        1,
        titles="Najaarscongres (14-10-2027)",
    )
    assert made in response.content.decode()
    copy = Event.objects.exclude(pk=event.pk).get()
    assert copy.status == "draft"
    assert copy.starts_at == timezone.make_aware(datetime.datetime(2027, 10, 14, 13, 0))  # Thursday, week 41
    assert copy.slug == "najaarscongres-2027"
    assert copy.kind == Event.Kind.AUTUMN_CONGRESS
    assert sorted(copy.programme.values_list("title", flat=True)) == ["Borrel", "Keynote"]
    assert list(copy.rounds.values_list("number", flat=True)) == [1, 2]
    assert sorted(Session.objects.filter(round__event=copy).values_list("title", "capacity")) == [
        ("Energie", 30),
        ("Jeugd", None),
        ("Wonen", None),
    ]
    assert not copy.registrations.exists()


def test_event_change_page_links_the_staff_pages_and_edits_rounds_inline(client, secretariat):
    event = EventFactory()
    round_ = RoundFactory(event=event, number=1)

    response = client.get(reverse("admin:events_event_change", args=[event.pk]))

    content = response.content.decode()
    for name in ("invitations", "checkin", "municipalities", "attendees", "badges"):
        assert reverse(f"admin:events_event_{name}", args=[event.pk]) in content
    assert reverse("admin:events_round_change", args=[round_.pk]) in content


def test_round_page_adds_workshops(client, secretariat):
    round_ = RoundFactory()
    url = reverse("admin:events_round_change", args=[round_.pk])
    data = {
        "event": round_.event.pk, "number": 1, "title": "Ronde 1", "starts_at": "", "ends_at": "",
        "sessions-TOTAL_FORMS": 1, "sessions-INITIAL_FORMS": 0,
        "sessions-MIN_NUM_FORMS": 0, "sessions-MAX_NUM_FORMS": 1000,
        "sessions-0-title": "Klimaatadaptatie", "sessions-0-speaker": "", "sessions-0-room": "Raadzaal",
        "sessions-0-capacity": "25", "sessions-0-places_per_municipality": "2", "sessions-0-description": "",
    }  # fmt: skip

    response = client.post(url, data)

    assert response.status_code == 302
    session = Session.objects.get(round=round_)
    assert (session.title, session.capacity, session.places_per_municipality) == ("Klimaatadaptatie", 25, 2)


def test_registration_filters_by_workshop_and_municipality(client, secretariat):
    choice = SessionChoiceFactory()
    event = choice.registration.event
    other = RegistrationFactory(event=event)
    url = reverse("admin:events_registration_changelist")

    by_session = client.get(url, {"event__id__exact": event.pk, "session": choice.session.pk})
    by_org = client.get(url, {"organisation": other.organisation.pk})
    by_attended = client.get(url, {"attended__exact": "1"})
    bad = client.get(url, {"session": "x"})

    assert list(by_session.context["cl"].result_list) == [choice.registration]
    assert list(by_org.context["cl"].result_list) == [other]
    assert list(by_attended.context["cl"].result_list) == []
    assert bad.status_code == 200 and list(bad.context["cl"].result_list) == []


def test_registration_admin_offers_no_add_or_delete(client, secretariat):
    registration = RegistrationFactory()
    assert client.get(reverse("admin:events_registration_add")).status_code == 403
    assert client.get(reverse("admin:events_registration_delete", args=[registration.pk])).status_code == 403


def _export(client, fmt: int, **filters):
    url = reverse("admin:events_registration_export")
    return client.post(
        url + ("?" + "&".join(f"{k}={v}" for k, v in filters.items()) if filters else ""),
        {"format": fmt, "export_items": []},
    )


def test_registrations_export_csv_and_xlsx(client, secretariat):
    choice = SessionChoiceFactory(
        registration__person=MemberFactory(first_name="Fleur", last_name="Bakker"),
        registration__remarks="vegetarisch",
        session__title="Energie",
    )
    event = choice.registration.event
    RegistrationFactory()  # another event: filtered out

    response = client.get(reverse("admin:events_registration_export") + f"?event__id__exact={event.pk}")
    assert response.status_code == 200
    form_data = {"format": "0"}
    for field in response.context["form"].fields:
        if field.startswith("registrationresource_"):
            form_data[field] = "on"
    form_data["resource"] = "0"
    csv_response = client.post(
        reverse("admin:events_registration_export") + f"?event__id__exact={event.pk}", form_data
    )

    assert csv_response.status_code == 200, csv_response.content[:500]
    header, *rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(header) == 12 and len(rows) == 1
    row = rows[0]
    assert row[1:4] == ["Fleur", "", "Bakker"]
    assert row[8].endswith("Energie")
    assert row[9] == "vegetarisch"

    form_data["format"] = "1"
    xlsx_response = client.post(
        reverse("admin:events_registration_export") + f"?event__id__exact={event.pk}", form_data
    )
    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    values = list(sheet.values)
    assert "Bakker" in values[1]


def test_counts_per_municipality_name_who_did_not_register(client, secretariat):
    event = EventFactory()
    delft, gouda, idle = (MunicipalityFactory(name=n) for n in ("Delft", "Gouda", "Katwijk"))
    RegistrationFactory(event=event, person=MemberFactory(organisation=delft))
    RegistrationFactory(event=event, person=MemberFactory(organisation=delft), attended=True)
    RegistrationFactory(
        event=event, person=MemberFactory(organisation=gouda), status=Registration.Status.WAITLISTED
    )

    response = client.get(reverse("admin:events_event_municipalities", args=[event.pk]))

    assert response.status_code == 200
    rows = {r.organisation.name: (r.confirmed, r.waitlisted, r.attended) for r in response.context["rows"]}
    assert rows == {"Delft": (2, 0, 1), "Gouda": (0, 1, 0)}
    assert [o.name for o in response.context["missing"]] == ["Katwijk"]
    assert (
        nl("%(reached)s of %(total)s member municipalities have registered.", reached=2, total=3)
        in response.content.decode()
    )


def test_staff_pages_of_a_missing_event_answer_404(client, secretariat):
    for name in ("invitations", "checkin", "municipalities", "attendees", "badges"):
        assert client.get(reverse(f"admin:events_event_{name}", args=[999999])).status_code == 404
