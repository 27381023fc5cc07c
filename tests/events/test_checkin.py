"""The check-in page for the day: search by name, tick present per row, counts present/confirmed.
Plain forms (GET search, POST per row), so it works on a phone without JavaScript."""

import html

import pytest
from django.urls import reverse

from events import services
from events.models import Registration
from members import services as member_services
from tests.events.staff_factories import EventFactory, RegistrationFactory, SessionChoiceFactory, nl
from tests.factories import MemberFactory, UserFactory
from vzhg.errors import ServiceError

pytestmark = pytest.mark.django_db


def _counts(present: int, confirmed: int) -> str:
    return nl(
        "<strong>%(present)s</strong> present of <strong>%(confirmed)s</strong> confirmed",
        present=present,
        confirmed=confirmed,
    )


@pytest.fixture
def secretariat(client):
    user = UserFactory(is_staff=True)
    user.groups.add(member_services.secretariat_group_ensure())
    client.force_login(user)
    return user


@pytest.fixture
def event():
    event = EventFactory(title="ALV en voorjaarscongres")
    RegistrationFactory(event=event, person=MemberFactory(first_name="Anouk", last_name="Visser"))
    RegistrationFactory(
        event=event, person=MemberFactory(first_name="Bas", tussenvoegsel="de", last_name="Jong")
    )
    RegistrationFactory(
        event=event,
        person=MemberFactory(first_name="Cor", last_name="Visser"),
        status=Registration.Status.WAITLISTED,
    )
    return event


def test_lists_confirmed_people_and_searches_by_name(client, secretariat, event):
    url = reverse("admin:events_event_checkin", args=[event.pk])

    everyone = client.get(url)
    found = client.get(url, {"q": "visser"})
    nobody = client.get(url, {"q": "zzz"})

    assert [r.person.first_name for r in everyone.context["registrations"]] == ["Bas", "Anouk"]
    assert [r.person.first_name for r in found.context["registrations"]] == ["Anouk"]  # Cor is waiting
    assert nl("Nobody found with that name.") in nobody.content.decode()
    assert _counts(0, 2) in everyone.content.decode()


def test_tick_present_and_undo(client, secretariat, event):
    url = reverse("admin:events_event_checkin", args=[event.pk])
    anouk = event.registrations.get(person__first_name="Anouk")

    response = client.post(url, {"registration": anouk.pk, "present": "1", "q": "viss"})

    assert response.status_code == 302
    assert response["Location"] == f"{url}?q=viss#results"
    anouk.refresh_from_db()
    assert anouk.attended and anouk.attended_at is not None
    page = client.get(url, {"q": "viss"})
    assert nl("%(name)s is present.", name="Anouk Visser") in page.content.decode()
    assert _counts(1, 2) in page.content.decode()

    client.post(url, {"registration": anouk.pk, "present": "0"})
    anouk.refresh_from_db()
    assert not anouk.attended and anouk.attended_at is None


def test_bad_rows_get_a_message_not_an_error(client, secretariat, event):
    url = reverse("admin:events_event_checkin", args=[event.pk])
    cor = event.registrations.get(person__first_name="Cor")
    elsewhere = RegistrationFactory()

    for data in ({"registration": "x"}, {"registration": elsewhere.pk, "present": "1"}, {}):
        response = client.post(url, data, follow=True)
        assert response.status_code == 200
        assert nl("That registration is not on this event's list.") in html.unescape(
            response.content.decode()
        )
    response = client.post(url, {"registration": cor.pk, "present": "1"}, follow=True)
    assert nl("Only confirmed registrations can be checked in.") in response.content.decode()
    elsewhere.refresh_from_db()
    cor.refresh_from_db()
    assert not elsewhere.attended and not cor.attended


def test_page_has_no_inline_script_or_style(client, secretariat, event):
    content = client.get(reverse("admin:events_event_checkin", args=[event.pk])).content.decode()
    assert "<script>" not in content and " style=" not in content
    assert 'name="viewport"' in content


@pytest.mark.parametrize("size", [5, 50])
def test_query_count_does_not_grow(client, secretariat, django_assert_num_queries, size):
    event = EventFactory()
    for _ in range(size):
        SessionChoiceFactory(registration__event=event, session__round__event=event)

    # session, user, permissions (2), event, counts, registrations, their choices; and since the
    # scanner and walk-ins (issue 15): municipalities present, the walk-ins, the walk-in form's
    # organisations; the event's own questions for the answer counts (none here: no second query)
    with django_assert_num_queries(12):
        response = client.get(reverse("admin:events_event_checkin", args=[event.pk]))
    assert len(response.context["registrations"]) == size


def test_service_requires_a_confirmed_registration():
    registration = RegistrationFactory(status=Registration.Status.CANCELLED)
    with pytest.raises(ServiceError):
        services.registration_check_in(registration=registration, actor=None)


def test_check_in_needs_the_change_right(client, event):
    from django.contrib.auth.models import Permission

    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_registration"))
    client.force_login(user)
    assert client.get(reverse("admin:events_event_checkin", args=[event.pk])).status_code == 403
