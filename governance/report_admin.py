"""The secretariat's admin for the workplan (werkplan) and the annual report (jaarverslag).

Planned-vs-realised is computed by governance.reports and only shown here; copying, adopting,
publishing and rendering PDFs go through governance.report_services. Actions that need a little
input (the target year of a copy, who adopted a plan) ask for it on an intermediate page, as
Django's delete confirmation does; the change pages offer the same actions as buttons (small
forms that post the action for this one object to the changelist).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join, strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vzhg.admin_choices import ChoiceLabelsMixin, choice_label_for
from vzhg.admin_history import ReadableHistoryAdmin as SimpleHistoryAdmin  # Dutch, readable, 404 for bad ids

from . import report_services, reports
from .models import (
    AnnualReport,
    AnnualReportSection,
    Body,
    Meeting,
    Objective,
    PlannedActivity,
    ProgressReport,
    ReportVersion,
    Workplan,
    WorkplanSection,
)

MEDIA_CSS = {"all": ["css/reports_admin.css"]}
# A hidden field on the change pages' buttons: after the action, go back to the object.
RETURN_TO_OBJECT = "_return_to_object"


# --- shared helpers ---------------------------------------------------------------------------


def realised_text(line: reports.ActivityLine) -> str:
    """'6 per year — 4 held, 1 planned': the plan against what the linked events and meetings
    show, never typed by hand; the same words as on the workplan page and in its PDF."""
    return " ".join(strip_tags(render_to_string("reports/_realisation.html", {"line": line})).split())


def _light_cell(report: ProgressReport | None) -> tuple[str, str]:
    """(the light's value, the light as text): a colour is never the only signal."""
    return (report.light, report.get_light_display()) if report else ("", "–")


def linked_activities(obj) -> str:
    """The planned activities an event or a meeting realises, with links (read-only)."""
    if not obj.pk:
        return "–"
    activities = obj.planned_activities.select_related("workplan").order_by("-workplan__year", "order", "pk")
    if not activities:
        return gettext("Not linked to a workplan activity. Link it on the activity's page.")
    return format_html(
        '<div class="reports-linked">{}</div>',
        format_html_join(
            "",
            '<div><a href="{}">{} — {}</a></div>',
            (
                (
                    reverse("admin:governance_plannedactivity_change", args=[activity.pk]),
                    activity.workplan,
                    activity,
                )
                for activity in activities
            ),
        ),
    )


def _back_to_object(request, model_admin, queryset):
    """After an action posted from a change page, return to that object."""
    if request.POST.get(RETURN_TO_OBJECT) and len(queryset) == 1:
        info = model_admin.opts.app_label, model_admin.opts.model_name
        return HttpResponseRedirect(reverse("admin:{}_{}_change".format(*info), args=[queryset[0].pk]))
    return None


def _action_page(request, model_admin, *, title: str, objects, action: str, form, intro: str, submit: str):
    """An intermediate page of an action that needs input (like the delete confirmation)."""
    return TemplateResponse(
        request,
        "admin/governance/report_action_form.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": title,
            "opts": model_admin.opts,
            "objects": objects,
            "action": action,
            "form": form,
            "intro": intro,
            "submit": submit,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": model_admin.media + form.media,
        },
    )


def _short(moment) -> str:
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT") if moment else "–"


def _tools_context(model_admin, request, obj) -> dict:
    """The buttons of a change page: the admin's actions this user may run, and the public page."""
    actions = model_admin.get_actions(request)
    return {
        "report_actions": [
            (name, label) for name, label in model_admin.report_buttons.items() if name in actions
        ],
        "public_url": obj.get_absolute_url(),
    }


def _render_pdf(model_admin, request, queryset, kind: str) -> None:
    for obj in queryset:
        try:
            version = report_services.report_version_request(kind=kind, year=obj.year, actor=request.user)
        except ValidationError as error:
            model_admin.message_user(request, " ".join(error.messages), messages.ERROR)
            continue
        model_admin.message_user(
            request,
            gettext(
                "Version %(version)s of the PDF of %(document)s is being made; "
                "it is listed under PDF versions."
            )
            % {"version": version.version, "document": obj},
        )


