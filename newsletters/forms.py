from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from members.models import Person, Region, User
from vzhg.uploads import image_reencode

from .linking import linkable_choices, linkable_parse
from .models import Item, NewsletterList, validate_image
from .services.editions import TEST_PERMISSION


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Enter a valid e-mail address, such as name@gemeente.nl.")},
    )


class ScheduleForm(forms.Form):
    scheduled_for = forms.DateTimeField(
        label=_("Send at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


class ColleagueChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.email})" if name else obj.email


class TestSendForm(forms.Form):
    """Who besides the sender gets the test: colleagues with access to the admin."""

    test_colleagues = ColleagueChoiceField(
        label=_("Also send the test to"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["test_colleagues"].queryset = (
            User.objects.holding(TEST_PERMISSION).exclude(pk=user.pk)
            .order_by("first_name", "last_name", "email")
        )  # fmt: skip


class ListChoiceField(forms.ModelChoiceField):
    """Which list the secretariat adds addresses to (every list, a closed one too)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(
            queryset=NewsletterList.objects.all(),
            label=_("List"),
            empty_label=None,
            required=False,  # none sent: the general newsletter
            **kwargs,
        )


def _general_initial(form: forms.Form) -> None:
    if "newsletter_list" not in form.initial:
        general = NewsletterList.objects.filter(is_general=True).values_list("pk", flat=True).first()
        form.fields["newsletter_list"].initial = general


class ImportForm(forms.Form):
    newsletter_list = ListChoiceField()
    file = forms.FileField(
        label=_("CSV file"),
        required=False,
        help_text=_("One address per line, or a column named 'email'. At most 2 MB."),
    )
    addresses = forms.CharField(
        label=_("Or paste addresses"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _general_initial(self)

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        text = data.get("addresses") or ""
        if upload:
            if upload.size > 2 * 1024 * 1024:
                raise forms.ValidationError(_("The file is larger than 2 MB."))
            raw = upload.read()
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                try:
                    text = raw.decode("cp1252")
                except UnicodeDecodeError as exc:
                    raise forms.ValidationError(_("The file is not a text (CSV) file.")) from exc
            if "\x00" in text:
                raise forms.ValidationError(_("The file is not a text (CSV) file."))
        if not text.strip():
            raise forms.ValidationError(_("Choose a file or paste at least one address."))
        data["text"] = text
        return data


class PeopleSubscribeForm(forms.Form):
    newsletter_list = ListChoiceField()
    functions = forms.MultipleChoiceField(
        label=_("Functions"),
        choices=Person.Function.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every function."),
    )
    regions = forms.ModelMultipleChoiceField(
        label=_("Regions"),
        queryset=Region.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every region. A region includes the regions within it."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _general_initial(self)


class ItemForm(forms.ModelForm):
    """A newsletter item. A newly uploaded image is checked (type, size, pixels) and stored
    re-encoded: upright, without metadata, at most 2000 pixels on its long side."""

    linked_choice = forms.ChoiceField(
        label=_("Event or meeting"),
        required=False,
        help_text=_("The item then shows its date; an event also gets a link to its page."),
    )

    class Meta:
        model = Item
        fields = ["title", "order", "text", "link", "link_label", "image", "image_alt"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["linked_choice"]
        field.choices = [("", "—"), *linkable_choices()]
        if self.instance.linked_type_id:
            current = f"{self.instance.linked_type_id}:{self.instance.linked_id}"
            field.initial = current
            if not any(current == value for _group, options in field.choices[1:] for value, _l in options):
                field.choices = [*field.choices, (current, str(self.instance.linked or current))]

    def clean_linked_choice(self):
        value = self.cleaned_data.get("linked_choice") or ""
        if value and linkable_parse(value) is None:
            raise forms.ValidationError(_("Choose an event or meeting from the list."))
        return value

    def save(self, commit: bool = True):
        picked = linkable_parse(self.cleaned_data.get("linked_choice") or "")
        self.instance.linked_type, self.instance.linked_id = picked if picked else (None, None)
        return super().save(commit)

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if isinstance(image, UploadedFile):
            validate_image(image)
            image = image_reencode(image)
        return image
