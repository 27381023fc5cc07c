"""Walk-ins (added at the door, no Person row: a name, a municipality and an optional e-mail on
the registration) are on the attendee list and badge PDFs, on the attendee list with answers, and
in the AVG export of the person whose address the door staff typed in (issue 15)."""

import io
import json

import pytest
from django.urls import reverse
from pypdf import PdfReader

from events import checkin, personal_data
from members import services as member_services
from tests.events.staff_factories import EventFactory, RegistrationFactory, nl, nl_plural
from tests.factories import MemberFactory, MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat(client):
    user = UserFactory(is_staff=True)
    user.groups.add(member_services.secretariat_group_ensure())
    client.force_login(user)
    return user


@pytest.fixture
def event(secretariat):
    event = EventFactory(title="Najaarscongres 2026")
    RegistrationFactory(event=event, person=MemberFactory(first_name="Anouk", last_name="Visser"))
    checkin.registration_walk_in_create(
        event=event,
        name="Wim Binnenloper",
        organisation=MunicipalityFactory(name="Katwijk"),
        email="Wim@Example.org",
        actor=secretariat,
    )
    return event


def _pdf_text(response) -> list[str]:
    assert response.status_code == 200
    return [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]


def test_a_walk_in_is_on_the_attendee_list_pdf_with_municipality(client, event):
    (text,) = _pdf_text(client.get(reverse("admin:events_event_attendees", args=[event.pk])))

    assert "Wim Binnenloper" in text and "Katwijk" in text
    assert nl("walk-in") in text
    assert "Visser, Anouk" in text
    assert "wim@example.org" not in text  # the list shows no addresses
    assert nl_plural("%(counter)s confirmed registration", "%(counter)s confirmed registrations", 2) in text


def test_a_walk_in_gets_a_badge(client, event):
    (text,) = _pdf_text(client.get(reverse("admin:events_event_badges", args=[event.pk])))

    assert "Wim Binnenloper" in text and "Katwijk" in text
    assert text.count("Najaarscongres 2026") == 2


def test_a_walk_in_is_on_the_attendee_list_with_answers(client, event):
    response = client.get(reverse("admin:events_event_answers", args=[event.pk]))

    rows = response.context["rows"]
    assert [registration.walk_in_name or registration.person.last_name for registration, _ in rows] == [
        "Visser",
        "Wim Binnenloper",
    ]
    content = response.content.decode()
    assert "Wim Binnenloper" in content and "Katwijk" in content


def test_a_cancelled_or_anonymised_registration_is_not_on_the_list(client, event):
    RegistrationFactory(event=event, person=None)  # a registration whose person was erased
    response = client.get(reverse("admin:events_event_answers", args=[event.pk]))
    assert len(response.context["rows"]) == 2


def test_the_avg_export_lists_walk_ins_under_my_address(client, event):
    person = MemberFactory(email="wim@example.org")
    client.force_login(person.user)

    data = json.loads(client.get("/profiel/mijn-gegevens.json").content)

    (row,) = data["event_walk_ins"]
    assert row["event"] == "Najaarscongres 2026"
    assert row["name"] == "Wim Binnenloper"
    assert row["organisation"] == "Katwijk"
    assert row["email"] == "wim@example.org"
    assert row["attended"] is True and row["checked_in_at"]
    assert data["event_registrations"] == []


def test_the_avg_export_does_not_list_someone_elses_walk_in(event):
    other = MemberFactory(email="anders@example.org")
    assert personal_data.export(person=other, addresses={"anders@example.org"})["event_walk_ins"] == []
    assert personal_data.export(person=other, addresses=set())["event_walk_ins"] == []
