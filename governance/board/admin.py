"""The secretariat's admin for portfolios, bodies and mandates (meetings: meeting_admin; VNG
commissions, seats and recommendation requests: commission_admin).

Writes that carry rules (document uploads, publishing, the ALV template) go through services;
guardrail warnings are shown on the meeting pages where staff work.
"""

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from governance.models import (
    Body,
    Mandate,
    Theme,
)
from vzhg.admin_history import ReadableHistoryAdmin as SimpleHistoryAdmin  # Dutch, readable, 404 for bad ids
from vzhg.errors import ServiceError

from . import alv_new, selectors, services


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Body)
class BodyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "public_meetings", "order"]
    list_filter = ["kind", "public_meetings"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["alv_from_template"]

    @admin.action(description=_("New ALV from the template agenda"), permissions=["add"])
    def alv_from_template(self, request, queryset):
        created = None
        for body in queryset:
            try:
                created = services.meeting_create_alv_from_template(body=body, actor=request.user)
            except ServiceError as error:
                self.message_user(request, error.message, messages.ERROR)
        if created is not None:
            self.message_user(
                request,
                _(
                    "A draft ALV with the template agenda was created; check its date, and link its "
                    "congress event below or create one with the action “Create the congress event”."
                ),
            )
            return redirect("admin:governance_meeting_change", created.pk)
        return None

    def has_add_permission(self, request):
        return request.user.has_perm("governance.add_body")

    def get_urls(self):
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        page = self.admin_site.admin_view(alv_new.alv_new_view)
        return [path("nieuwe-alv/", page, {"model_admin": self}, name=f"{info}_alv_new"), *super().get_urls()]


class KvkFilter(admin.SimpleListFilter):
    title = _("Kamer van Koophandel")
    parameter_name = "kvk"

    def lookups(self, request, model_admin):
        return [("todo", _("still to report"))]

    def queryset(self, request, queryset):
        if self.value() == "todo":
            return queryset.filter(pk__in=selectors.kvk_todo().values("pk"))
        return queryset


@admin.register(Mandate)
class MandateAdmin(SimpleHistoryAdmin):
    list_display = ["person", "body", "role", "start", "end", "kvk"]
    list_filter = [KvkFilter, "body", "role"]
    list_select_related = ["person", "body"]
    search_fields = ["person__last_name", "person__first_name"]
    autocomplete_fields = ["person"]
    filter_horizontal = ["portfolios"]
    date_hierarchy = "start"
    actions = ["kvk_reported"]
    # Recorded by the action "Mark as reported to the KvK today" (services.mandates_kvk_report).
    readonly_fields = ["kvk_start_reported_on", "kvk_end_reported_on"]

    @admin.display(description=_("KvK"))
    def kvk(self, obj):
        if obj.body.kind not in (Body.Kind.AB, Body.Kind.DB):
            return "–"
        return _("to report") if obj.kvk_to_report else _("reported")

    @admin.action(description=_("Mark as reported to the KvK today"), permissions=["change"])
    def kvk_reported(self, request, queryset):
        count = services.mandates_kvk_report(mandates=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d board change marked as reported to the KvK.",
                "%(count)d board changes marked as reported to the KvK.",
                count,
            )
            % {"count": count},
        )

    def changelist_view(self, request, extra_context=None):
        warning = services.kvk_todo_warning()
        if warning and request.method == "GET" and request.GET.get("kvk") != "todo":
            messages.warning(
                request,
                format_html('{} <a href="?kvk=todo">{}</a>', warning, _("Show them")),
            )
        return super().changelist_view(request, extra_context)
