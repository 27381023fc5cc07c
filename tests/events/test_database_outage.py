"""A database that is out of reach for a moment (a PostgreSQL restart) costs the member no lost
work and no error page: the registration form says plainly that nothing was stored and keeps
what was entered; other pages answer 503 "temporarily unavailable"; kept connections are
checked before reuse."""

import re
from unittest import mock

import pytest
from django.conf import settings
from django.db import OperationalError
from django.urls import reverse

from events import services
from events.models import Registration
from tests.factories import MemberFactory
from tests.members.test_login_limits import production_setting

from .conftest import make_event, sessions_of

pytestmark = pytest.mark.django_db

LOST = OperationalError("server closed the connection unexpectedly")


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def member(client):
    person = MemberFactory()
    client.force_login(person.user)
    return person


def test_registration_during_a_database_restart_says_nothing_was_stored_and_keeps_the_form(client, member):
    event = make_event(rounds=2)
    rounds = sessions_of(event)
    url = reverse("events:register", args=[event.slug])
    entered = {"round_1": rounds[0][1].pk, "round_2": rounds[1][0].pk, "remarks": "Glutenvrij"}

    # The connection drops half-way through the service's transaction (the row is already written).
    with mock.patch.object(services, "_set_choices", side_effect=LOST):
        response = client.post(url, entered)

    assert response.status_code == 503
    page = response.content.decode()
    assert "Nothing has been stored" in page and "submit the form again" in page
    assert "Glutenvrij" in page
    assert re.search(rf'value="{rounds[0][1].pk}"[^>]*checked', page)
    assert not Registration.objects.filter(event=event).exists()

    # Submitting again works.
    again = client.post(url, entered)
    assert again.status_code == 302
    assert Registration.objects.get(event=event, person=member).remarks == "Glutenvrij"


def test_changing_a_registration_during_a_database_restart_says_so_too(client, member):
    event = make_event(rounds=1)
    first, second = sessions_of(event)[0]
    registration = services.registration_create(event=event, person=member, session_ids=[first.pk])

    with mock.patch.object(services, "_set_choices", side_effect=LOST):
        response = client.post(
            reverse("events:registration_change", args=[registration.pk]),
            {"round_1": second.pk, "remarks": "Later"},
        )

    assert response.status_code == 503
    assert "Nothing has been stored" in response.content.decode() and "Later" in response.content.decode()
    assert list(registration.choices.values_list("session_id", flat=True)) == [first.pk]


def test_any_page_that_loses_the_database_answers_503_not_500(client):
    with mock.patch("events.views.selectors.agenda_themes", side_effect=LOST):
        response = client.get(reverse("events:agenda"))

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Temporarily unavailable" in response.content.decode()


def test_the_unavailable_page_is_dutch_by_default(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    with mock.patch("events.views.selectors.agenda_themes", side_effect=LOST):
        response = client.get(reverse("events:agenda"))

    assert response.status_code == 503
    assert "Tijdelijk niet beschikbaar" in response.content.decode()


def test_production_checks_kept_database_connections_before_reuse():
    database = production_setting("DATABASES")["default"]
    assert database["CONN_MAX_AGE"] > 0
    assert database["CONN_HEALTH_CHECKS"] is True
