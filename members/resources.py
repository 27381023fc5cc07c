"""Import and export of people (django-import-export), used by the secretariat's admin.

One row per person. Rows are matched on e-mail address, case-insensitively: a known address
updates that person, an unknown one creates a person. Every problem with a row (a bad e-mail
address, an unknown organisation or function, an address that appears twice in the file) is a
validation error of that row, so the preview lists it and the import skips it without losing
the good rows.
"""

import re

from diff_match_patch import diff_match_patch
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.html import format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets
from import_export.instance_loaders import ModelInstanceLoader

from vzhg.exports import ExportResourceMixin, cell_text_unescape
from vzhg.history import history_note

from .models import Organisation, Person

CBS_CODE_RE = re.compile(r"^GM\d{4}$", re.IGNORECASE)


def _text(value) -> str:
    """A cell's text without surrounding spaces and without the export's formula escape."""
    return "" if value is None else cell_text_unescape(str(value).strip())


def _header_key(header) -> str:
    return "" if header is None else re.sub(r"[\s_-]", "", str(header)).casefold()


class EmailWidget(widgets.CharWidget):
    """E-mail addresses are compared and stored in lower case, without surrounding spaces."""

    def clean(self, value, row=None, **kwargs):
        return _text(value).lower()


class TextWidget(widgets.CharWidget):
    """Text without surrounding spaces; an empty cell is an empty string."""

    def clean(self, value, row=None, **kwargs):
        return _text(value)


class OrganisationWidget(widgets.Widget):
    """An organisation by CBS code (GM0599) or by name, case-insensitively.

    The resource loads every organisation once per import (see ``PersonResource.before_import``)
    so a large file does not cost a query per row.
    """

    def __init__(self):
        super().__init__(coerce_to_string=True)
        self.by_code: dict[str, Organisation] | None = None
        self.by_name: dict[str, list[Organisation]] | None = None

    def load(self) -> None:
        self.by_code, self.by_name = {}, {}
        for organisation in Organisation.objects.all():
            if organisation.cbs_code:
                self.by_code[organisation.cbs_code.upper()] = organisation
            self.by_name.setdefault(organisation.name.casefold(), []).append(organisation)

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return None
        if self.by_code is None:
            self.load()
        if CBS_CODE_RE.match(text):
            organisation = self.by_code.get(text.upper())
            if organisation is None:
                raise ValueError(gettext("No organisation has CBS code “%(value)s”.") % {"value": text})
            return organisation
        matches = self.by_name.get(text.casefold(), [])
        if not matches:
            raise ValueError(
                gettext("Unknown organisation “%(value)s”: use its exact name or CBS code.") % {"value": text}
            )
        if len(matches) > 1:
            raise ValueError(
                gettext("More than one organisation is called “%(value)s”: use the CBS code.")
                % {"value": text}
            )
        return matches[0]

    def render(self, value, obj=None, **kwargs):
        return value.name if value is not None else ""


class FunctionWidget(widgets.Widget):
    """A function by its stored value (``burgemeester``) or its label in any of our languages."""

    def lookup(self) -> dict[str, str]:
        table = {value.casefold(): value for value in Person.Function.values}
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                for value, label in Person.Function.choices:
                    table.setdefault(str(label).casefold(), value)
        return table

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return ""
        function = self.lookup().get(text.casefold())
        if function is None:
            raise ValueError(
                gettext("Unknown function “%(value)s”. Use one of: %(choices)s.")
                % {"value": text, "choices": ", ".join(Person.Function.values)}
            )
        return function

    def render(self, value, obj=None, **kwargs):
        return str(Person.Function(value).label) if value else ""


class Diff(resources.Diff):
    """The preview's before/after per field, marked up with <ins>/<del> only.

    diff-match-patch's own HTML carries inline style attributes, which our Content Security
    Policy (style-src 'self') blocks; import-export's stylesheet colours <ins> and <del> instead.
    """

    TAGS = {
        diff_match_patch.DIFF_INSERT: "ins",
        diff_match_patch.DIFF_DELETE: "del",
        diff_match_patch.DIFF_EQUAL: "span",
    }

    def as_html(self):
        dmp = diff_match_patch()
        cells = []
        for before, after in zip(self.left, self.right, strict=False):
            if before != after and self.new:
                before = ""
            diff = dmp.diff_main(force_str(before), force_str(after))
            dmp.diff_cleanupSemantic(diff)
            cells.append(
                format_html_join(
                    "", "<{}>{}</{}>", ((self.TAGS[op], text, self.TAGS[op]) for op, text in diff)
                )
            )
        return cells


