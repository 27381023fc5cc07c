from allauth.account.fields import PasswordField
from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.utils.translation import gettext_lazy as _
from import_export.forms import ImportForm

from vzhg.uploads import office_file_check

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


# The person import: a list of people, not a document. Anything larger is a mistake or an attack.
PERSON_IMPORT_MAX_BYTES = 5 * 1024 * 1024
PERSON_IMPORT_MAX_UNPACKED_BYTES = 25 * 1024 * 1024


class PersonImportForm(ImportForm):
    """django-import-export's import form, with the file checked before tablib/openpyxl open it:
    a size limit, and for .xlsx the ZIP checks of vzhg.uploads (no decompression bombs)."""

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > PERSON_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is %(size).1f MB; at most %(limit)d MB can be imported.")
                % {"size": upload.size / 1024 / 1024, "limit": PERSON_IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        upload.seek(0)
        head = upload.read(4)
        upload.seek(0)
        if head == b"PK\x03\x04" or (upload.name or "").lower().endswith(".xlsx"):
            office_file_check(
                upload, name=upload.name or "", main_content_type=b"spreadsheetml.sheet.main+xml",
                max_unpacked=PERSON_IMPORT_MAX_UNPACKED_BYTES,
            )  # fmt: skip
        return upload
