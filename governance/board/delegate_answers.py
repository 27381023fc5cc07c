"""The ALV's registration question "Neem je deel als stemgerechtigd afgevaardigde?" next to the
delegates governance keeps (issue 15): per member municipality, who registered for the event the
ALV is held at (Meeting.event) answering yes, the delegate named for it, and whether the two
differ; the secretariat makes someone who said yes the delegate with one click
(assembly.delegate_set, which keeps who did it in the history).

The question is one of the event's own questions (events' Question, no model of its own): the
first question on that event marked with the purpose "delegate" (a yes/no question; the
secretariat chooses it in the event's question inline). The page lives
under the delegates in the admin (DelegateAdmin.get_urls); governance.board may read events.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from events.models import Answer, Question, Registration
from governance.models import Delegate, Meeting
from members.models import Organisation, Person
from vzhg.errors import ServiceError

from . import assembly
from .assembly_staff import _context, _meeting, _municipality, _require


def delegate_question(*, meeting: Meeting) -> Question | None:
    """The ALV event's yes/no question about taking part as voting delegate, if it asks one."""
    if meeting.event_id is None:
        return None
    return (
        Question.objects.filter(
            event_id=meeting.event_id, kind=Question.Kind.YES_NO, purpose=Question.Purpose.DELEGATE
        )
        .order_by("order", "pk")
        .first()
    )


@dataclass
class DelegateAnswerRow:
    municipality: Organisation
    delegate: Delegate | None
    said_yes: list[Person] = field(default_factory=list)

    @property
    def differs(self) -> bool:
        """Who said yes is not exactly the named delegate (nobody named, someone else, or more
        than one person of the municipality)."""
        named = {self.delegate.person_id} if self.delegate is not None and self.delegate.person_id else set()
        return {person.pk for person in self.said_yes} != named


def delegate_answer_rows(*, meeting: Meeting, question: Question) -> list[DelegateAnswerRow]:
    """Per member municipality with a delegate or someone who said yes: both, in name order.
    Three queries, whatever the number of municipalities and registrations."""
    yes = (
        Answer.objects.filter(question=question, value="yes")
        .exclude(registration__status=Registration.Status.CANCELLED)
        .filter(registration__person__isnull=False)
        .select_related("registration__person")
        .order_by("registration__person__last_name", "registration__person__first_name")
    )
    said_yes: dict[int, list[Person]] = {}
    for answer in yes:
        person = answer.registration.person
        if person is not None and person.organisation_id is not None:
            said_yes.setdefault(person.organisation_id, []).append(person)
    delegates = {
        delegate.municipality_id: delegate
        for delegate in Delegate.objects.filter(meeting=meeting).select_related("person", "deputy")
    }
    municipalities = Organisation.objects.member_municipalities().filter(
        pk__in=set(said_yes) | set(delegates)
    )
    return [
        DelegateAnswerRow(
            municipality=municipality,
            delegate=delegates.get(municipality.pk),
            said_yes=said_yes.get(municipality.pk, []),
        )
        for municipality in municipalities.order_by("name")
    ]


def delegate_answers_view(request, meeting_id, model_admin):
    """The secretariat's page: the answers to the delegate question next to the delegates, and
    "make delegate" (POST) for someone who said yes (the deputy stays, unless it is them)."""
    _require(request, "view_delegate")
    meeting = _meeting(meeting_id)
    question = delegate_question(meeting=meeting)
    url = reverse("admin:governance_delegate_answers", args=[meeting.pk])
    if request.method == "POST" and question is not None:
        _require(request, "change_delegate")
        _make_delegate(request, meeting=meeting)
        return redirect(url)
    rows = delegate_answer_rows(meeting=meeting, question=question) if question is not None else []
    context = _context(
        request,
        model_admin,
        _("Delegates and registrations: %(meeting)s") % {"meeting": meeting},
        meeting=meeting,
        question=question,
        rows=rows,
        differing=sum(row.differs for row in rows),
    )
    return TemplateResponse(request, "admin/governance/delegate_answers.html", context)


def _make_delegate(request, *, meeting: Meeting) -> None:
    municipality = _municipality(request.POST.get("municipality", ""))
    pk = request.POST.get("person", "")
    person = Person.objects.filter(pk=int(pk)).first() if pk.isdigit() else None
    if municipality is None or person is None:
        messages.error(request, _("That is not a member municipality."))
        return
    current = Delegate.objects.filter(meeting=meeting, municipality=municipality).first()
    deputy = current.deputy if current is not None and current.deputy_id != person.pk else None
    try:
        assembly.delegate_set(
            meeting=meeting, municipality=municipality, person=person, deputy=deputy, actor=request.user
        )
    except ServiceError as refusal:
        messages.error(request, refusal.message)
        return
    messages.success(
        request,
        _("%(person)s is the delegate of %(municipality)s at %(meeting)s.")
        % {"person": person.full_name, "municipality": municipality.name, "meeting": meeting.title},
    )
