"""The secretariat's admin for the workplan (werkplan) and the annual report (jaarverslag).

Planned-vs-realised is computed by governance.reports.selectors and only shown here; copying, adopting,
publishing and rendering PDFs go through governance.reports.services. Actions that need a little
input (the target year of a copy, who adopted a plan) ask for it on an intermediate page, as
Django's delete confirmation does; the change pages offer the same actions as buttons (small
forms that post the action for this one object to the changelist).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from governance.models import (
    Body,
    Meeting,
    Objective,
    PlannedActivity,
    ProgressReport,
    ReportVersion,
    Workplan,
    WorkplanSection,
)
from vzhg.admin_choices import ChoiceLabelsMixin, choice_label_for
from vzhg.admin_history import ReadableHistoryAdmin as SimpleHistoryAdmin  # Dutch, readable, 404 for bad ids
from vzhg.errors import ServiceError

from . import admin_helpers, selectors, services


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ["name", "order"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


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
        start, _end = selectors.year_bounds(year - 1)
        _start, end = selectors.year_bounds(year)
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
        css = admin_helpers.MEDIA_CSS

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
            context.update(admin_helpers.tools_context(self, request, obj))
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
        rows = [
            {
                "line": line,
                "realised_text": admin_helpers.realised_text(line),
                "halves": [line.reports.get(half) for half in ProgressReport.Half.values],
            }
            for line in selectors.activity_lines(workplan=obj)
        ]
        return render_to_string("admin/governance/_activities_overview.html", {"workplan": obj, "rows": rows})

    @admin.display(description=_("PDF versions"))
    def pdf_versions(self, obj):
        if not obj.pk:
            return "–"
        return admin_helpers.versions_html(ReportVersion.Kind.WORKPLAN, obj.year)

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
                    plan = services.workplan_copy(source=source, year=form.cleaned_data["year"])
                except ServiceError as error:
                    form.add_error("year", error.message)
                    self.message_user(request, error.message, messages.ERROR)
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
        return admin_helpers.action_page(
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
                    services.workplan_adopt(
                        workplan=plan,
                        body=form.cleaned_data["body"],
                        on=form.cleaned_data["on"],
                        meeting=form.cleaned_data["meeting"],
                    )
                except ServiceError as error:
                    self.message_user(request, error.message, messages.ERROR)
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
        return admin_helpers.action_page(
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
        admin_helpers.render_pdf_versions(self, request, queryset, ReportVersion.Kind.WORKPLAN)
        return admin_helpers.back_to_object(request, self, queryset)


def _progress_report_save(request, *, activity, form) -> None:
    """A traffic light typed in the admin, written by the same service as the half-year page."""
    services.progress_report_save(
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
        start, end = selectors.year_bounds(workplan.year)
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
        css = admin_helpers.MEDIA_CSS

    @admin.display(description=_("realised so far"))
    def realised(self, obj):
        if not obj.pk:
            return gettext("Link events and meetings below; what was held is counted.")
        line = next(
            line for line in selectors.activity_lines(workplan=obj.workplan) if line.activity.pk == obj.pk
        )
        return admin_helpers.realised_text(line)

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
        """Written by the same service as the half-year page (services.progress_report_save)."""
        report = services.progress_report_save(
            activity=obj.activity, half=obj.half, light=obj.light, text=obj.text, actor=request.user
        )
        obj.pk = report.pk
        obj.__dict__.update({key: value for key, value in report.__dict__.items() if not key.startswith("_")})
