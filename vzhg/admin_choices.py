"""Labels for the objects the secretariat picks in the admin.

Three events called "ALV en voorjaarscongres" are told apart only by their date; whether one is
a draft or cancelled matters too. A ModelAdmin can define `choice_label(obj)`; it is then used
wherever that model is picked: the autocomplete boxes (their search results and the options
already chosen) and the selects of admins that use ChoiceLabelsMixin.
"""

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.utils import timezone


def dated_label(title: str, moment, status: str) -> str:
    """ "ALV en voorjaarscongres — 11-06-2026 (gepubliceerd)"."""
    return f"{title} — {timezone.localtime(moment):%d-%m-%Y} ({status})"


def choice_label_for(site, model):
    model_admin = site._registry.get(model)
    return getattr(model_admin, "choice_label", None)


class LabelledAutocompleteJsonView(AutocompleteJsonView):
    """The admin's autocomplete, with the picked model's `choice_label` as the text shown."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)  # type: ignore[misc]  # not in django-stubs
        label = getattr(self.model_admin, "choice_label", None)
        if label is not None:
            result["text"] = str(label(obj))
        return result


def _autocomplete_view(request):
    return LabelledAutocompleteJsonView.as_view(admin_site=admin.site)(request)


# The default site builds its URLs after every admin module is imported; this module is imported
# by those admin modules, so the site's autocomplete answers with the labels.
admin.site.autocomplete_view = _autocomplete_view  # type: ignore[method-assign]


if TYPE_CHECKING:
    _ModelAdminBase = admin.options.BaseModelAdmin[Any]
else:
    _ModelAdminBase = object


class ChoiceLabelsMixin(_ModelAdminBase):
    """For ModelAdmins and inlines: selects and autocompletes of a related model whose admin has
    `choice_label` show that label."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.is_relation and hasattr(field, "label_from_instance"):
            label = choice_label_for(self.admin_site, db_field.related_model)
            if label is not None:
                field.label_from_instance = label
        return field