def _versions_html(kind: str, year: int) -> str:
    versions = list(reports.versions(kind=kind, year=year)[:5])
    changelist = (
        reverse("admin:governance_reportversion_changelist") + f"?kind__exact={kind}&year__exact={year}"
    )
    if not versions:
        return format_html(
            '{} <a href="{}">{}</a>', gettext("No PDF made yet."), changelist, gettext("All versions")
        )
    rows = []
    for version in versions:
        status = version.get_status_display()
        if version.published_at:
            status = gettext("%(status)s, published") % {"status": status}
        link = _version_link(version)
        rows.append(
            (
                version.status,
                reverse("admin:governance_reportversion_change", args=[version.pk]),
                gettext("version %(number)s") % {"number": version.version},
                status,
                link,
            )
        )
    return format_html(
        '<ul class="reports-versions">{}</ul><a href="{}">{}</a>',
        format_html_join("", '<li data-status="{}"><a href="{}">{}</a>: {} {}</li>', rows),
        changelist,
        gettext("All versions"),
    )


def _version_link(version: ReportVersion) -> str:
    if version.status != ReportVersion.Status.READY:
        return ""
    return format_html(
        '— <a class="reports-download" href="{}">{}</a>',
        version.get_absolute_url(),
        gettext("download (PDF, %(pages)s p.)") % {"pages": version.page_count},
    )


# --- objectives -------------------------------------------------------------------------------


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ["name", "order"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


# --- workplan ---------------------------------------------------------------------------------


class WorkplanSectionInline(admin.StackedInline):
    model = WorkplanSection
    fields = ["order", "title", "body"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 6, "cols": 80})}}
    extra = 0


class CopyForm(forms.Form):
    year = forms.IntegerField(label=_("New year"), min_value=2000, max_value=2100)


