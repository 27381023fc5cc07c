"""An event's own questions: the answers of a registration (stored by the registration views in
the same transaction as the registration), and the reads the export, the attendee list and the
answers page share. The models are in events/question_models.py."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext as _

from .fast_reads import event_questions_read
from .models import Answer, Event, Question, Registration
from .selectors import attendee_registrations

YES, NO = "yes", "no"


def event_questions(*, event: Event) -> list[Question]:
    """In their order; one query of fixed SQL (read on every registration POST, issue 15)."""
    return event_questions_read(event=event)


def answers_prefetch() -> Prefetch:
    """Prefetch a registration's answers with their questions (one query for any number of rows)."""
    return Prefetch("answers", queryset=Answer.objects.select_related("question"))


def registration_answers_save(
    *, registration: Registration, answers: dict[int, str], questions: list[Question] | None = None
) -> list[Answer]:
    """Store the answers ({question id: text}) of a registration to its event's questions: an
    empty answer removes the stored one. Questions of another event are ignored. `questions`: the
    event's questions when the caller has read them already (the registration page); an event
    without questions then costs no query (a rush registers for one event at once, issue 15).
    Returns the answers stored now, in question order, with their questions when `questions` was
    given (the confirmation mail lists them without reading them again)."""
    if questions is None:
        asked = Question.objects.filter(event_id=registration.event_id)
        question_ids = set(asked.values_list("pk", flat=True))
    else:
        question_ids = {question.pk for question in questions if question.event_id == registration.event_id}
    if not question_ids:
        return []
    with transaction.atomic():
        stored = {answer.question_id: answer for answer in Answer.objects.filter(registration=registration)}
        for question_id, value in answers.items():
            if question_id not in question_ids:
                continue
            value = (value or "").strip()
            answer = stored.get(question_id)
            if not value:
                if answer is not None:
                    answer.delete()
            elif answer is None:
                stored[question_id] = Answer.objects.create(
                    registration=registration, question_id=question_id, value=value
                )
            elif answer.value != value:
                answer.value = value
                answer.save(update_fields=["value"])
    kept = [answer for answer in stored.values() if answer.pk is not None]  # a deleted one has none
    by_pk = {question.pk: question for question in questions or []}
    for answer in kept:
        if answer.question_id in by_pk:
            answer.question = by_pk[answer.question_id]
    order = {pk: index for index, pk in enumerate(by_pk)}
    return sorted(kept, key=lambda answer: (order.get(answer.question_id, len(order)), answer.question_id))


def answers_initial(*, registration: Registration) -> dict[str, object]:
    """The stored answers as the registration form's initial values."""
    initial: dict[str, object] = {}
    for answer in Answer.objects.filter(registration=registration).select_related("question"):
        name = f"question_{answer.question_id}"
        if answer.question.kind == Question.Kind.MULTIPLE:
            initial[name] = [line for line in answer.value.splitlines() if line]
        else:
            initial[name] = answer.value
    return initial


def answer_cells(*, registration: Registration, questions: list[Question]) -> list[str]:
    """One text per question (empty when unanswered), from the prefetched `answers`."""
    by_question = {answer.question_id: answer for answer in registration.answers.all()}
    return [by_question[q.pk].display if q.pk in by_question else "" for q in questions]


@dataclass
class QuestionSummary:
    question: Question
    answered: int = 0
    counts: list[tuple[str, int]] = field(default_factory=list)


def answers_summary(*, questions: list[Question], registrations: list[Registration]) -> list[QuestionSummary]:
    """Per question: how many answered and, for yes/no and choices, how many gave each option (the
    counts the caterer and the car park need)."""
    values = [
        (answer.question_id, answer.value, 1)
        for registration in registrations
        for answer in registration.answers.all()
    ]
    return _summaries(questions=questions, values=values)


def _summaries(*, questions: list[Question], values: list[tuple[int, str, int]]) -> list[QuestionSummary]:
    """The summaries of `questions` from (question id, answer text, how many gave it)."""
    summaries = []
    for question in questions:
        counter: Counter[str] = Counter()
        answered = 0
        for question_id, value, n in values:
            if question_id != question.pk:
                continue
            answered += n
            if question.kind == Question.Kind.YES_NO:
                counter[value] += n
            elif question.has_options:
                for line in value.splitlines():
                    if line:
                        counter[line] += n
        counts: list[tuple[str, int]] = []
        if question.kind == Question.Kind.YES_NO:
            counts = [(_("yes"), counter[YES]), (_("no"), counter[NO])]
        elif question.has_options:
            options = question.option_list()
            counts = [(option, counter[option]) for option in options]
            counts += [(option, n) for option, n in counter.items() if option not in options]
        summaries.append(QuestionSummary(question=question, answered=answered, counts=counts))
    return summaries


def door_summary(*, event: Event) -> list[QuestionSummary]:
    """The counts per question for the check-in page (issue 15): the door staff see "Lunch: 34
    ja" without names. A sensitive question (dieetwensen) is shown only when it is answered by
    choosing (yes/no, choice, multiple choice), as counts; a sensitive free text not at all. Two
    queries (the questions; the answers grouped by text), whatever the number of registrations."""
    shown = [
        question
        for question in event_questions(event=event)
        if not question.sensitive or question.kind != Question.Kind.TEXT
    ]
    if not shown:
        return []
    values = list(
        Answer.objects.filter(
            question__in=[question.pk for question in shown],
            registration__status=Registration.Status.CONFIRMED,
        )
        .values("question_id", "value")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("question_id", "value", "n")
    )
    return _summaries(questions=shown, values=values)


def registrations_with_answers(*, event: Event) -> QuerySet[Registration]:
    """The confirmed registrations of the event and its walk-ins in name order, with their answers."""
    return attendee_registrations(event=event).prefetch_related(answers_prefetch())
