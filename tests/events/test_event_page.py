"""What the event pages tell a member about their own registration, and how the registration
form reports its errors (summary with focus, aria-invalid, "Error:" in the title)."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from events import services
from tests.factories import MemberFactory

from .conftest import make_event, sessions_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def member(client):
    person = MemberFactory()
    client.force_login(person.user)
    return person


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


def test_after_registering_the_event_page_lists_the_workshops_i_chose(client, member):
    event = make_event(rounds=2)
    rounds = sessions_of(event)
    services.registration_create(event=event, person=member, session_ids=[rounds[0][1].pk, rounds[1][0].pk])

    page = client.get(event.get_absolute_url()).content.decode()

    mine = re.search(r'<ul class="my-workshops".*?</ul>', page, re.S).group(0)
    assert "Your workshops" in page
    assert "Workshop 1.2" in mine and "Workshop 2.1" in mine
    assert "Workshop 1.1" not in mine and "Workshop 2.2" not in mine
    assert mine.index("Ronde 1") < mine.index("Ronde 2")


def test_a_logged_in_member_is_not_told_to_log_in_to_register(client, member):
    make_event()
    assert "Log in to register" not in client.get(reverse("events:agenda")).content.decode()
    client.logout()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # logging out forgets the cookies
    assert "Log in to register" in client.get(reverse("events:agenda")).content.decode()


def test_the_button_of_a_full_event_says_waiting_list(client, member):
    full = make_event(capacity=1)
    services.registration_create(event=full, person=MemberFactory(), session_ids=[])
    open_ = make_event(capacity=10)

    full_page = client.get(reverse("events:register", args=[full.slug])).content.decode()
    open_page = client.get(reverse("events:register", args=[open_.slug])).content.decode()

    assert re.search(r'<button type="submit"[^>]*>Join the waiting list</button>', full_page)
    assert "Confirm registration" not in full_page
    assert re.search(r'<button type="submit"[^>]*>Confirm registration</button>', open_page)


def test_my_cancelled_registration_reads_as_my_registration_cancelled(client, member):
    event = make_event()
    registration = services.registration_create(event=event, person=member, session_ids=[])
    services.registration_cancel(registration=registration)

    page = client.get(reverse("events:mine")).content.decode()

    assert "(your registration was cancelled)" in page
    assert "(cancelled)" not in page


def test_registration_errors_are_summarised_focused_and_tied_to_the_fields(client, member):
    event = make_event(rounds=2)
    response = client.post(
        reverse("events:register", args=[event.slug]),
        {"round_1": sessions_of(event)[0][0].pk, "remarks": "x" * 1001},
    )
    page = response.content.decode()

    assert _title(page).startswith("Error:")
    summary = re.search(r"<div[^>]*data-error-summary[^>]*>.*?</div>", page, re.S).group(0)
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary
    # each error links to its field: the round to its first radio, the remarks to the textarea
    assert 'href="#id_round_2_0"' in summary and 'href="#id_remarks"' in summary
    radios = re.findall(r'<input class="form-check-input" type="radio" name="round_2"[^>]*>', page)
    assert radios and all(
        'aria-invalid="true"' in radio and 'aria-describedby="id_round_2-error"' in radio for radio in radios
    )
    assert 'id="id_round_2-error"' in page
    remarks = re.search(r"<textarea[^>]*>", page).group(0)
    assert 'aria-invalid="true"' in remarks and "remarks-error" in remarks
    assert 'id="remarks-error"' in page


def test_a_page_without_errors_has_a_plain_title(client, member):
    event = make_event(rounds=1)
    page = client.get(reverse("events:register", args=[event.slug])).content.decode()
    assert not _title(page).startswith("Error:")
    assert "data-error-summary" not in page
