"""The secretariat's admin for the annual report (jaarverslag) and the PDF versions of both documents."""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from governance.models import (
    AnnualReport,
    AnnualReportSection,
    ReportVersion,
)
from vzhg.admin_history import ReadableHistoryAdmin as SimpleHistoryAdmin  # Dutch, readable, 404 for bad ids
from vzhg.errors import ServiceError

from . import admin_helpers, services


class AnnualReportSectionInline(admin.StackedInline):
    model = AnnualReportSection
    fields = ["order", "title", "body"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 6, "cols": 80})}}
    extra = 0


@admin.register(AnnualReport)
class AnnualReportAdmin(SimpleHistoryAdmin):
    list_display = ["year", "display_title", "status", "published_at"]
    list_display_links = ["year", "display_title"]
    list_filter = ["status"]
    readonly_fields = ["status", "published_at", "pdf_versions"]
    inlines = [AnnualReportSectionInline]
    actions = ["publish", "render_pdf"]
    report_buttons = {"publish": _("Publish"), "render_pdf": _("Render PDF")}
    change_form_template = "admin/governance/report_change_form.html"
    view_on_site = False

    class Media:
        css = admin_helpers.MEDIA_CSS

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["year", "title"]
        return ["year", "title", "status", "published_at", "pdf_versions"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["year", *self.readonly_fields]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(admin_helpers.tools_context(self, request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.display(description=_("title"), ordering="year")
    def display_title(self, obj):
        return obj.display_title

    @admin.display(description=_("PDF versions"))
    def pdf_versions(self, obj):
        if not obj.pk:
            return "–"
        return admin_helpers.versions_html(ReportVersion.Kind.ANNUAL_REPORT, obj.year)

    @admin.action(description=_("Publish on the website"), permissions=["change"])
    def publish(self, request, queryset):
        for report in queryset:
            services.annual_report_publish(report=report)
            self.message_user(
                request, gettext("%(report)s is published.") % {"report": report}, messages.SUCCESS
            )
        return admin_helpers.back_to_object(request, self, queryset)

    @admin.action(description=_("Render the PDF (a new version)"), permissions=["change"])
    def render_pdf(self, request, queryset):
        admin_helpers.render_pdf_versions(self, request, queryset, ReportVersion.Kind.ANNUAL_REPORT)
        return admin_helpers.back_to_object(request, self, queryset)


@admin.register(ReportVersion)
class ReportVersionAdmin(admin.ModelAdmin):
    """Read-only: versions are made by rendering (reports.services), never uploaded by hand.
    Publishing one is the only change, and it is an action."""

    list_display = ["__str__", "state", "pdf", "built", "published"]
    list_filter = ["kind", "year", "status"]
    fields = [
        "kind",
        "year",
        "version",
        "status",
        "page_count",
        "file_size",
        "requested_at",
        "requested_by",
        "built_at",
        "published_at",
        "error",
        "download",
    ]
    readonly_fields = fields
    list_select_related = ["requested_by"]
    actions = ["publish_version"]
    view_on_site = False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # The change right is what the publish action needs; the page of a version stays read-only.
        return obj is None and super().has_change_permission(request)

    @admin.display(description=_("size"), ordering="size")
    def file_size(self, obj):
        return filesizeformat(obj.size) if obj.size else "–"

    # Few, short columns so the list fits next to its filters at 1280 px.

    @admin.display(description=_("status"), ordering="status")
    def state(self, obj):
        if obj.status == ReportVersion.Status.FAILED:
            return format_html(
                '{}: <span class="reports-error">{}</span>',
                obj.get_status_display(),
                Truncator(obj.error).chars(120),
            )
        return obj.get_status_display()

    @admin.display(description=_("file"))
    def pdf(self, obj):
        if obj.status != ReportVersion.Status.READY:
            return "–"
        text = gettext("%(pages)s p., %(size)s") % {"pages": obj.page_count, "size": filesizeformat(obj.size)}
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), text)

    @admin.display(description=_("built at"), ordering="built_at")
    def built(self, obj):
        return admin_helpers.short(obj.built_at)

    @admin.display(description=_("published at"), ordering="published_at")
    def published(self, obj):
        return admin_helpers.short(obj.published_at)

    @admin.display(description=_("file"))
    def download(self, obj):
        if obj.status == ReportVersion.Status.FAILED:
            return format_html('<span class="reports-error">{}</span>', obj.error or obj.get_status_display())
        if obj.status != ReportVersion.Status.READY:
            return obj.get_status_display()
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), gettext("download"))

    @admin.action(description=_("Publish this version (replaces the published one)"), permissions=["change"])
    def publish_version(self, request, queryset):
        versions = list(queryset)
        if len(versions) != 1:
            self.message_user(request, gettext("Choose one version to publish."), messages.ERROR)
            return
        version = versions[0]
        try:
            services.report_version_publish(version=version)
        except ServiceError as error:
            self.message_user(
                request,
                gettext("%(version)s was not published: %(why)s")
                % {"version": version, "why": error.message},
                messages.ERROR,
            )
        else:
            self.message_user(
                request,
                gettext("%(version)s is now the published PDF.") % {"version": version},
                messages.SUCCESS,
            )
