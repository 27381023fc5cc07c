"""Naming the delegate while registering for the congress: when the event is the one an ALV is held
at (Meeting.event) and the person registering is a designated person (griffier or burgemeester,
setting GOVERNANCE_CONVOCATION_FUNCTIONS) of a member municipality, the registration form asks
for the municipality's voting delegate and an optional deputy (events.extensions
registration_part_add, registered in GovernanceConfig.ready())."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.models import Body, Delegate, Meeting
from members.models import Organisation, Person

from . import assembly
from .congress import MEETING_EVENT_KINDS


def delegate_current(*, meeting: Meeting, municipality: Organisation) -> Delegate | None:
    """The municipality's delegation at this meeting, with the last change (who, when) as
    `last_change`: two queries."""
    current = (
        Delegate.objects.filter(meeting=meeting, municipality=municipality)
        .select_related("person", "deputy")
        .first()
    )
    if current is not None:
        last = current.history.select_related("history_user").order_by("-history_date").first()
        current.last_change = last  # type: ignore[attr-defined]  # shown with the delegate
    return current


class DelegateNamingForm(forms.Form):
    """The municipality's delegate and deputy, chosen from its own people (the person registering
    among them)."""

    person = forms.ModelChoiceField(
        label=gettext_lazy("Delegate (entitled to vote)"), queryset=Person.objects.none(), required=False
    )
    deputy = forms.ModelChoiceField(
        label=gettext_lazy("Deputy"), queryset=Person.objects.none(), required=False
    )

    def __init__(self, *args, municipality: Organisation, current: Delegate | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current
        people = Person.objects.filter(organisation=municipality).order_by("last_name", "first_name", "pk")
        for name in ("person", "deputy"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = people
        if current is not None:  # keeping the current delegate is leaving it chosen
            self.fields["person"].required = True

    def clean(self):
        data = super().clean() or {}
        person, deputy = data.get("person"), data.get("deputy")
        if deputy is not None and person is None:
            self.add_error(
                "person", _("Choose the delegate too; the deputy votes only when the delegate cannot.")
            )
        elif deputy is not None and deputy == person:
            self.add_error("deputy", _("The deputy must be someone other than the delegate."))
        return data


@dataclass
class DelegateNaming:
    """The part of the registration form: events calls `save(actor=)` after registering."""

    meeting: Meeting
    municipality: Organisation
    form: DelegateNamingForm
    current: Delegate | None
    template: str = "governance/_registration_delegate.html"

    def save(self, *, actor) -> str:
        person = self.form.cleaned_data.get("person")
        deputy = self.form.cleaned_data.get("deputy")
        if person is None:
            return ""
        if self.current is not None and (self.current.person_id, self.current.deputy_id) == (
            person.pk,
            deputy.pk if deputy else None,
        ):
            return ""  # unchanged: no history row
        assembly.delegate_set(
            meeting=self.meeting, municipality=self.municipality, person=person, deputy=deputy, actor=actor
        )
        return _("%(person)s is the delegate of %(municipality)s at %(meeting)s.") % {
            "person": person.full_name,
            "municipality": self.municipality.name,
            "meeting": self.meeting.title,
        }


def registration_delegate_part(*, event, person: Person | None, data=None) -> DelegateNaming | None:
    """events.extensions registration part: offered to a designated person of a member
    municipality registering for the event a published ALV is held at. Other events cost no query."""
    if event.kind not in MEETING_EVENT_KINDS or not assembly.person_may_name(person):
        return None
    municipality = person.organisation if person is not None else None
    if municipality is None:  # person_may_name said there is one; for the type checker
        return None
    meeting = (
        Meeting.objects.filter(event=event, body__kind=Body.Kind.ALV, status=Meeting.Status.PUBLISHED)
        .select_related("body")
        .first()
    )
    if meeting is None:
        return None
    current = delegate_current(meeting=meeting, municipality=municipality)
    initial = {"person": current.person_id, "deputy": current.deputy_id} if current else {}
    form = DelegateNamingForm(
        data, prefix="delegate", municipality=municipality, current=current, initial=initial
    )
    return DelegateNaming(meeting=meeting, municipality=municipality, form=form, current=current)
