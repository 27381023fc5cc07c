"""The composer's forms: the message (merge fields checked on save), attachments, test and send."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from members.models import Person
from vzhg.errors import ServiceError
from vzhg.merge import MERGE_FIELDS

from . import services
from .audiences import PEOPLE, audience_get
from .models import Message, MessageAttachment, MessageTemplate


def merge_fields_help() -> str:
    return " ".join(f"{{{name}}}: {description};" for name, description in MERGE_FIELDS.items())


class MessageForm(forms.ModelForm):
    pasted_addresses = forms.CharField(
        label=_("Add people by e-mail address"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Paste addresses of known people (one per line, or separated by commas or semicolons)."),
    )

    class Meta:
        model = Message
        fields = ["subject", "body", "reply_to", "salutation_style", "audience", "source", "people"]
        widgets = {"audience": forms.HiddenInput, "source": forms.HiddenInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].help_text = _("Markdown. Merge fields: %(fields)s") % {
            "fields": merge_fields_help()
        }
        self.pasted_people: list[Person] = []

    def clean_audience(self):
        audience = self.cleaned_data["audience"]
        if audience != PEOPLE and audience_get(audience) is None:
            raise ValidationError(_("Unknown audience."))
        return audience

    def clean_pasted_addresses(self):
        text = self.cleaned_data.get("pasted_addresses", "")
        people, unknown = services.people_from_addresses(text=text)
        if unknown:
            raise ValidationError(
                _("Not known as a person: %(addresses)s. Add them to the people first.")
                % {"addresses": ", ".join(unknown)}
            )
        self.pasted_people = people
        return text

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and self.instance.status != Message.Status.DRAFT:
            raise ValidationError(_("This message has been sent; it can no longer change."))
        try:
            services.message_texts_check(
                subject=cleaned.get("subject", ""),
                body=cleaned.get("body", ""),
                audience=cleaned.get("audience", ""),
            )
        except ValidationError as error:
            for field, errors in error.error_dict.items():
                for problem in errors:
                    self.add_error(field, problem)
        return cleaned


class TemplateForm(forms.ModelForm):
    class Meta:
        model = MessageTemplate
        fields = ["name", "subject", "body", "salutation_style"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].help_text = _("Markdown. Merge fields: %(fields)s") % {
            "fields": merge_fields_help()
        }

    def clean(self):
        cleaned = super().clean()
        try:
            services.template_texts_check(subject=cleaned.get("subject", ""), body=cleaned.get("body", ""))
        except ValidationError as error:
            for field, errors in error.error_dict.items():
                for problem in errors:
                    self.add_error(field, problem)
        return cleaned


class AttachmentForm(forms.ModelForm):
    class Meta:
        model = MessageAttachment
        fields = ["file"]

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if isinstance(uploaded, UploadedFile):  # a new upload, not the stored file
            try:
                services.attachment_check(uploaded=uploaded)
            except ServiceError as refusal:
                raise ValidationError(str(refusal.message)) from refusal
        return uploaded


class TestForm(forms.Form):
    to_me = forms.BooleanField(label=_("To me"), required=False, initial=True)
    colleagues = forms.ModelMultipleChoiceField(
        label=_("To colleagues"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["colleagues"].queryset = (
            get_user_model().objects.holding("messaging.view_message").order_by("email")
        )