class AdoptForm(forms.Form):
    body = forms.ModelChoiceField(label=_("Adopted by"), queryset=Body.objects.order_by("order", "name"))
    on = forms.DateField(
        label=_("Adopted on"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    meeting = forms.ModelChoiceField(
        label=_("At the meeting"),
        queryset=Meeting.objects.none(),
        required=False,
        help_text=_("Optional: the meeting of that body where the plan was adopted."),
    )

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        # The meetings of the year before and the plan's own year: when plans are adopted.
        start, _end = reports.year_bounds(year - 1)
        _start, end = reports.year_bounds(year)
        self.fields["meeting"].queryset = (
            Meeting.objects.filter(starts_at__gte=start, starts_at__lt=end)
            .select_related("body")
            .order_by("-starts_at")
        )
        label = choice_label_for(admin.site, Meeting)
        if label is not None:
            self.fields["meeting"].label_from_instance = label


@admin.register(Workplan)
class WorkplanAdmin(SimpleHistoryAdmin):
    list_display = ["year", "display_title", "status", "adopted_on", "activity_count"]
    list_display_links = ["year", "display_title"]
    list_filter = ["status"]
    search_fields = ["title", "year"]
    readonly_fields = [
        "status",
        "adopted_by",
        "adopted_at",
        "adopted_on",
        "activities_overview",
        "pdf_versions",
    ]
    fieldsets = [
        (None, {"fields": ["year", "title", "status", "adopted_by", "adopted_at", "adopted_on"]}),
        (_("Activities: planned and realised so far"), {"fields": ["activities_overview"]}),
        (_("PDF"), {"fields": ["pdf_versions"]}),
    ]
    inlines = [WorkplanSectionInline]
    actions = ["copy_to_new_year", "adopt", "render_pdf"]
    report_buttons = {
        "copy_to_new_year": _("Copy to a new year"),
        "adopt": _("Adopt"),
        "render_pdf": _("Render PDF"),
    }
    change_form_template = "admin/governance/report_change_form.html"
    view_on_site = False

    class Media:
        css = MEDIA_CSS

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(activity_total=Count("activities"))

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        return ["year", *self.readonly_fields]  # activities and links belong to the year

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["year", "title"]})]
        return self.fieldsets

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(_tools_context(self, request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.display(description=_("title"), ordering="year")
    def display_title(self, obj):
        return obj.display_title

    @admin.display(description=_("activities"), ordering="activity_total")
    def activity_count(self, obj):
        return obj.activity_total

    @admin.display(description=_("activities"))
    def activities_overview(self, obj):
        if not obj.pk:
            return "–"
        add_url = reverse("admin:governance_plannedactivity_add") + f"?workplan={obj.pk}"
        lines = reports.activity_lines(workplan=obj)
        rows = format_html_join(
            "",
            '<tr id="activity-{}"><td>{} <a href="{}">{}</a></td>'
            '<td class="reports-count" data-planned="{}" data-realised="{}" data-upcoming="{}">{}</td>'
            '<td class="reports-light" data-light="{}">{}</td>'
            '<td class="reports-light" data-light="{}">{}</td></tr>',
            (
                (
                    line.activity.pk,
                    line.activity.code,
                    reverse("admin:governance_plannedactivity_change", args=[line.activity.pk]),
                    line.activity.title,
                    "" if line.activity.planned_count is None else line.activity.planned_count,
                    line.realised,
                    line.upcoming,
                    realised_text(line),
                    *_light_cell(line.reports.get(ProgressReport.Half.FIRST)),
                    *_light_cell(line.reports.get(ProgressReport.Half.SECOND)),
                )
                for line in lines
            ),
        )
        if not lines:
            rows = format_html('<tr><td colspan="4">{}</td></tr>', gettext("No activities yet."))
        return format_html(
            '<table class="reports-overview"><caption>{}</caption><thead><tr><th scope="col">{}</th>'
            '<th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th>'
            "</tr></thead><tbody>{}</tbody></table>"
            '<p><a class="addlink" href="{}">{}</a></p>',
            gettext("Counted from the linked events and meetings of %(year)s.") % {"year": obj.year},
            gettext("activity"),
            gettext("planned vs realised"),
            gettext("1st half"),
            gettext("2nd half"),
            rows,
            add_url,
            gettext("Add an activity"),
        )

    @admin.display(description=_("PDF versions"))
    def pdf_versions(self, obj):
        if not obj.pk:
            return "–"
        return _versions_html(ReportVersion.Kind.WORKPLAN, obj.year)

    # actions ---------------------------------------------------------------------------------

    @admin.action(description=_("Copy to a new year (as a draft)"), permissions=["add"])
    def copy_to_new_year(self, request, queryset):
        plans = list(queryset)
        if len(plans) != 1:
            self.message_user(request, gettext("Choose one workplan to copy."), messages.ERROR)
            return None
        source = plans[0]
        if request.POST.get("post") == "yes":
            form = CopyForm(request.POST)
            if form.is_valid():
                try:
                    plan = report_services.workplan_copy(source=source, year=form.cleaned_data["year"])
                except ValidationError as error:
                    form.add_error("year", error)
                    self.message_user(request, " ".join(error.messages), messages.ERROR)
                else:
                    self.message_user(
                        request,
                        gettext(
                            "%(new)s was made as a draft from %(old)s: check its chapters and activities."
                        )
                        % {"new": plan, "old": source},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(reverse("admin:governance_workplan_change", args=[plan.pk]))
        else:
            form = CopyForm(initial={"year": source.year + 1})
        return _action_page(
            request,
            self,
            title=gettext("Copy %(plan)s to a new year") % {"plan": source},
            objects=[source],
            action="copy_to_new_year",
            form=form,
            intro=gettext(
                "The copy gets the chapters and the activities with their themes, objectives and "
                "responsible board members. Links to events and meetings and the progress reports stay "
                "with %(year)s."
            )
            % {"year": source.year},
            submit=gettext("Make the copy"),
        )

    @admin.action(description=_("Adopt (record who adopted the plan and when)"), permissions=["change"])
    def adopt(self, request, queryset):
        plans = list(queryset)
        if len(plans) != 1:
            self.message_user(request, gettext("Choose one workplan to adopt."), messages.ERROR)
            return None
        plan = plans[0]
        if request.POST.get("post") == "yes":
            form = AdoptForm(request.POST, year=plan.year)
            if form.is_valid():
                try:
                    report_services.workplan_adopt(
                        workplan=plan,
                        body=form.cleaned_data["body"],
                        on=form.cleaned_data["on"],
                        meeting=form.cleaned_data["meeting"],
                    )
                except ValidationError as error:
                    self.message_user(request, " ".join(error.messages), messages.ERROR)
                else:
                    self.message_user(
                        request, gettext("%(plan)s is adopted.") % {"plan": plan}, messages.SUCCESS
                    )
                    return HttpResponseRedirect(reverse("admin:governance_workplan_change", args=[plan.pk]))
        else:
            form = AdoptForm(
                year=plan.year,
                initial={
                    "body": plan.adopted_by_id
                    or Body.objects.filter(kind=Body.Kind.ALV).values_list("pk", flat=True).first(),
                    "on": plan.adopted_on or timezone.localdate(),
                    "meeting": plan.adopted_at_id,
                },
            )
        return _action_page(
            request,
            self,
            title=gettext("Adopt %(plan)s") % {"plan": plan},
            objects=[plan],
            action="adopt",
            form=form,
            intro=gettext("An adopted workplan is public on the website, with its published PDF."),
            submit=gettext("Adopt"),
        )

    @admin.action(description=_("Render the PDF (a new version)"), permissions=["change"])
    def render_pdf(self, request, queryset):
        _render_pdf(self, request, queryset, ReportVersion.Kind.WORKPLAN)
        return _back_to_object(request, self, queryset)


# --- planned activities -----------------------------------------------------------------------


def _progress_report_save(request, *, activity, form) -> None:
    """A traffic light typed in the admin, written by the same service as the half-year page."""
    report_services.progress_report_save(
        activity=activity,
        half=form.cleaned_data["half"],
        light=form.cleaned_data["light"],
        text=form.cleaned_data["text"],
        actor=request.user,
    )


class ProgressReportInline(admin.StackedInline):
    model = ProgressReport
    fields = [("half", "light"), "text", ("written_by", "updated_at")]
    readonly_fields = ["written_by", "updated_at"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 60})}}
    extra = 1
    max_num = 2


