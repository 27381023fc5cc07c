"""The admin of registrations: read, filter, export, correct remarks and attendance."""

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin
from import_export.forms import ExportForm

from events import services
from events.models import Registration
from events.resources import RegistrationResource
from vzhg.admin_history import ReadableHistoryAdmin
from vzhg.exports import DutchCSV, SafeXLSX

from .filters import EventListFilter, MunicipalityFilter, SessionFilter


class RegistrationForm(forms.ModelForm):
    class Meta:
        model = Registration
        fields = ("remarks", "attended")

    def clean_attended(self):
        attended = self.cleaned_data["attended"]
        if attended and self.instance.status != Registration.Status.CONFIRMED:
            raise forms.ValidationError(_("Only confirmed registrations can be checked in."))
        return attended


@admin.register(Registration)
class RegistrationAdmin(ExportMixin, ReadableHistoryAdmin):
    """Registrations are made by members (or staff on their behalf through the public form);
    here the secretariat reads, filters, exports, and corrects remarks and attendance. Status
    changes go through the services (waiting-list promotion), not through this form."""

    list_display = ("person_name", "organisation", "event", "status", "workshops", "attended", "created_at")
    list_filter = (
        ("event", EventListFilter),
        "status",
        SessionFilter,
        MunicipalityFilter,
        "attended",
    )
    list_select_related = ("person", "organisation", "event")
    search_fields = ("person__first_name", "person__last_name", "person__email", "organisation__name")
    readonly_fields = (
        "event",
        "person",
        "organisation",
        "status",
        "workshops",
        "answers",
        "created_at",
        "confirmed_at",
        "cancelled_at",
        "attended_at",
        "reminder_sent_at",
        "anonymised_at",
    )
    fields = (
        "event",
        "person",
        "organisation",
        "status",
        "workshops",
        "answers",
        "remarks",
        "attended",
        "created_at",
        "confirmed_at",
        "cancelled_at",
        "attended_at",
        "reminder_sent_at",
        "anonymised_at",
    )
    form = RegistrationForm
    resource_classes = [RegistrationResource]
    # CSV for Dutch Excel (BOM, ";") and XLSX with text cells as strings: vzhg/exports.py
    export_formats = [DutchCSV, SafeXLSX]
    # The plain export form: the field-picking form uses an inline handler the CSP blocks.
    export_form_class = ExportForm

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("choices__session__round")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        """Remarks are saved as typed; attendance goes through the check-in service, which
        records when the person was ticked present."""
        if "attended" in form.changed_data:
            present = obj.attended
            obj.attended = not present  # as stored: the service makes the change
            super().save_model(request, obj, form, change)
            checked = services.registration_check_in(registration=obj, actor=request.user, present=present)
            obj.attended, obj.attended_at = checked.attended, checked.attended_at
            return
        super().save_model(request, obj, form, change)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_export_filename(self, request, queryset, file_format):
        return f"registrations-{timezone.localdate():%Y-%m-%d}.{file_format.get_extension()}"

    @admin.display(description=_("name"), ordering="person__last_name")
    def person_name(self, obj):
        return obj.person.sort_name if obj.person_id else _("(anonymised)")

    @admin.display(description=_("answers"))
    def answers(self, obj):
        """The answers to the event's own questions, one a line (on the change page only)."""
        given = obj.answers.select_related("question")
        return (
            format_html_join(mark_safe("<br>"), "{}: {}", ((a.question.label, a.display) for a in given))
            or "—"
        )

    @admin.display(description=_("workshops"))
    def workshops(self, obj):
        return "; ".join(f"{c.session.round.number}: {c.session.title}" for c in obj.choices.all()) or "—"
