"""Forms of the signal page: forward and close (presentation only; the rules are in services)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.models import CommissionSeat

from .models import Signal


class SignalFilterForm(forms.Form):
    theme = forms.TypedChoiceField(label=_("Theme"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("all"))] + list(Signal.Status.choices)
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args, themes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [("", _("all"))] + [(theme.pk, theme.name) for theme in themes]


class SignalForwardForm(forms.Form):
    forwarded_to = forms.ChoiceField(label=_("Forwarded to"), choices=Signal.ForwardedTo.choices)
    seat = forms.ModelChoiceField(
        label=_("VNG commission member"),
        required=False,
        queryset=CommissionSeat.objects.none(),
        help_text=_("Only when forwarded to a VNG commission member."),
    )
    note = forms.CharField(label=_("To whom (other)"), required=False, max_length=200)
    on = forms.DateField(
        label=_("Forwarded on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seat"].queryset = (
            CommissionSeat.objects.active_on(timezone.localdate())
            .select_related("person", "commission")
            .order_by("commission__name", "person__last_name")
        )


class SignalCloseForm(forms.Form):
    outcome = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 3}))
    on = forms.DateField(
        label=_("Closed on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