class PlannedActivityForm(forms.ModelForm):
    class Meta:
        model = PlannedActivity
        fields = [
            "workplan",
            "order",
            "code",
            "kind",
            "title",
            "planned_count",
            "count_note",
            "period",
            "explanation",
            "objectives",
            "objectives_note",
            "success_criteria",
            "themes",
            "priority",
            "role",
            "responsible",
            "attachment",
            "events",
            "meetings",
        ]

    def clean(self):
        cleaned = super().clean()
        workplan = cleaned.get("workplan")
        if workplan is None:
            return cleaned
        start, end = reports.year_bounds(workplan.year)
        for field in ("events", "meetings"):
            outside = [obj for obj in cleaned.get(field) or [] if not start <= obj.starts_at < end]
            for obj in outside:
                self.add_error(
                    field,
                    gettext(
                        "“%(name)s” (%(date)s) is not in %(year)s: "
                        "only what happens in the plan's year counts."
                    )
                    % {
                        "name": obj.title,
                        "date": timezone.localtime(obj.starts_at).strftime("%d-%m-%Y"),
                        "year": workplan.year,
                    },
                )
        return cleaned


@admin.register(PlannedActivity)
class PlannedActivityAdmin(ChoiceLabelsMixin, SimpleHistoryAdmin):
    form = PlannedActivityForm
    list_display = ["title", "workplan__year", "priority", "planned_count"]
    list_filter = ["workplan", "kind", "priority", "themes"]
    list_select_related = ["workplan"]
    search_fields = ["title", "code", "explanation"]
    autocomplete_fields = ["themes", "objectives", "responsible", "events", "meetings"]
    readonly_fields = ["realised"]
    fieldsets = [
        (None, {"fields": ["workplan", "order", "code", "kind", "title"]}),
        (_("Number and period"), {"fields": ["planned_count", "count_note", "period", "realised"]}),
        (
            _("Content"),
            {
                "fields": [
                    "explanation",
                    "objectives",
                    "objectives_note",
                    "success_criteria",
                    "themes",
                    "priority",
                    "role",
                    "responsible",
                    "attachment",
                ]
            },
        ),
        (
            _("Realised by"),
            {
                "fields": ["events", "meetings"],
                "description": _("Only events and meetings in the plan's year count towards it."),
            },
        ),
    ]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 4, "cols": 80})}}
    inlines = [ProgressReportInline]

    class Media:
        css = MEDIA_CSS

    @admin.display(description=_("realised so far"))
    def realised(self, obj):
        if not obj.pk:
            return gettext("Link events and meetings below; what was held is counted.")
        line = next(
            line for line in reports.activity_lines(workplan=obj.workplan) if line.activity.pk == obj.pk
        )
        return realised_text(line)

    def save_formset(self, request, form, formset, change):
        if formset.model is not ProgressReport:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)  # sorts the forms into new, changed and deleted objects
        for report in formset.deleted_objects:
            report.delete()
        for inline_form in formset.forms:
            if not inline_form.has_changed() or inline_form in formset.deleted_forms:
                continue
            previous_half = inline_form.initial.get("half")
            _progress_report_save(request, activity=form.instance, form=inline_form)
            if (
                inline_form.instance.pk
                and previous_half
                and previous_half != inline_form.cleaned_data["half"]
            ):
                ProgressReport.objects.filter(pk=inline_form.instance.pk).delete()  # moved to the other half
        return None