class EmailInstanceLoader(ModelInstanceLoader):
    """Find the existing person for a row by e-mail address, ignoring case."""

    def get_instance(self, row):
        email = self.resource.fields["email"].clean(row)
        if not email:
            return None
        return self.get_queryset().filter(email__iexact=email).first()


class PersonResource(ExportResourceMixin, resources.ModelResource):
    first_name = fields.Field(attribute="first_name", column_name="first_name", widget=TextWidget())
    tussenvoegsel = fields.Field(attribute="tussenvoegsel", column_name="tussenvoegsel", widget=TextWidget())
    last_name = fields.Field(attribute="last_name", column_name="last_name", widget=TextWidget())
    email = fields.Field(attribute="email", column_name="email", widget=EmailWidget())
    phone = fields.Field(attribute="phone", column_name="phone", widget=TextWidget())
    organisation = fields.Field(
        attribute="organisation", column_name="organisation", widget=OrganisationWidget()
    )
    function = fields.Field(attribute="function", column_name="function", widget=FunctionWidget())
    job_title = fields.Field(attribute="job_title", column_name="job_title", widget=TextWidget())

    class Meta:
        model = Person
        name = _("People (matched on e-mail address)")
        fields = (
            "first_name",
            "tussenvoegsel",
            "last_name",
            "email",
            "phone",
            "organisation",
            "function",
            "job_title",
        )
        import_id_fields = ("email",)
        instance_loader_class = EmailInstanceLoader
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.first_row_for_email: dict[str, int] = {}

    @classmethod
    def get_diff_class(cls):
        return Diff

    def get_queryset(self):
        return Person.objects.select_related("organisation")

    def get_export_headers(self, selected_fields=None):
        """The columns by their labels (Dutch in the Dutch admin); the import reads them back."""
        return [
            force_str(Person._meta.get_field(field.attribute).verbose_name)
            for field in self.get_export_fields(selected_fields)
        ]

    def header_lookup(self) -> dict[str, str]:
        """Every way a column may be headed (field name, or its label in any of our languages)."""
        table = {}
        for name, field in self.fields.items():
            table[_header_key(name)] = name
            for language, _name in settings.LANGUAGES:
                with translation.override(language):
                    table.setdefault(_header_key(Person._meta.get_field(field.attribute).verbose_name), name)
        return table

    def before_import(self, dataset, **kwargs):
        """Read the header by name or label (' E-mail ', 'e-mailadres' read as 'email') and note
        where each address first appears."""
        if dataset.headers:
            lookup = self.header_lookup()
            dataset.headers = [
                lookup.get(_header_key(header), _text(header).lower().replace("-", ""))
                for header in dataset.headers
            ]
        self.fields["organisation"].widget.load()
        self.first_row_for_email = {}
        if "email" in (dataset.headers or []):
            for number, email in enumerate(dataset["email"], 1):
                key = _text(email).lower()
                if key:
                    self.first_row_for_email.setdefault(key, number)

    def import_instance(self, instance, row, **kwargs):
        """Collect the field errors and add one for an address that an earlier row already uses."""
        errors: dict = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        email = self.fields["email"].clean(row) if "email" in row else ""
        first = self.first_row_for_email.get(email)
        row_number = kwargs.get("row_number")
        if email and first is not None and row_number is not None and first < row_number:
            errors.setdefault("email", []).append(
                ValidationError(
                    gettext("This e-mail address is already used in row %(row)d of the file.")
                    % {"row": first},
                    code="duplicate",
                )
            )
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance, row, **kwargs):
        """History records who imported the row and that it came from a file."""
        user = kwargs.get("user")
        if user is not None and user.is_authenticated:
            history_note(instance, actor=user)
        file_name = kwargs.get("file_name")
        history_note(
            instance,
            reason=gettext("imported from %(file)s") % {"file": file_name}
            if file_name
            else gettext("imported"),
        )
