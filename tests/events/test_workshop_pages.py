"""The member's side of ranked workshop choices: the form's rank selects per round, and "my
registrations" with the ranks and what was assigned (its query count pinned at two sizes)."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from events import services
from events.forms import RankedRegistrationForm
from events.models import Event, Registration, SessionChoice
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


def ranked_event(session_capacity=1, **fields):
    return make_event(
        rounds=2, sessions_per_round=3, session_capacity=session_capacity, workshop_ranks=2, **fields
    )


def test_the_form_shows_rank_selects_per_round(client, member):
    event = ranked_event()
    page = client.get(reverse("events:register", args=[event.slug])).content.decode()
    for name in ("round_1_rank_1", "round_1_rank_2", "round_2_rank_1", "round_2_rank_2"):
        assert f'name="{name}"' in page
    assert "Choice 2" in page and "Workshop 2.3" in page


def test_the_form_refuses_the_same_workshop_twice_and_gaps():
    event = ranked_event()
    (a, b, _c), (d, _e, _f) = sessions_of(event)
    rounds = list(event.rounds.prefetch_related("sessions"))

    def form(**data):
        return RankedRegistrationForm(data, rounds=rounds, ranks=2)

    twice = form(round_1_rank_1=a.pk, round_1_rank_2=a.pk, round_2_rank_1=d.pk)
    assert not twice.is_valid() and list(twice.errors) == ["round_1_rank_2"]  # on the repeat
    gap = form(round_1_rank_2=a.pk, round_2_rank_1=d.pk)
    assert not gap.is_valid() and "round_1_rank_1" in gap.errors  # the first choice is required
    three = RankedRegistrationForm(
        {"round_1_rank_1": a.pk, "round_1_rank_3": b.pk, "round_2_rank_1": d.pk}, rounds=rounds, ranks=3
    )
    assert not three.is_valid() and list(three.errors) == ["round_1_rank_2"]  # on the empty one
    assert "first choice first" in three.errors["round_1_rank_2"][0]
    good = form(round_1_rank_1=b.pk, round_1_rank_2=a.pk, round_2_rank_1=d.pk)
    assert good.is_valid(), good.errors
    assert good.ranking() == {rounds[0].pk: [b.pk, a.pk], rounds[1].pk: [d.pk]}


def test_registering_with_ranks_and_seeing_what_i_got(client, member):
    event = ranked_event()
    (a, b, _c), (d, e, _f) = sessions_of(event)
    services.registration_create(
        event=event,
        person=MemberFactory(),
        session_ids=[],
        ranking={a.round_id: [a.pk], d.round_id: [d.pk]},
    )  # takes the one place of a and of d

    response = client.post(
        reverse("events:register", args=[event.slug]),
        {"round_1_rank_1": a.pk, "round_1_rank_2": b.pk, "round_2_rank_1": d.pk, "remarks": ""},
    )

    assert response.status_code == 302
    registration = Registration.objects.get(event=event, person=member)
    assert registration.status == Registration.Status.CONFIRMED  # a full workshop keeps the event place
    assert list(registration.choices.values_list("session_id", flat=True)) == [b.pk]
    page = client.get(reverse("events:mine")).content.decode()
    assert "You got: Workshop 1.2" in page
    assert "Your choices are full: you are on their waiting lists." in page  # round 2
    assert "Workshop 1.1" in page  # the first choice is listed with the ranks
    assert e.title not in page  # not ranked, not shown


@pytest.mark.parametrize("size", [2, 8])
def test_my_registrations_query_count_does_not_grow(client, member, django_assert_num_queries, size):
    for _ in range(size):
        event = ranked_event(session_capacity=None)
        (a, b, _c), (d, _e, _f) = sessions_of(event)
        services.registration_create(
            event=event, person=member, session_ids=[], ranking={a.round_id: [a.pk, b.pk], d.round_id: [d.pk]}
        )
    with django_assert_num_queries(7):
        page = client.get(reverse("events:mine")).content.decode()
    assert page.count("You got:") == 2 * size


def test_an_error_keeps_every_choice_and_points_at_the_select_to_fix(client, member):
    event = ranked_event(session_capacity=None)
    (a, b, _c), (d, e, _f) = sessions_of(event)
    data = {"round_1_rank_1": a.pk, "round_1_rank_2": a.pk, "round_2_rank_2": e.pk, "remarks": "Vegetarisch"}

    response = client.post(reverse("events:register", args=[event.slug]), data)

    page = response.content.decode()
    assert response.status_code == 200 and not Registration.objects.filter(event=event).exists()
    assert "Choose a workshop only once in Ronde 1." in page
    assert "Choose your first choice for Ronde 2." in page
    assert re.search(r'id="id_round_1_rank_2"[^>]*aria-invalid="true"', page)  # the repeat
    assert re.search(r'id="id_round_2_rank_1"[^>]*aria-invalid="true"', page)  # the missing first
    assert not re.search(r'id="id_round_1_rank_1"[^>]*aria-invalid', page)
    assert 'href="#id_round_1_rank_2"' in page  # the summary's link goes to that select
    for name, session in (("round_1_rank_1", a), ("round_1_rank_2", a), ("round_2_rank_2", e)):
        select = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S).group(0)
        assert f'value="{session.pk}" selected' in select  # nothing lost
    assert "Vegetarisch" in page


def test_the_errors_are_dutch(client, member):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    event = ranked_event(session_capacity=None)
    (a, _b, _c), (d, _e, _f) = sessions_of(event)
    page = client.post(
        reverse("events:register", args=[event.slug]),
        {"round_1_rank_1": a.pk, "round_1_rank_2": a.pk, "remarks": ""},
    ).content.decode()
    assert "Kies een workshop maar één keer in Ronde 1." in page
    assert "Kies je eerste keuze voor Ronde 2." in page


def test_the_event_page_shows_my_ranks_and_later_what_i_got(client, member):
    event = ranked_event(session_capacity=None, workshop_allocation=Event.WorkshopAllocation.AFTER_CLOSING)
    (a, b, _c), (d, e, _f) = sessions_of(event)
    registration = services.registration_create(
        event=event, person=member, session_ids=[], ranking={a.round_id: [b.pk, a.pk], d.round_id: [e.pk]}
    )

    page = client.get(event.get_absolute_url()).content.decode()
    mine = re.search(r'<div class="my-workshops".*?</div>', page, re.S).group(0)
    assert "Your workshop choices" in page
    assert mine.index("Workshop 1.2") < mine.index("Workshop 1.1")  # in my order
    assert "Workshop 2.2" in mine and "Workshop 2.1" not in mine
    assert "Workshops are assigned after registration closes." in mine

    SessionChoice.objects.create(registration=registration, round=b.round, session=b)  # as applied
    mine = re.search(
        r'<div class="my-workshops".*?</div>', client.get(event.get_absolute_url()).content.decode(), re.S
    )
    assert "You got: Workshop 1.2" in mine.group(0)


@pytest.mark.parametrize("size", [2, 8])
def test_the_ranked_event_page_query_count_does_not_grow(client, member, django_assert_num_queries, size):
    event = make_event(rounds=2, sessions_per_round=size, session_capacity=20, workshop_ranks=3)
    grid = sessions_of(event)
    services.registration_create(
        event=event,
        person=member,
        session_ids=[],
        ranking={r[0].round_id: [s.pk for s in r[:3]] for r in grid},
    )
    # the 9 of an event page with workshops, its materials (issue 16), and the ranks of my
    # registration
    with django_assert_num_queries(11):
        page = client.get(event.get_absolute_url()).content.decode()
    assert page.count("You got:") == 2
