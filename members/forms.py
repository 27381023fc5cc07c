from django import forms

from .models import Person


class ProfileForm(forms.ModelForm):
    """What a person may change about themselves; the rest is kept by the secretariat."""

    class Meta:
        model = Person
        fields = ["first_name", "tussenvoegsel", "last_name", "phone", "job_title"]
