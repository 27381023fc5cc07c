"""The history pages of the admin (django-simple-history) for the secretariat: in Dutch, and with
values a person reads ("ja", "3 maart 2026 14:00", "voorzitter") instead of Python's
(True, 2026-03-03 13:00:00+00:00, "voorzitter" stored as "chair").

Every admin with a history uses ReadableHistoryAdmin instead of simple-history's own class. The
page itself is templates/simple_history/object_history*.html.

django-simple-history passes the id from the URL straight into a query, so `/admin/.../abc/history/`
raised a 500: an id that is not a key of the model is answered by 404 here."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.utils import formats, timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin as _SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper


def _valid_pk(model, object_id) -> None:
    try:
        model._meta.pk.to_python(unquote(str(object_id)))
    except (ValidationError, ValueError, TypeError):
        raise Http404 from None


class SimpleHistoryAdmin(_SimpleHistoryAdmin):
    def history_view(self, request, object_id, extra_context=None):
        _valid_pk(self.model, object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        _valid_pk(self.model, object_id)
        if not str(version_id).isdigit():
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context=extra_context)


def history_value_display(field: models.Field, value: Any) -> str:
    """One stored value of a field as the secretariat reads it."""
    if isinstance(value, DeletedObject):
        if value.pk is None:
            return "–"
        return _("deleted %(model)s (number %(pk)s)") % {
            "model": value.model._meta.verbose_name,
            "pk": value.pk,
        }
    if value is None or value == "":
        return "–"
    if isinstance(value, list):  # many-to-many: the related objects
        return ", ".join(force_str(item) for item in value) or "–"
    if field.choices:
        return force_str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return formats.date_format(value, "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "DATE_FORMAT")
    if isinstance(value, datetime.time):
        return formats.time_format(value, "TIME_FORMAT")
    return force_str(value)


class ReadableHistoryContextHelper(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change, value):
        prepared = super().prepare_delta_change_value(change, value)
        return history_value_display(self.model._meta.get_field(change.field), prepared)


class ReadableHistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin with a Dutch title and readable values on the history page."""

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableHistoryContextHelper(self.model, historical_record)

    def history_view_title(self, request, obj):
        return _("History of %(object)s") % {"object": force_str(obj)}
