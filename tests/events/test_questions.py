"""An event's own questions (lunch, dieetwensen, parkeren …): the secretariat adds them in the
admin, members answer them on the registration form, and the answers reach the export, the
attendee list, the AVG export and the retention job."""

import csv
import datetime
import io
import json

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from events import pdfs, retention, services
from events.models import Answer, Event, Question, Registration
from events.questions import registration_answers_save
from members import services as member_services
from tests.admin_form import change_form_data
from tests.events.staff_factories import EventFactory, RegistrationFactory, nl
from tests.factories import MemberFactory, UserFactory

from .conftest import make_event

pytestmark = pytest.mark.django_db

PARKING = ["Openbaar vervoer", "Fiets", "Auto"]


def _questions(event) -> dict[str, Question]:
    return {
        "lunch": Question.objects.create(
            event=event, label="Blijft u voor de lunch?", kind=Question.Kind.YES_NO, required=True, order=1
        ),
        "diet": Question.objects.create(
            event=event, label="Dieetwensen", kind=Question.Kind.TEXT, sensitive=True, order=2
        ),
        "parking": Question.objects.create(
            event=event,
            label="Parkeren",
            kind=Question.Kind.CHOICE,
            options="\n".join(PARKING),
            required=True,
            order=3,
        ),
        "topics": Question.objects.create(
            event=event,
            label="Onderwerpen",
            kind=Question.Kind.MULTIPLE,
            options="Wonen\nEnergie\nJeugd",
            order=4,
        ),
    }


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def member(client, english):
    person = MemberFactory()
    client.force_login(person.user)
    return person


@pytest.fixture
def secretariat(client):
    user = UserFactory(is_staff=True, email="secretariaat@vzhg.nl")
    user.groups.add(member_services.secretariat_group_ensure())
    client.force_login(user)
    return user


# --- the model ------------------------------------------------------------------------------------


def test_one_answer_per_registration_and_question():
    event = make_event()
    question = _questions(event)["diet"]
    registration = RegistrationFactory(event=event)
    Answer.objects.create(registration=registration, question=question, value="vegetarisch")

    with pytest.raises(IntegrityError, match="answer_registration_question_unique"), transaction.atomic():
        Answer.objects.create(registration=registration, question=question, value="veganistisch")


def test_a_choice_question_needs_two_different_options_and_only_choices_have_options():
    event = make_event()
    one = Question(event=event, label="Parkeren", kind=Question.Kind.CHOICE, options="Auto\n\n")
    twice = Question(event=event, label="Vervoer", kind=Question.Kind.MULTIPLE, options="Auto\nauto")
    text = Question(event=event, label="Dieet", kind=Question.Kind.TEXT, options="vegetarisch")

    for question, message in [
        (one, "A choice question needs at least two options, one a line."),
        (twice, "Each option may appear only once."),
        (text, "Only a choice or multiple-choice question has options; leave this empty."),
    ]:
        # as a Dutch page shows it, whatever language an earlier test left active
        with translation.override("nl"):
            with pytest.raises(ValidationError) as refused:
                question.full_clean()
            assert refused.value.message_dict == {"options": [nl(message)]}  # lazy: read in Dutch too
    Question(event=event, label="Lunch", kind=Question.Kind.CHOICE, options="Ja\nNee").full_clean()


def test_saving_answers_replaces_and_removes_them_and_ignores_other_events_questions():
    event = make_event()
    questions = _questions(event)
    elsewhere = _questions(make_event())["diet"]
    registration = RegistrationFactory(event=event)

    registration_answers_save(
        registration=registration,
        answers={questions["diet"].pk: " glutenvrij ", questions["lunch"].pk: "yes", elsewhere.pk: "x"},
    )
    registration_answers_save(
        registration=registration, answers={questions["diet"].pk: "", questions["lunch"].pk: "no"}
    )

    assert dict(registration.answers.values_list("question__label", "value")) == {
        "Blijft u voor de lunch?": "no"
    }


# --- the registration form ---------------------------------------------------------------------------


