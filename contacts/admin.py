"""The secretariat's admin for contact moments (overleggen) and signals (signalen).

A signal's status, forwarding and outcome are written by the services on the signal's own page
(contacts:signal, "View on site"), so its history says who forwarded or closed it; here they are
read-only."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models.functions import ExtractYear
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from governance.models import CommissionSeat
from vzhg.admin_history import ReadableHistoryAdmin as SimpleHistoryAdmin

from .models import ContactAction, ContactMoment, Signal

TEXTAREA = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 5, "cols": 80})}}


class YearFilter(admin.SimpleListFilter):
    """The years that have rows, newest first (`date_field` names the model's date)."""

    title = _("year")
    parameter_name = "year"
    date_field = "date"

    def lookups(self, request, model_admin):
        years = (
            model_admin.model.objects.annotate(year=ExtractYear(self.date_field))
            .values_list("year", flat=True)
            .distinct()
            .order_by("-year")
        )
        return [(str(year), str(year)) for year in years]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(**{f"{self.date_field}__year": int(self.value())})
        return queryset


class SignalYearFilter(YearFilter):
    date_field = "received_on"


class ContactActionInline(admin.TabularInline):
    model = ContactAction
    fields = ["title", "owner", "due", "done"]
    autocomplete_fields = ["owner"]
    extra = 1


@admin.register(ContactMoment)
class ContactMomentAdmin(SimpleHistoryAdmin):
    list_display = ["date", "counterpart", "title", "theme"]
    list_filter = [YearFilter, "counterpart", "theme"]
    list_select_related = ["theme"]
    search_fields = [
        "title",
        "report",
        "organisations__name",
        "our_participants__last_name",
        "their_participants__last_name",
    ]
    autocomplete_fields = ["organisations", "our_participants", "their_participants", "theme", "activities"]
    fieldsets = [
        (None, {"fields": ["date", "counterpart", "title", "theme", "organisations"]}),
        (_("Participants"), {"fields": ["our_participants", "their_participants"]}),
        (_("Report"), {"fields": ["report", "report_preview"]}),
        (
            _("Workplan"),
            {
                "fields": ["activities"],
                "description": _("Only contact moments in the plan's year count towards an activity."),
            },
        ),
    ]
    formfield_overrides = TEXTAREA
    inlines = [ContactActionInline]
    date_hierarchy = "date"
    readonly_fields = ["report_preview"]

    @admin.display(description=_("report as shown"))
    def report_preview(self, obj):
        return mark_safe(obj.report_html) if obj.pk else "–"  # noqa: S308 - sanitised by vzhg.markdown


@admin.register(Signal)
class SignalAdmin(SimpleHistoryAdmin):
    list_display = ["title", "theme", "status", "organisation", "received_on", "forwarded_to", "forwarded_on"]
    list_filter = ["status", "theme", SignalYearFilter, "forwarded_to"]
    list_select_related = ["theme", "organisation"]
    search_fields = ["title", "text", "organisation__name", "person__last_name", "outcome"]
    autocomplete_fields = ["theme", "organisation", "person", "meeting"]
    fields = [
        "title",
        "text",
        "theme",
        "organisation",
        "person",
        "meeting",
        "received_on",
        "status",
        "forwarded_to",
        "forwarded_to_seat",
        "forwarded_to_note",
        "forwarded_on",
        "outcome",
        "closed_on",
    ]
    readonly_fields = [
        "status",
        "forwarded_to",
        "forwarded_to_seat",
        "forwarded_to_note",
        "forwarded_on",
        "outcome",
        "closed_on",
    ]
    formfield_overrides = TEXTAREA

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "forwarded_to_seat":
            kwargs["queryset"] = CommissionSeat.objects.select_related("person", "commission")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
