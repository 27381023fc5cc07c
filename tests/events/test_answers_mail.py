"""The member's own answers in the mail that confirms a place (issue 15): listed in the text and
HTML part, except the answers to questions marked sensitive (the outbox keeps a copy of the mail
after the retention job has cleared them): the mail only says they are not in it."""

import email
import email.policy

import pytest
from django.core import mail
from django.urls import reverse

from events import services
from events.models import Question, Registration
from events.questions import registration_answers_save
from tests.events.staff_factories import nl
from tests.factories import MemberFactory

from .conftest import make_event

pytestmark = pytest.mark.django_db

CONFIDENTIAL = (
    "Your answers to confidential questions are not in this e-mail; "
    "you see them when you change your registration."
)


def _questions(event) -> dict[str, Question]:
    return {
        "lunch": Question.objects.create(
            event=event, label="Blijf je voor de lunch?", kind=Question.Kind.YES_NO, order=1
        ),
        "diet": Question.objects.create(
            event=event, label="Dieetwensen", kind=Question.Kind.TEXT, sensitive=True, order=2
        ),
        "catering": Question.objects.create(
            event=event, label="Broodjes & soep", kind=Question.Kind.TEXT, order=3
        ),
    }


def _parsed(person):
    """The one mail to `person` as a mail program reads it (bytes through the stdlib parser):
    its text and HTML part."""
    (message,) = [m for m in mail.outbox if m.to == [person.email]]
    parsed = email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)
    text = parsed.get_body(preferencelist=("plain",)).get_content()
    html = parsed.get_body(preferencelist=("html",)).get_content()
    return text, html


def test_the_confirmation_lists_my_answers_but_not_the_sensitive_ones(
    client, django_capture_on_commit_callbacks
):
    event = make_event()
    questions = _questions(event)
    person = MemberFactory()
    client.force_login(person.user)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("events:register", args=[event.slug]),
            {
                f"question_{questions['lunch'].pk}": "yes",
                f"question_{questions['diet'].pk}": "glutenvrij",
                f"question_{questions['catering'].pk}": "Tomaat & 'basilicum'",
                "remarks": "",
            },
        )

    assert response.status_code == 302
    text, html = _parsed(person)
    assert f"{nl('Your answers')}:\n- Blijf je voor de lunch?: {nl('yes')}\n" in text
    assert "- Broodjes & soep: Tomaat & 'basilicum'\n" in text  # no HTML entities in the text part
    assert "&amp;" not in text and "&#x27;" not in text
    assert "<li>Broodjes &amp; soep: Tomaat &amp; &#x27;basilicum&#x27;</li>" in html
    for part in (text, html):
        assert "glutenvrij" not in part
        assert nl(CONFIDENTIAL) in part
    # The answers were stored as before.
    registration = Registration.objects.get(event=event, person=person)
    assert registration.answers.count() == 3


def test_without_sensitive_answers_the_mail_says_nothing_about_them(django_capture_on_commit_callbacks):
    event = make_event()
    questions = _questions(event)
    person = MemberFactory()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.registration_create(
            event=event,
            person=person,
            session_ids=[],
            answers={questions["lunch"].pk: "no"},
        )

    text, html = _parsed(person)
    assert f"- Blijf je voor de lunch?: {nl('no')}" in text
    assert nl(CONFIDENTIAL) not in text and nl(CONFIDENTIAL) not in html


def test_an_event_without_questions_lists_no_answers(django_capture_on_commit_callbacks):
    event = make_event()
    person = MemberFactory()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_create(event=event, person=person, session_ids=[])
    text, html = _parsed(person)
    assert nl("Your answers") not in text and nl("Your answers") not in html


def test_the_waiting_list_mail_lists_no_answers_and_the_promotion_does(django_capture_on_commit_callbacks):
    event = make_event(capacity=1)
    questions = _questions(event)
    first = services.registration_create(event=event, person=MemberFactory(), session_ids=[])
    person = MemberFactory()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        waiting = services.registration_create(
            event=event,
            person=person,
            session_ids=[],
            answers={questions["lunch"].pk: "yes", questions["diet"].pk: "halal"},
        )
    assert waiting.status == Registration.Status.WAITLISTED
    text, _html = _parsed(person)
    assert nl("Your answers") not in text

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=first)

    text, html = _parsed(person)
    assert f"- Blijf je voor de lunch?: {nl('yes')}" in text
    assert "halal" not in text and "halal" not in html
    assert nl(CONFIDENTIAL) in text


def test_answers_saved_later_reach_a_mail_rendered_without_them():
    """registration_answer_lines reads the answers itself when the caller has none (a worker
    rendering the mail after commit)."""
    from events.emails import registration_answer_lines

    event = make_event()
    questions = _questions(event)
    registration = services.registration_create(event=event, person=MemberFactory(), session_ids=[])
    registration_answers_save(
        registration=registration,
        answers={questions["catering"].pk: "soep", questions["diet"].pk: "vegan"},
    )

    lines = registration_answer_lines(registration=registration)
    assert lines.lines == [("Broodjes & soep", "soep")] and lines.confidential


def test_the_changed_mail_lists_the_changed_answers(client, django_capture_on_commit_callbacks):
    """The page "Aanmelding wijzigen" stores the answers in the change's transaction before the "changed"
    mail is rendered: the mail lists the new answers, not the old, and not the sensitive one."""
    event = make_event()
    questions = _questions(event)
    person = MemberFactory()
    registration = services.registration_create(
        event=event, person=person, session_ids=[], answers={questions["lunch"].pk: "yes"}
    )
    client.force_login(person.user)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("events:registration_change", args=[registration.pk]),
            {
                f"question_{questions['lunch'].pk}": "no",
                f"question_{questions['diet'].pk}": "lactosevrij",
                f"question_{questions['catering'].pk}": "Soep & brood",
                "remarks": "",
            },
        )

    assert response.status_code == 302
    (message,) = [m for m in mail.outbox if m.to == [person.email]]
    assert message.subject == nl("Registration changed: %(title)s", title=event.title)
    text, html = _parsed(person)
    assert (
        f"{nl('Your answers')}:\n- Blijf je voor de lunch?: {nl('no')}\n- Broodjes & soep: Soep & brood\n"
        in text
    )
    assert "<li>Broodjes &amp; soep: Soep &amp; brood</li>" in html
    for part in (text, html):
        assert "lactosevrij" not in part
        assert nl(CONFIDENTIAL) in part
    assert dict(registration.answers.values_list("question__label", "value")) == {
        "Blijf je voor de lunch?": "no",
        "Dieetwensen": "lactosevrij",
        "Broodjes & soep": "Soep & brood",
    }


def test_a_refused_change_stores_no_answers(client):
    event = make_event(rounds=1, session_capacity=1)
    questions = _questions(event)
    full, free = event.rounds.get().sessions.order_by("pk")
    services.registration_create(event=event, person=MemberFactory(), session_ids=[full.pk])
    person = MemberFactory()
    registration = services.registration_create(event=event, person=person, session_ids=[free.pk])
    client.force_login(person.user)

    response = client.post(
        reverse("events:registration_change", args=[registration.pk]),
        {"round_1": full.pk, f"question_{questions['lunch'].pk}": "yes", "remarks": ""},
    )

    assert response.status_code == 200  # the form again, with the refusal
    assert not registration.answers.exists()
