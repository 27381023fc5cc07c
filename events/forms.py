from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from .models import Event, Question


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


# Rendered only when the form is shown: a registration POST reads no places (issue 15), and the
# page shown again gets them first (selectors.registration_counts_attach).
lazy_session_label = lazy(session_label, str)


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
                choices=[(session.pk, lazy_session_label(session)) for session in round_.sessions.all()],
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

    ranked = False

    def session_ids(self) -> list[int]:
        return [self.cleaned_data[f"round_{round_.number}"] for round_ in self.rounds]

    def ranking(self) -> dict[int, list[int]] | None:
        return None

    # The event's own questions (questions_add puts them on the form).
    questions: list[Question] = []

    def question_fields(self):
        return [self[f"question_{question.pk}"] for question in self.questions]

    def answers(self) -> dict[int, str]:
        """The answers as stored: {question id: text}, several options one a line."""
        answers = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"question_{question.pk}")
            answers[question.pk] = "\n".join(value) if isinstance(value, list) else (value or "")
        return answers


class RankedRegistrationForm(RegistrationForm):
    """Ranked workshop choices: per round, `event.workshop_ranks` selects (1st, 2nd … choice);
    the first choice is required unless the round is optional. Then the remarks."""

    ranked = True

    def __init__(self, *args, rounds, ranks: int, **kwargs):
        forms.Form.__init__(self, *args, **kwargs)
        self.rounds = rounds
        self.ranks = ranks
        fields = {}
        for round_ in rounds:
            title = str(round_)
            options = [("", "—")] + [
                (session.pk, lazy_session_label(session)) for session in round_.sessions.all()
            ]
            for rank in range(1, ranks + 1):
                fields[f"round_{round_.number}_rank_{rank}"] = forms.TypedChoiceField(
                    label=_("Choice %(rank)s") % {"rank": rank},
                    coerce=int,
                    empty_value=None,
                    choices=options,
                    required=rank == 1 and not round_.optional,
                    error_messages={
                        "required": _("Choose your first choice for %(round)s.") % {"round": title},
                        "invalid_choice": _("Choose one of the workshops of %(round)s.") % {"round": title},
                    },
                )
        remarks = self.fields.pop("remarks")
        self.fields.update(fields)
        self.fields["remarks"] = remarks

    def clean(self):
        cleaned = super().clean()
        for round_ in self.rounds:
            names = [f"round_{round_.number}_rank_{rank}" for rank in range(1, self.ranks + 1)]
            if any(name in self.errors for name in names):
                continue  # one message per round at a time
            chosen = [cleaned.get(name) for name in names]
            picked = [session_id for session_id in chosen if session_id]
            # Each error sits on the select to fix (the repeat, the empty one before a choice),
            # so the error summary's link takes the member there.
            repeat = next((i for i, sid in enumerate(chosen) if sid and sid in chosen[:i]), None)
            if repeat is not None:
                self.add_error(
                    names[repeat],
                    _("Choose a workshop only once in %(round)s.") % {"round": str(round_)},
                )
            elif picked and chosen.index(picked[-1]) >= len(picked):
                self.add_error(
                    names[chosen.index(None)],
                    _("Fill in your choices in order in %(round)s, first choice first.")
                    % {"round": str(round_)},
                )
        return cleaned

    def round_fields(self):
        return [
            (round_, [self[f"round_{round_.number}_rank_{rank}"] for rank in range(1, self.ranks + 1)])
            for round_ in self.rounds
        ]

    def session_ids(self) -> list[int]:
        return []

    def ranking(self) -> dict[int, list[int]]:
        return {
            round_.pk: [
                session_id
                for rank in range(1, self.ranks + 1)
                if (session_id := self.cleaned_data.get(f"round_{round_.number}_rank_{rank}"))
            ]
            for round_ in self.rounds
        }


def question_field(question: Question) -> forms.Field:
    """The form field of one of the event's own questions (its answer is stored as text)."""
    label = question.label
    common = {
        "label": label,
        "help_text": question.help_text,
        "required": question.required,
        "error_messages": {
            "required": _("Answer the question “%(question)s”.") % {"question": label},
            "invalid_choice": _("Choose one of the options of “%(question)s”.") % {"question": label},
        },
    }
    if question.kind == Question.Kind.YES_NO:
        return forms.ChoiceField(
            choices=[("yes", _("Yes")), ("no", _("No"))], widget=forms.RadioSelect, **common
        )
    if question.kind == Question.Kind.CHOICE:
        options = [(option, option) for option in question.option_list()]
        return forms.ChoiceField(choices=options, widget=forms.RadioSelect, **common)
    if question.kind == Question.Kind.MULTIPLE:
        options = [(option, option) for option in question.option_list()]
        return forms.MultipleChoiceField(choices=options, widget=forms.CheckboxSelectMultiple, **common)
    return forms.CharField(max_length=300, **common)


def questions_add(form: RegistrationForm, questions: list[Question]) -> None:
    """Put the event's own questions on the form, after the workshops and before the remarks."""
    form.questions = questions
    remarks = form.fields.pop("remarks")
    for question in questions:
        form.fields[f"question_{question.pk}"] = question_field(question)
    form.fields["remarks"] = remarks


def registration_form(data=None, *, event: Event, rounds, initial=None, questions=()) -> RegistrationForm:
    """The member's form for this event: ranked choices when the event asks for them, then the
    event's own questions and the remarks."""
    form: RegistrationForm
    if event.workshop_ranks:
        form = RankedRegistrationForm(data, rounds=rounds, ranks=event.workshop_ranks, initial=initial)
    else:
        form = RegistrationForm(data, rounds=rounds, initial=initial)
    questions_add(form, list(questions))
    return form
