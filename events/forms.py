from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Event


class AgendaFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of event"), required=False)
    theme = forms.ChoiceField(label=_("Theme"), required=False)

    def __init__(self, *args, themes: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds"))] + list(Event.Kind.choices)
        self.fields["theme"].choices = [("", _("All themes"))] + [(theme, theme) for theme in themes]

    def filters(self) -> dict:
        if not self.is_valid():
            return {"kind": "", "theme": ""}
        return {"kind": self.cleaned_data["kind"], "theme": self.cleaned_data["theme"]}


def session_label(session) -> str:
    parts = [session.title]
    if session.speaker:
        parts.append(f"({session.speaker})")
    left = session.places_left
    if left is None:
        pass
    elif left == 0:
        parts.append("— " + str(_("full, waiting list")))
    else:
        parts.append("— " + str(_("%(count)s places left") % {"count": left}))
    return " ".join(parts)


class RegistrationForm(forms.Form):
    """One radio group per workshop round, then the remarks."""

    remarks = forms.CharField(
        label=_("Remarks"),
        help_text=_("Diet, access needs or anything else we should know."),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, rounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.rounds = rounds
        fields = {}
        for round_ in rounds:
            name = f"round_{round_.number}"
            title = str(round_)
            fields[name] = forms.TypedChoiceField(
                label=title,
                coerce=int,
                choices=[(session.pk, session_label(session)) for session in round_.sessions.all()],
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose a workshop for %(round)s.") % {"round": title},
                    "invalid_choice": _("Choose one of the workshops of %(round)s.") % {"round": title},
                },
            )
        remarks = self.fields.pop("remarks")
        self.fields.update(fields)
        self.fields["remarks"] = remarks

    def round_fields(self):
        return [self[f"round_{round_.number}"] for round_ in self.rounds]

    def session_ids(self) -> list[int]:
        return [self.cleaned_data[f"round_{round_.number}"] for round_ in self.rounds]
