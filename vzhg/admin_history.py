"""The admin's history pages, with an id that is not a key of the model answered by 404.

django-simple-history passes the id from the URL straight into a query, so `/admin/.../abc/history/`
raised a 500. The project's admins import SimpleHistoryAdmin from here instead of from the package.
"""

from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin as _SimpleHistoryAdmin


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
