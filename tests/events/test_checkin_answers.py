"""The counts per own question on the check-in page (issue 15): the door staff see "Lunch: 34
ja" without names; a sensitive question only as counts of a choice, a sensitive text not at all."""

import pytest
from django.urls import reverse

from events.models import Question, Registration
from events.questions import registration_answers_save
from members import services as member_services
from tests.events.staff_factories import EventFactory, RegistrationFactory, nl
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat(client):
    user = UserFactory(is_staff=True)
    user.groups.add(member_services.secretariat_group_ensure())
    client.force_login(user)
    return user


def _questions(event) -> dict[str, Question]:
    return {
        "lunch": Question.objects.create(event=event, label="Lunch", kind=Question.Kind.YES_NO, order=1),
        "parking": Question.objects.create(
            event=event, label="Parkeren", kind=Question.Kind.CHOICE, options="Auto\nFiets", order=2
        ),
        "diet": Question.objects.create(
            event=event, label="Dieetwensen", kind=Question.Kind.TEXT, sensitive=True, order=3
        ),
        "allergy": Question.objects.create(
            event=event,
            label="Allergie",
            kind=Question.Kind.MULTIPLE,
            options="Noten\nGluten",
            sensitive=True,
            order=4,
        ),
    }


def _register(event, questions, n, answers, **fields):
    for _ in range(n):
        registration = RegistrationFactory(event=event, **fields)
        registration_answers_save(
            registration=registration, answers={questions[key].pk: value for key, value in answers.items()}
        )


def _panel(content: str) -> str:
    start = content.index('id="answer-counts"')
    return content[start : content.index("</section>", start)]


def test_the_door_sees_the_counts_per_question_without_names(client, secretariat):
    event = EventFactory()
    questions = _questions(event)
    _register(
        event, questions, 3, {"lunch": "yes", "parking": "Auto", "diet": "vegan", "allergy": "Noten\nGluten"}
    )
    _register(event, questions, 1, {"lunch": "no", "parking": "Fiets"})
    _register(event, questions, 2, {"lunch": "yes"}, status=Registration.Status.WAITLISTED)  # not counted
    RegistrationFactory(event=event, person=MemberFactory(first_name="Zichtbaar", last_name="Nergens"))

    content = client.get(reverse("admin:events_event_checkin", args=[event.pk])).content.decode()

    panel = _panel(content)
    assert f"<strong>Lunch</strong>: 3 {nl('yes')}, 1 {nl('no')}" in panel
    assert "<strong>Parkeren</strong>: 3 Auto, 1 Fiets" in panel
    assert "<strong>Allergie</strong>: 3 Noten, 3 Gluten" in panel  # a sensitive choice: counts only
    assert "Dieetwensen" not in panel and "vegan" not in content  # a sensitive text: not at all
    assert "Nergens" not in panel


def test_no_questions_no_panel(client, secretariat):
    event = EventFactory()
    RegistrationFactory(event=event)
    content = client.get(reverse("admin:events_event_checkin", args=[event.pk])).content.decode()
    assert 'id="answer-counts"' not in content


@pytest.mark.parametrize("size", [5, 50])
def test_the_counts_cost_two_queries_whatever_the_number_of_registrations(
    client, secretariat, django_assert_num_queries, size
):
    event = EventFactory()
    questions = _questions(event)
    _register(event, questions, size, {"lunch": "yes", "parking": "Fiets", "allergy": "Noten"})

    # as test_checkin's pin (11 before the panel), plus the questions and the answers grouped by text
    with django_assert_num_queries(13):
        response = client.get(reverse("admin:events_event_checkin", args=[event.pk]))
    assert f"<strong>Lunch</strong>: {size} {nl('yes')}" in response.content.decode()
