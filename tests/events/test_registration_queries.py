"""The registration POST under a rush: its database round trips pinned (issue 15, "Fast under a
rush"), the same at two sizes of the event (workshops, programme, registrations already made)."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events import services
from events.models import Registration
from tests.factories import MemberFactory

from .conftest import make_event, sessions_of

pytestmark = pytest.mark.django_db

# 16, and the event's own questions for the form (issue 15; an event without questions stores no
# answers and asks nothing more)
REGISTRATION_POST_QUERIES = 17


@pytest.mark.parametrize("size", [4, 40])
def test_the_registration_post_query_count_is_pinned_and_does_not_grow(client, size):
    event = make_event(rounds=2, sessions_per_round=size // 2, session_capacity=50, capacity=500)
    for item in range(size):
        event.programme.create(starts_at="10:00", title=f"Onderdeel {item}", order=item)
    rounds = sessions_of(event)
    for _ in range(size // 4):
        services.registration_create(
            event=event, person=MemberFactory(), session_ids=[r[0].pk for r in rounds]
        )
    person = MemberFactory()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(person.user)

    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("events:register", args=[event.slug]),
            {"round_1": rounds[0][1].pk, "round_2": rounds[1][0].pk, "remarks": ""},
        )

    assert response.status_code == 302
    assert Registration.objects.get(event=event, person=person).status == Registration.Status.CONFIRMED
    for number, query in enumerate(queries.captured_queries, 1):
        print(number, query["sql"][:160])
    assert len(queries) == REGISTRATION_POST_QUERIES


def test_a_registration_post_shown_again_counts_the_places_as_the_page_does(client):
    """The POST reads no places (the service counts under the lock); when the form comes back
    with an error, the workshops' free places and the event's state are as on the page."""
    event = make_event(rounds=1, sessions_per_round=2, session_capacity=5, capacity=2)
    first, second = sessions_of(event)[0]
    for _ in range(2):
        services.registration_create(event=event, person=MemberFactory(), session_ids=[first.pk])
    person = MemberFactory()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(person.user)
    url = reverse("events:register", args=[event.slug])

    shown = client.get(url).content.decode()
    again = client.post(url, {"remarks": "", "round_1": "not a workshop"})

    assert again.status_code == 200
    page = again.content.decode()
    assert "Workshop 1.1 — 3 places left" in page and "Workshop 1.2 — 5 places left" in page
    assert "Workshop 1.1 — 3 places left" in shown
    assert again.context["state"] == event.RegistrationState.FULL
    assert not Registration.objects.filter(event=event, person=person).exists()