def test_the_form_asks_the_questions_and_stores_the_answers(client, member):
    event = make_event()
    questions = _questions(event)
    url = reverse("events:register", args=[event.slug])

    page = client.get(url).content.decode()
    for question in questions.values():
        assert question.label in page
    assert f'for="id_question_{questions["diet"].pk}"' in page  # the text field has its label
    assert "<legend" in page and "Openbaar vervoer" in page

    response = client.post(
        url,
        {
            f"question_{questions['lunch'].pk}": "yes",
            f"question_{questions['diet'].pk}": "vegetarisch",
            f"question_{questions['parking'].pk}": "Fiets",
            f"question_{questions['topics'].pk}": ["Wonen", "Jeugd"],
            "remarks": "",
        },
    )

    assert response.status_code == 302
    registration = Registration.objects.get(event=event, person=member)
    assert dict(registration.answers.values_list("question__label", "value")) == {
        "Blijft u voor de lunch?": "yes",
        "Dieetwensen": "vegetarisch",
        "Parkeren": "Fiets",
        "Onderwerpen": "Wonen\nJeugd",
    }


def test_required_questions_and_unknown_options_are_refused_and_every_typed_value_kept(client, member):
    event = make_event()
    questions = _questions(event)
    url = reverse("events:register", args=[event.slug])

    response = client.post(
        url,
        {
            f"question_{questions['diet'].pk}": "geen noten",
            f"question_{questions['parking'].pk}": "Helikopter",
            f"question_{questions['topics'].pk}": ["Energie"],
            "remarks": "rolstoel",
        },
    )

    assert response.status_code == 200
    assert not Registration.objects.filter(event=event).exists()
    errors = response.context["form"].errors
    assert errors[f"question_{questions['lunch'].pk}"] == ["Answer the question “Blijft u voor de lunch?”."]
    assert errors[f"question_{questions['parking'].pk}"] == ["Choose one of the options of “Parkeren”."]
    page = response.content.decode()
    assert 'value="geen noten"' in page and "rolstoel" in page
    assert 'value="Energie" checked' in page
    assert 'aria-invalid="true"' in page


def test_changing_a_registration_shows_and_updates_the_stored_answers(client, member):
    event = make_event()
    questions = _questions(event)
    registration = services.registration_create(event=event, person=member, session_ids=[])
    registration_answers_save(
        registration=registration,
        answers={
            questions["lunch"].pk: "yes",
            questions["parking"].pk: "Auto",
            questions["topics"].pk: "Wonen\nEnergie",
        },
    )
    url = reverse("events:registration_change", args=[registration.pk])

    page = client.get(url).content.decode()
    assert 'value="Auto" checked' in page
    assert 'value="Wonen" checked' in page and 'value="Energie" checked' in page
    assert 'value="yes" checked' in page

    response = client.post(
        url,
        {
            f"question_{questions['lunch'].pk}": "no",
            f"question_{questions['parking'].pk}": "Auto",
            f"question_{questions['diet'].pk}": "veganistisch",
            "remarks": "",
        },
    )

    assert response.status_code == 302
    assert dict(registration.answers.values_list("question__label", "value")) == {
        "Blijft u voor de lunch?": "no",
        "Dieetwensen": "veganistisch",
        "Parkeren": "Auto",
    }


def test_a_refused_registration_stores_no_answers(client, member):
    event = make_event()
    question = Question.objects.create(event=event, label="Dieetwensen")
    event.registration_closes_at = timezone.now() - datetime.timedelta(minutes=1)
    event.save()

    client.post(reverse("events:register", args=[event.slug]), {f"question_{question.pk}": "vegan"})

    assert not Answer.objects.exists()


# --- export, attendee list, AVG export --------------------------------------------------------------


def _export(client, event, format_index: str):
    url = reverse("admin:events_registration_export") + f"?event__id__exact={event.pk}"
    form = client.get(url).context["form"]
    data = {"format": format_index, "resource": "0"}
    data.update({name: "on" for name in form.fields if name.startswith("registrationresource_")})
    response = client.post(url, data)
    assert response.status_code == 200, response.content[:500]
    return response


def test_the_export_has_a_column_per_question_and_escapes_formula_answers(client, secretariat):
    event = EventFactory()
    questions = _questions(event)
    registration = RegistrationFactory(event=event, person=MemberFactory(first_name="Fleur"))
    registration_answers_save(
        registration=registration,
        answers={
            questions["lunch"].pk: "yes",
            questions["diet"].pk: "=1+1",
            questions["topics"].pk: "Wonen\nJeugd",
        },
    )
    RegistrationFactory(event=event)  # answered nothing

    header, *rows = list(
        csv.reader(io.StringIO(_export(client, event, "0").content.decode("utf-8-sig")), delimiter=";")
    )

    assert header[-4:] == ["Blijft u voor de lunch?", "Dieetwensen", "Parkeren", "Onderwerpen"]
    fleur = next(row for row in rows if row[1] == "Fleur")
    assert fleur[-4:] == [nl("yes"), "'=1+1", "", "Wonen; Jeugd"]
    assert len(rows) == 2

    sheet = load_workbook(io.BytesIO(_export(client, event, "1").content)).active
    cells = {sheet.cell(row=1, column=c).value: c for c in range(1, sheet.max_column + 1)}
    diet = next(
        sheet.cell(row=r, column=cells["Dieetwensen"])
        for r in range(2, sheet.max_row + 1)
        if sheet.cell(row=r, column=2).value == "Fleur"
    )
    assert diet.value == "'=1+1" and diet.data_type == "s"


