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
# answers and asks nothing more); then 16: the rounds and their workshops are one joined query
# on the POST (events/fast_reads.py event_rounds_rows), not the two reads of the prefetch; then
# 15: the person's registration is not read first, its INSERT writes nothing when there is one
# (events/views.py register, the fast attempt)
REGISTRATION_POST_QUERIES = 15


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


def rounds_shape(rounds, *, event=None) -> list[tuple]:
    """Each round's fields and its workshops' fields, in order; with `event`, also whether the
    round's event and each workshop's round are the very objects (cached, no query)."""
    return [
        (r.pk, r.number, r.title, r.starts_at, r.ends_at, r.optional, event is None or r.event is event)
        + tuple(
            (
                s.pk,
                s.round_id,
                s.title,
                s.description,
                s.speaker,
                s.room,
                s.capacity,
                s.places_per_municipality,
                event is None or s.round is r,
            )
            for s in r.sessions.all()
        )
        for r in rounds
    ]


def test_the_posts_rounds_in_one_query_are_what_the_orm_reads(django_assert_num_queries):
    """event_rounds_rows (one joined query) and event_rounds_build give the rounds by number and
    their workshops by pk as the prefetch does, a round without workshops included, with nothing
    left to query."""
    from datetime import time

    from events import selectors
    from events.fast_reads import event_rounds_build, event_rounds_rows
    from events.models import Round, Session

    event = make_event(rounds=3, sessions_per_round=2, session_capacity=7)
    Round.objects.create(event=event, number=0, title="Ronde leeg", starts_at=time(9), optional=True)
    Session.objects.filter(round__event=event, round__number=2).update(speaker="Spreker", room="Zaal 2")
    expected = selectors.event_rounds(event=event)
    event = selectors.event_for_registration(slug=event.slug)  # the page's read, for its fields
    fresh = type(event).objects.get(pk=event.pk)

    with django_assert_num_queries(1):
        rounds = event_rounds_build(event=fresh, rows=event_rounds_rows(event_id=fresh.pk))
    with django_assert_num_queries(0):
        assert list(fresh.rounds.all()) == rounds
        got = rounds_shape(rounds, event=fresh)
    want = rounds_shape(expected)
    assert got == want
    assert [r.number for r in rounds] == [0, 1, 2, 3] and len(got[0]) == 7  # the empty round


@pytest.mark.parametrize("with_relations", [True, False])
def test_the_posts_event_read_in_one_query_is_what_the_orm_reads(django_assert_num_queries, with_relations):
    """event_for_post_read (fixed SQL) gives the event with every field, and its host and network as
    select_related does (None when there is none); drafts are not found."""
    from events import selectors
    from events.fast_reads import LISTED_STATUSES, event_for_post_read
    from events.models import Event
    from tests.factories import MunicipalityFactory

    extra = {}
    if with_relations:
        from networks.models import Network

        network = Network.objects.create(name="Griffiersnetwerk", slug="griffiersnetwerk-fast")
        extra = {"host": MunicipalityFactory(), "network": network}
    event = make_event(capacity=12, **extra)
    draft = make_event(status=Event.Status.DRAFT)
    expected = selectors.event_for_page(slug=event.slug)

    def event_for_post(slug):
        rows = event_for_post_read().rows(slug, *LISTED_STATUSES)
        return event_for_post_read().instance(rows[0]) if rows else None

    with django_assert_num_queries(1):
        got = event_for_post(slug=event.slug)
    with django_assert_num_queries(0):
        host, network = got.host, got.network
    for field in Event._meta.concrete_fields:
        assert getattr(got, field.attname) == getattr(expected, field.attname), field.name
    assert host == expected.host and network == expected.network
    if with_relations:
        assert host.name == expected.host.name and network.name == "Griffiersnetwerk"
    assert got._state.adding is False and got._state.db == "default"
    assert event_for_post(slug=draft.slug) is None and event_for_post(slug="niet-bestaand") is None


def test_the_event_questions_read_in_one_query_are_what_the_orm_reads(django_assert_num_queries):
    """event_questions (fixed SQL) gives the event's questions with every field, in order."""
    from events.models import Question
    from events.questions import event_questions

    event, other = make_event(), make_event()
    assert event_questions(event=event) == []
    for order, (label, kind) in enumerate([("Lunch", "yes_no"), ("Dieet", "text"), ("Parkeren", "choice")]):
        Question.objects.create(
            event=event, label=label, kind=kind, order=2 - order // 2, options="Ja\nNee", required=order == 1
        )
    Question.objects.create(event=other, label="Elders")
    expected = list(Question.objects.filter(event=event).order_by("order", "pk"))

    with django_assert_num_queries(1):
        got = event_questions(event=event)
    assert [q.label for q in got] == ["Parkeren", "Lunch", "Dieet"] == [q.label for q in expected]
    for mine, theirs in zip(got, expected, strict=True):
        assert mine == theirs and mine._state.adding is False
        for field in Question._meta.concrete_fields:
            assert getattr(mine, field.attname) == getattr(theirs, field.attname), field.name


def test_the_persons_registration_read_in_one_query_is_what_the_orm_reads(django_assert_num_queries):
    """registration_of reads the registration with fixed SQL (one query without one; with one,
    its workshops too), every field as the ORM reads it."""
    from events import selectors
    from events.fast_reads import registration_row

    event = make_event(rounds=1)
    first = sessions_of(event)[0][0]
    person, other = MemberFactory(), MemberFactory()
    registration = services.registration_create(
        event=event, person=person, session_ids=[first.pk], remarks="Vegetarisch"
    )
    expected = Registration.objects.get(pk=registration.pk)

    with django_assert_num_queries(1):
        assert selectors.registration_of(event=event, person=other) is None
    with django_assert_num_queries(2):
        got = selectors.registration_of(event=event, person=person)
    with django_assert_num_queries(0):
        assert [c.session for c in got.choices.all()] == [first] and got.event is event
    for field in Registration._meta.concrete_fields:
        assert getattr(got, field.attname) == getattr(expected, field.attname), field.name
    assert got._state.adding is False
    assert registration_row(event=make_event(), person_id=person.pk) is None
