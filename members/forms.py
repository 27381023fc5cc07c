from allauth.account.fields import PasswordField
from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Person


class LoginForm(AllauthLoginForm):
    """E-mail address plus an optional password.

    With no password among the sign-up fields allauth drops the password from its login form,
    which would leave people who set one no way to use it. Here it stays, optional: left
    empty, allauth mails a login code instead (its own "login by code" branch).
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password"] = PasswordField(
            label=_("Password"), autocomplete="current-password", required=False
        )
        self.order_fields(["login", "password", "remember"])


class ProfileForm(forms.ModelForm):
    """What a person may change about themselves; the rest is kept by the secretariat."""

    class Meta:
        model = Person
        fields = ["first_name", "tussenvoegsel", "last_name", "phone", "job_title"]
