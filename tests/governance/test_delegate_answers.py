"""The ALV's registration question "Neem je deel als stemgerechtigd afgevaardigde?" next to the
named delegates (issue 15): per municipality who said yes, flagged where it differs from the
delegate, and "make delegate" for the secretariat."""

import pytest
from django.urls import reverse

from events.models import Question, Registration
from events.questions import registration_answers_save
from governance.board import assembly
from governance.models import Delegate
from members.models import Person
from tests.events.staff_factories import EventFactory, RegistrationFactory
from tests.factories import MemberFactory, MunicipalityFactory

from .assembly_data import alv_meeting

pytestmark = pytest.mark.django_db

QUESTION = "Neem je deel als stemgerechtigd afgevaardigde?"


def _alv_with_question():
    meeting = alv_meeting(days=10)
    meeting.event = EventFactory(title="ALV en voorjaarscongres")
    meeting.save(update_fields=["event"])
    question = Question.objects.create(
        event=meeting.event, label=QUESTION, kind=Question.Kind.YES_NO, purpose=Question.Purpose.DELEGATE
    )
    Question.objects.create(event=meeting.event, label="Lunch", kind=Question.Kind.YES_NO, order=2)
    return meeting, question


def _answer(meeting, question, person, value, **fields):
    registration = RegistrationFactory(event=meeting.event, person=person, **fields)
    registration_answers_save(registration=registration, answers={question.pk: value})
    return registration


def test_the_page_shows_who_said_yes_next_to_the_delegate_and_flags_differences(client, secretariat):
    meeting, question = _alv_with_question()
    leiden, gouda, delft = (MunicipalityFactory(name=name) for name in ("Leiden", "Gouda", "Delft"))
    # Leiden: the named delegate said yes — no difference.
    anouk = MemberFactory(first_name="Anouk", last_name="Visser", organisation=leiden)
    assembly.delegate_set(meeting=meeting, municipality=leiden, person=anouk)
    _answer(meeting, question, anouk, "yes")
    # Gouda: someone else said yes than the delegate.
    named = MemberFactory(first_name="Bas", last_name="Named", organisation=gouda)
    assembly.delegate_set(meeting=meeting, municipality=gouda, person=named)
    _answer(meeting, question, MemberFactory(first_name="Cor", last_name="Ja", organisation=gouda), "yes")
    # Delft: said yes, nobody named; a "no" and a cancelled "yes" do not count.
    _answer(meeting, question, MemberFactory(first_name="Dirk", last_name="Delft", organisation=delft), "yes")
    _answer(meeting, question, MemberFactory(last_name="Neezegger", organisation=delft), "no")
    _answer(
        meeting, question, MemberFactory(last_name="Afgemeld", organisation=delft), "yes",
        status=Registration.Status.CANCELLED,
    )  # fmt: skip

    url = reverse("admin:governance_delegate_answers", args=[meeting.pk])
    assert url in client.get(reverse("admin:governance_delegate_changelist")).content.decode()
    response = client.get(url)

    rows = {row.municipality.name: row for row in response.context["rows"]}
    assert list(rows) == ["Delft", "Gouda", "Leiden"]
    assert [p.last_name for p in rows["Delft"].said_yes] == ["Delft"] and rows["Delft"].differs
    assert [p.last_name for p in rows["Gouda"].said_yes] == ["Ja"] and rows["Gouda"].differs
    assert not rows["Leiden"].differs
    assert response.context["differing"] == 2
    content = response.content.decode()
    assert QUESTION in content and "Neezegger" not in content and "Afgemeld" not in content


def test_make_delegate_names_the_person_who_said_yes_and_keeps_the_deputy(client, secretariat):
    meeting, question = _alv_with_question()
    gouda = MunicipalityFactory(name="Gouda")
    named = MemberFactory(organisation=gouda, function=Person.Function.GRIFFIER)
    deputy = MemberFactory(organisation=gouda)
    assembly.delegate_set(meeting=meeting, municipality=gouda, person=named, deputy=deputy)
    cor = MemberFactory(organisation=gouda)
    _answer(meeting, question, cor, "yes")
    url = reverse("admin:governance_delegate_answers", args=[meeting.pk])

    response = client.post(url, {"municipality": gouda.pk, "person": cor.pk})

    assert response.status_code == 302
    delegate = Delegate.objects.get(meeting=meeting, municipality=gouda)
    assert (delegate.person, delegate.deputy) == (cor, deputy)
    assert delegate.history.order_by("-history_date").first().history_user == secretariat
    assert not client.get(url).context["rows"][0].differs


