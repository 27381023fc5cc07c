from django import forms
from django.utils.translation import gettext_lazy as _

from governance.models import PersonalNote


class NoteForm(forms.ModelForm):
    class Meta:
        model = PersonalNote
        fields = ["text"]
        labels = {"text": _("My note (only you can see it)")}
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].required = False
