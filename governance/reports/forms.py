from django import forms
from django.utils.translation import gettext_lazy as _

from governance.models import ProgressReport


class ProgressForm(forms.Form):
    """A traffic light and a short text for one activity in one half year."""

    light = forms.ChoiceField(
        label=_("Traffic light"), choices=ProgressReport.Light.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("Progress"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What happened, and for orange or red: what is needed."),
    )