def test_make_delegate_refuses_someone_of_another_municipality(client, secretariat):
    meeting, _question = _alv_with_question()
    gouda = MunicipalityFactory(name="Gouda")
    stranger = MemberFactory(organisation=MunicipalityFactory(name="Leiden"))
    url = reverse("admin:governance_delegate_answers", args=[meeting.pk])

    response = client.post(url, {"municipality": gouda.pk, "person": stranger.pk}, follow=True)

    assert not Delegate.objects.filter(meeting=meeting).exists()
    assert "does not work for" in response.content.decode()


def test_making_a_delegate_needs_the_change_right(client):
    from django.contrib.auth.models import Permission

    from tests.factories import staff_without_rights

    meeting, question = _alv_with_question()
    gouda = MunicipalityFactory()
    cor = MemberFactory(organisation=gouda)
    _answer(meeting, question, cor, "yes")
    viewer = staff_without_rights()
    viewer.user_permissions.add(Permission.objects.get(codename="view_delegate"))
    client.force_login(viewer)
    url = reverse("admin:governance_delegate_answers", args=[meeting.pk])

    assert client.get(url).status_code == 200
    assert client.post(url, {"municipality": gouda.pk, "person": cor.pk}).status_code == 403
    assert not Delegate.objects.exists()


def test_an_alv_without_the_question_says_so(client, secretariat):
    meeting = alv_meeting(days=10)
    response = client.get(reverse("admin:governance_delegate_answers", args=[meeting.pk]))
    assert response.status_code == 200 and response.context["rows"] == []


@pytest.mark.parametrize("size", [3, 12])
def test_the_page_does_not_grow_with_the_municipalities(client, secretariat, django_assert_num_queries, size):
    meeting, question = _alv_with_question()
    for _ in range(size):
        town = MunicipalityFactory()
        person = MemberFactory(organisation=town)
        assembly.delegate_set(meeting=meeting, municipality=town, person=person)
        _answer(meeting, question, MemberFactory(organisation=town), "yes")

    # session, user, permissions (2), the meeting, the question, the yes-answers with their people,
    # the delegates, the municipalities
    with django_assert_num_queries(9):
        response = client.get(reverse("admin:governance_delegate_answers", args=[meeting.pk]))
    assert len(response.context["rows"]) == size


def test_the_question_is_the_one_marked_delegate_not_the_one_saying_the_word():
    from governance.board.delegate_answers import delegate_question

    meeting = alv_meeting(days=10)
    meeting.event = EventFactory(title="ALV")
    meeting.save(update_fields=["event"])
    Question.objects.create(event=meeting.event, label="Ken je de afgevaardigde?", kind=Question.Kind.YES_NO)
    assert delegate_question(meeting=meeting) is None

    marked = Question.objects.create(
        event=meeting.event, label="Stem je namens je gemeente?", kind=Question.Kind.YES_NO, order=2,
        purpose=Question.Purpose.DELEGATE,
    )  # fmt: skip
    assert delegate_question(meeting=meeting) == marked


def test_only_a_yes_no_question_can_be_the_delegate_question():
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError, transaction
    from django.utils import translation

    event = EventFactory()
    question = Question(
        event=event, label="Wie komt er?", kind=Question.Kind.TEXT, purpose=Question.Purpose.DELEGATE
    )
    with translation.override("nl"):
        with pytest.raises(ValidationError) as refused:
            question.full_clean()
        assert refused.value.message_dict["purpose"] == [
            "Alleen een ja/nee-vraag kan de vraag naar de afgevaardigde zijn."
        ]
    with pytest.raises(IntegrityError), transaction.atomic():
        question.save()  # the named constraint question_purpose_valid
    question.kind = Question.Kind.YES_NO
    question.full_clean()
    question.save()


def test_the_secretariat_marks_the_delegate_question_in_the_question_inline(client, secretariat):
    from tests.admin_form import change_form_data
    from tests.events.test_questions import _inline

    event = EventFactory()
    url = reverse("admin:events_event_change", args=[event.pk])
    data = change_form_data(client, url)
    _inline(
        data, 0, label="Wie komt er?", kind="text", options="", order="1", help_text="", purpose="delegate"
    )

    refused = client.post(url, data)

    assert refused.status_code == 200
    # This secretariat user reads the admin in English; the Dutch wording is checked above.
    assert "Only a yes/no question can be the delegate question." in refused.content.decode()
    assert not Question.objects.exists()

    data["questions-0-kind"] = "yes_no"
    assert client.post(url, data).status_code == 302
    assert list(event.questions.values_list("label", "purpose")) == [("Wie komt er?", "delegate")]