def test_the_attendee_list_shows_answers_and_counts_per_question(client, secretariat):
    event = EventFactory()
    questions = _questions(event)
    for lunch, parking in [("yes", "Fiets"), ("yes", "Auto"), ("no", "Fiets")]:
        registration = RegistrationFactory(event=event, status=Registration.Status.CONFIRMED)
        registration_answers_save(
            registration=registration,
            answers={questions["lunch"].pk: lunch, questions["parking"].pk: parking},
        )
    registration_answers_save(registration=registration, answers={questions["diet"].pk: "<b>glutenvrij</b>"})

    response = client.get(reverse("admin:events_event_answers", args=[event.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "&lt;b&gt;glutenvrij&lt;/b&gt;" in page  # escaped
    summaries = {s.question.label: s for s in response.context["summaries"]}
    assert summaries["Blijft u voor de lunch?"].counts == [(nl("yes"), 2), (nl("no"), 1)]
    assert summaries["Parkeren"].counts == [("Openbaar vervoer", 0), ("Fiets", 2), ("Auto", 1)]
    assert summaries["Dieetwensen"].answered == 1
    change = client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()
    assert reverse("admin:events_event_answers", args=[event.pk]) in change


@pytest.mark.parametrize("size", [2, 8])
def test_the_attendee_list_query_count_does_not_grow(
    client, secretariat, django_assert_max_num_queries, size
):
    event = EventFactory()
    questions = _questions(event)
    for _ in range(size):
        registration = RegistrationFactory(event=event, status=Registration.Status.CONFIRMED)
        registration_answers_save(registration=registration, answers={questions["lunch"].pk: "yes"})
    client.get(reverse("admin:events_event_answers", args=[event.pk]))  # session, permissions cached

    # the event, its questions, the registrations, their workshops, their answers, and the admin's own
    with django_assert_max_num_queries(9):
        response = client.get(reverse("admin:events_event_answers", args=[event.pk]))
    assert len(response.context["rows"]) == size


def test_the_attendee_pdf_lists_the_answers(monkeypatch):
    event = EventFactory()
    questions = _questions(event)
    registration = RegistrationFactory(event=event, status=Registration.Status.CONFIRMED)
    registration_answers_save(registration=registration, answers={questions["parking"].pk: "Fiets"})
    rendered = {}

    def render(*, template_name, context):
        rendered.update(context)
        return b"%PDF"

    monkeypatch.setattr(pdfs, "_cached_pdf", render)
    pdfs.attendees_pdf(event=event)

    (row,) = rendered["registrations"]
    assert row.answer_lines == [("Parkeren", "Fiets")]


def test_the_avg_export_lists_my_answers(client):
    person = MemberFactory()
    event = make_event()
    questions = _questions(event)
    registration = services.registration_create(event=event, person=person, session_ids=[])
    registration_answers_save(
        registration=registration, answers={questions["lunch"].pk: "no", questions["diet"].pk: "halal"}
    )
    client.force_login(person.user)

    data = json.loads(client.get("/profiel/mijn-gegevens.json").content)

    (row,) = data["event_registrations"]
    assert row["answers"] == [
        {"question": "Blijft u voor de lunch?", "answer": nl("no")},
        {"question": "Dieetwensen", "answer": "halal"},
    ]


# --- retention ------------------------------------------------------------------------------------


def test_retention_clears_the_answers_to_sensitive_questions_only(settings):
    settings.EVENTS_RETENTION_MONTHS = 24
    ends = timezone.now() - datetime.timedelta(days=25 * 31)
    old = EventFactory(starts_at=ends - datetime.timedelta(hours=3), ends_at=ends)
    recent = EventFactory()
    old_questions, recent_questions = _questions(old), _questions(recent)
    gone = RegistrationFactory(event=old, remarks="glutenvrij")
    kept = RegistrationFactory(event=recent, remarks="rolstoel")
    for registration, questions in [(gone, old_questions), (kept, recent_questions)]:
        registration_answers_save(
            registration=registration,
            answers={questions["diet"].pk: "glutenvrij", questions["lunch"].pk: "yes"},
        )

    assert retention.registrations_anonymise() == 1

    assert dict(gone.answers.values_list("question__label", "value")) == {"Blijft u voor de lunch?": "yes"}
    assert dict(kept.answers.values_list("question__label", "value")) == {
        "Blijft u voor de lunch?": "yes",
        "Dieetwensen": "glutenvrij",
    }
    gone.refresh_from_db()
    assert gone.remarks == "" and gone.person is None


# --- the admin --------------------------------------------------------------------------------------


def _inline(data: dict, index: int, **values) -> None:
    prefix = f"questions-{index}-"
    data.update({f"{prefix}{name}": value for name, value in values.items()})
    data["questions-TOTAL_FORMS"] = str(index + 1)


def test_the_secretariat_adds_questions_inline_and_a_choice_with_one_option_is_refused(client, secretariat):
    event = EventFactory()
    url = reverse("admin:events_event_change", args=[event.pk])
    data = change_form_data(client, url)
    assert data["questions-TOTAL_FORMS"] == "0"
    _inline(data, 0, label="Parkeren", kind="choice", options="Auto", order="1", help_text="")

    refused = client.post(url, data)

    assert refused.status_code == 200
    assert nl("A choice question needs at least two options, one a line.") in refused.content.decode()
    assert not Question.objects.exists()

    data["questions-0-options"] = "Auto\r\nFiets"
    _inline(data, 1, label="Dieetwensen", kind="text", options="", order="2", sensitive="on", help_text="")
    saved = client.post(url, data)

    assert saved.status_code == 302
    assert list(event.questions.values_list("label", "kind", "sensitive")) == [
        ("Parkeren", "choice", False),
        ("Dieetwensen", "text", True),
    ]
    assert event.questions.get(label="Parkeren").option_list() == ["Auto", "Fiets"]


def test_the_same_question_twice_is_refused_not_a_server_error(client, secretariat):
    event = EventFactory()
    url = reverse("admin:events_event_change", args=[event.pk])
    data = change_form_data(client, url)
    _inline(data, 0, label="Lunch", kind="yes_no", options="", order="1", help_text="")
    _inline(data, 1, label="Lunch", kind="yes_no", options="", order="2", help_text="")

    response = client.post(url, data)

    assert response.status_code == 200
    assert not Question.objects.exists()


# --- the demo ---------------------------------------------------------------------------------------


def test_the_demo_congresses_ask_their_own_questions(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("demo_data", stdout=io.StringIO())

    congress = Event.objects.get(slug="najaarscongres-een-weerbaar-zuid-holland")
    assert list(congress.questions.values_list("kind", "required", "sensitive")) == [
        ("yes_no", True, False),
        ("text", False, True),
        ("choice", True, False),
    ]
    lunch, diet, parking = congress.questions.all()
    assert "lunch" in lunch.label and diet.label == "Dieetwensen" and parking.label == "Parkeren"
    parking.full_clean()
    registrations = congress.registrations.count()
    assert lunch.answers.count() == parking.answers.count() == registrations
    assert set(parking.answers.values_list("value", flat=True)) <= set(parking.option_list())
    assert 0 < diet.answers.count() < registrations

    alv = Event.objects.get(slug="alv-en-voorjaarscongres")
    (delegate,) = alv.questions.all()
    assert (delegate.label, delegate.kind) == ("Neem je deel als stemgerechtigd afgevaardigde?", "yes_no")
    assert delegate.purpose == Question.Purpose.DELEGATE
    assert not congress.questions.exclude(purpose="").exists()


def test_the_registration_page_in_the_admin_shows_the_answers(client, secretariat):
    event = EventFactory()
    questions = _questions(event)
    registration = RegistrationFactory(event=event)
    registration_answers_save(
        registration=registration, answers={questions["diet"].pk: "<i>halal</i>", questions["lunch"].pk: "no"}
    )

    page = client.get(reverse("admin:events_registration_change", args=[registration.pk])).content.decode()

    assert f"Blijft u voor de lunch?: {nl('no')}<br>Dieetwensen: &lt;i&gt;halal&lt;/i&gt;" in page