@admin.register(ProgressReport)
class ProgressReportAdmin(SimpleHistoryAdmin):
    list_display = ["activity", "year", "half", "light", "updated_at"]
    list_filter = ["activity__workplan__year", "half", "light"]
    list_select_related = ["activity__workplan"]
    search_fields = ["activity__title", "text"]
    autocomplete_fields = ["activity"]
    fields = ["activity", "half", "light", "text", "written_by", "updated_at"]
    readonly_fields = ["written_by", "updated_at"]

    @admin.display(description=_("year"), ordering="activity__workplan__year")
    def year(self, obj):
        return obj.activity.workplan.year

    def get_readonly_fields(self, request, obj=None):
        # A report belongs to its activity and half year; write another one for another.
        if obj is not None:
            return ["activity", "half", *self.readonly_fields]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        """Written by the same service as the half-year page (report_services.progress_report_save)."""
        report = report_services.progress_report_save(
            activity=obj.activity, half=obj.half, light=obj.light, text=obj.text, actor=request.user
        )
        obj.pk = report.pk
        obj.__dict__.update({key: value for key, value in report.__dict__.items() if not key.startswith("_")})


# --- annual report ----------------------------------------------------------------------------


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
        css = MEDIA_CSS

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
            context.update(_tools_context(self, request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.display(description=_("title"), ordering="year")
    def display_title(self, obj):
        return obj.display_title

    @admin.display(description=_("PDF versions"))
    def pdf_versions(self, obj):
        if not obj.pk:
            return "–"
        return _versions_html(ReportVersion.Kind.ANNUAL_REPORT, obj.year)

    @admin.action(description=_("Publish on the website"), permissions=["change"])
    def publish(self, request, queryset):
        for report in queryset:
            report_services.annual_report_publish(report=report)
            self.message_user(
                request, gettext("%(report)s is published.") % {"report": report}, messages.SUCCESS
            )
        return _back_to_object(request, self, queryset)

    @admin.action(description=_("Render the PDF (a new version)"), permissions=["change"])
    def render_pdf(self, request, queryset):
        _render_pdf(self, request, queryset, ReportVersion.Kind.ANNUAL_REPORT)
        return _back_to_object(request, self, queryset)


# --- PDF versions -----------------------------------------------------------------------------


@admin.register(ReportVersion)
class ReportVersionAdmin(admin.ModelAdmin):
    """Read-only: versions are made by rendering (report_services), never uploaded by hand.
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
        return _short(obj.built_at)

    @admin.display(description=_("published at"), ordering="published_at")
    def published(self, obj):
        return _short(obj.published_at)

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
            report_services.report_version_publish(version=version)
        except ValidationError as error:
            self.message_user(
                request,
                gettext("%(version)s was not published: %(why)s")
                % {"version": version, "why": " ".join(error.messages)},
                messages.ERROR,
            )
        else:
            self.message_user(
                request,
                gettext("%(version)s is now the published PDF.") % {"version": version},
                messages.SUCCESS,
            )
