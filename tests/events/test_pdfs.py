"""The attendee list and the name badges as PDF (WeasyPrint through vzhg.pdf.render_pdf)."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from members import services as member_services
from members.models import Person
from tests.events.staff_factories import EventFactory, RegistrationFactory, SessionChoiceFactory
from tests.factories import MemberFactory, MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat(client):
    user = UserFactory(is_staff=True)
    user.groups.add(member_services.secretariat_group_ensure())
    client.force_login(user)
    return user


def _pdf_text(response) -> tuple[PdfReader, str]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_attendee_list(client, secretariat):
    event = EventFactory(title="Najaarscongres 2026")
    leiden = MunicipalityFactory(name="Leiden")
    choice = SessionChoiceFactory(
        registration__event=event,
        session__round__event=event,
        session__title="Klimaatadaptatie",
        registration__person=MemberFactory(first_name="Noor", tussenvoegsel="van", last_name="Dijk",
                                           organisation=leiden, function=Person.Function.GRIFFIER),
        registration__remarks="vegetarisch",
    )  # fmt: skip
    RegistrationFactory(event=event, status="waitlisted", person=MemberFactory(last_name="Wachtlijst"))

    reader, text = _pdf_text(client.get(reverse("admin:events_event_attendees", args=[event.pk])))

    assert "Najaarscongres 2026" in text
    assert "Dijk, Noor van" in text
    assert "Leiden" in text
    assert "Klimaatadaptatie" in text
    assert "vegetarisch" in text
    assert "Wachtlijst" not in text  # only confirmed registrants are on the list
    assert choice.registration.person.email not in text


def test_badges_eight_per_a4_page(client, secretariat):
    event = EventFactory(title="ALV en voorjaarscongres")
    gouda = MunicipalityFactory(name="Gouda")
    for i in range(9):
        RegistrationFactory(
            event=event,
            person=MemberFactory(
                first_name=f"Naam{i}",
                last_name="Badge",
                organisation=gouda,
                function=Person.Function.WETHOUDER,
                job_title="wethouder Financiën" if i == 0 else "",
            ),
        )

    reader, text = _pdf_text(client.get(reverse("admin:events_event_badges", args=[event.pk])))

    assert len(reader.pages) == 2
    first, second = (page.extract_text() for page in reader.pages)
    assert sum(f"Naam{i} Badge" in first for i in range(9)) == 8
    assert "Naam8 Badge" in second
    assert "wethouder Financiën" in first
    assert first.count("Gouda") == 8 and first.count("ALV en voorjaarscongres") == 8
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (595, 842)  # A4 in points


def test_pdfs_are_for_staff_only(client):
    event = EventFactory()
    member = MemberFactory()
    client.force_login(member.user)
    for name in ("attendees", "badges"):
        response = client.get(reverse(f"admin:events_event_{name}", args=[event.pk]))
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("page", ["admin:events_event_attendees", "admin:events_event_badges"])
def test_a_repeat_request_is_not_rendered_again_until_the_list_changes(client, secretariat, page):
    """WeasyPrint runs once per version of the list: a second GET comes from the cache, a new
    registration (or a changed name) makes a new PDF."""
    from unittest import mock

    from events import pdfs

    event = EventFactory(title="Voorjaarscongres")
    person = MemberFactory(first_name="Eva", last_name="Bakker")
    RegistrationFactory(event=event, person=person)
    url = reverse(page, args=[event.pk])

    with mock.patch.object(pdfs, "render_pdf", wraps=pdfs.render_pdf) as render:
        first = client.get(url)
        second = client.get(url)
        assert render.call_count == 1
        assert second.content == first.content

        RegistrationFactory(event=event, person=MemberFactory(first_name="Sam", last_name="Smit"))
        third = client.get(url)
        assert render.call_count == 2
        assert "Smit" in _pdf_text(third)[1]

        person.last_name = "Bakker-de Wit"
        person.save()
        client.get(url)
        assert render.call_count == 3
