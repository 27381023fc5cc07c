"""The secretariat's admin for meetings: agenda items, motions, documents and meeting packs."""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from governance.models import (
    AgendaItem,
    Body,
    Document,
    Meeting,
    MeetingPack,
    Motion,
)
from vzhg.admin_choices import ChoiceLabelsMixin, dated_label
from vzhg.admin_history import ReadableHistoryAdmin as SimpleHistoryAdmin  # Dutch, readable, 404 for bad ids
from vzhg.errors import ServiceError

from . import adoption, congress, convocation, documents, extensions, meeting_prep, services, vote_screens
from .action_inline import ActionInline


def meeting_choice_label(meeting: Meeting) -> str:
    """ "ALV — 11-06-2026 (gepubliceerd)": where a meeting is picked, its date and status show."""
    return dated_label(meeting.title, meeting.starts_at, meeting.get_status_display())


class AgendaItemForm(forms.ModelForm):
    """The decision is recorded by services.agenda_item_decide, only once the meeting began."""

    class Meta:
        model = AgendaItem
        fields = "__all__"  # noqa: DJ007 - the admin's fields and fieldsets choose them

    def clean(self):
        cleaned = super().clean()
        if "decision" in self.changed_data and (cleaned.get("decision") or "").strip():
            meeting = cleaned.get("meeting") or getattr(self.instance, "meeting", None)
            if meeting is None and self.instance.meeting_id:
                meeting = self.instance.meeting
            problem = services.meeting_not_started_problem(meeting=meeting) if meeting else None
            if problem:
                self.add_error("decision", problem)
        return cleaned


def _save_agenda_item(request, form, item: AgendaItem) -> None:
    """Save the item as typed, except the decision: that goes through the service."""
    if "decision" not in form.changed_data:
        item.save()
        return
    decision = item.decision
    item.decision = form.initial.get("decision", "") or ""
    item.save()
    services.agenda_item_decide(item=item, decision=decision, actor=request.user)


class AgendaItemInline(meeting_prep.DocumentDropInlineMixin, admin.TabularInline):
    model = AgendaItem
    form = meeting_prep.with_document_drop(AgendaItemForm)
    fields = [
        "order",
        "title",
        "kind",
        "rapporteur",
        "confidential",
        "decision",
        "document_list",
        "new_documents",
    ]
    readonly_fields = ["document_list"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})}}
    autocomplete_fields = ["rapporteur"]
    extra = 1
    show_change_link = True


class MeetingPackInline(admin.TabularInline):
    model = MeetingPack
    fields = ["version", "status", "built_at", "page_count", "error"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-version"]

    def has_add_permission(self, request, obj=None):
        return False


class MotionForm(forms.ModelForm):
    """The outcome is recorded by services.motion_decide: only once the meeting began."""

    class Meta:
        model = Motion
        fields = "__all__"  # noqa: DJ007 - the admin's fields and fieldsets choose them

    OUTCOME_FIELDS = ("outcome", "votes_for", "votes_against", "outcome_note")

    def clean(self):
        cleaned = super().clean()
        if set(self.OUTCOME_FIELDS) & set(self.changed_data) and cleaned.get("outcome"):
            meeting = cleaned.get("meeting")
            motion = Motion(meeting=meeting) if meeting is not None else Motion()
            problem = services.motion_outcome_problem(
                motion=motion,
                outcome=cleaned["outcome"],
                votes_for=cleaned.get("votes_for"),
                votes_against=cleaned.get("votes_against"),
            )
            if problem:
                self.add_error("outcome", problem)
        return cleaned


@admin.register(Motion)
class MotionAdmin(ChoiceLabelsMixin, SimpleHistoryAdmin):
    list_display = ["title", "meeting", "outcome"]
    list_filter = ["outcome", "meeting"]
    list_select_related = ["meeting"]
    search_fields = ["title", "text", "submitted_by__name"]
    autocomplete_fields = ["meeting", "submitted_by"]
    fields = [
        "meeting",
        "order",
        "title",
        "text",
        "submitted_by",
        "outcome",
        "votes_for",
        "votes_against",
        "outcome_note",
    ]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 5, "cols": 80})}}
    form = MotionForm

    def save_model(self, request, obj, form, change):
        """The motion's text as typed; its outcome through services.motion_decide."""
        decided = {name: getattr(obj, name) for name in MotionForm.OUTCOME_FIELDS}
        if not set(MotionForm.OUTCOME_FIELDS) & set(form.changed_data):
            super().save_model(request, obj, form, change)
            return
        for name in MotionForm.OUTCOME_FIELDS:
            setattr(obj, name, form.initial.get(name, Motion._meta.get_field(name).get_default()))
        if obj.outcome_note is None:
            obj.outcome_note = ""
        super().save_model(request, obj, form, change)
        services.motion_decide(
            motion=obj,
            outcome=decided["outcome"],
            votes_for=decided["votes_for"],
            votes_against=decided["votes_against"],
            note=decided["outcome_note"] or "",
            actor=request.user,
        )


@admin.register(Meeting)
class MeetingAdmin(meeting_prep.MeetingPrepMixin, ChoiceLabelsMixin, SimpleHistoryAdmin):
    list_display = ["title", "body", "starts_at", "status", "published_at"]
    list_filter = ["body", "status"]
    date_hierarchy = "starts_at"
    search_fields = ["title"]
    readonly_fields = [
        "status",
        "published_at",
        "notice_sent_at",
        "reminder_sent_at",
        "publication",
        "portal_link",
        "pack_status",
    ]
    readonly_fields += ["congress_panel", "motion_list", "vote_panel"]
    fields = ["body", "title", "starts_at", "location", "online_url", "event", *readonly_fields]
    autocomplete_fields = ["event"]
    inlines = [AgendaItemInline, ActionInline, MeetingPackInline]
    actions = ["publish", "mark_held", "congress_create", "remind_municipalities"]

    def choice_label(self, obj):
        """How a meeting reads where it is picked: title, date and status."""
        return meeting_choice_label(obj)

    @admin.display(description=_("board portal"))
    def portal_link(self, obj):
        if not obj.pk:
            return "–"
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("open in the board portal"))

    @admin.display(description=_("event, convocation and responses"))
    def congress_panel(self, obj):
        """The linked event's registrations per municipality, who responded, convocation progress."""
        return congress.meeting_congress_panel(obj)

    @admin.display(description=_("meeting pack"))
    def pack_status(self, obj):
        return meeting_prep.pack_status_panel(obj)

    @admin.display(description=_("motions"))
    def motion_list(self, obj):
        """The motions of an ALV meeting, with their outcome, and a link to add one."""
        if not obj.pk or obj.body.kind != Body.Kind.ALV:
            return "–"
        return render_to_string(
            "admin/governance/_motion_list.html",
            {"meeting": obj, "motions": obj.motions.order_by("order", "pk")},
        )

    @admin.display(description=_("votes"))
    def vote_panel(self, obj):
        """Per motion and item for decision of an ALV: its votes, open (named or secret), close."""
        return vote_screens.meeting_votes_panel(obj)

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *extensions.MEETING_ADMIN_PANELS]

    def get_fields(self, request, obj=None):
        """The panels the reports room adds (board.extensions) come before the motions."""
        fields = list(super().get_fields(request, obj))
        at = fields.index("motion_list")
        return [*fields[:at], *extensions.MEETING_ADMIN_PANELS, *fields[at:]]

    def changelist_view(self, request, extra_context=None):
        warning = services.alv_deadline_warning()
        if warning and request.method == "GET":
            messages.warning(request, warning)
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            meeting = self.get_object(request, object_id)
            if meeting is not None:
                for problem in services.meeting_guardrail_problems(meeting=meeting):
                    messages.warning(request, problem)
                failed = meeting.packs.order_by("-version").first()
                if failed is not None and failed.status == MeetingPack.Status.FAILED:
                    messages.error(request, failed.error)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_formset(self, request, form, formset, change):
        if formset.model is not AgendaItem:
            return super().save_formset(request, form, formset, change)
        for item in formset.save(commit=False):
            inline_form = next(f for f in formset.forms if f.instance is item)
            _save_agenda_item(request, inline_form, item)
        for item in formset.deleted_objects:
            item.delete()
        formset.save_m2m()
        meeting_prep.documents_add_from_formset(request, formset)
        return None

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.agenda_renumber(meeting=form.instance)
        if not change:
            adoption.minutes_adoption_item_ensure(meeting=form.instance, actor=request.user)

    @admin.action(
        description=_("Publish: build the meeting pack and tell the members"), permissions=["change"]
    )
    def publish(self, request, queryset):
        for meeting in queryset:
            meeting_prep.meeting_publish_and_tell(request, meeting)

    @admin.action(description=_("Create the congress event"), permissions=["change"])
    def congress_create(self, request, queryset):
        """A draft event of the kind "ALV and spring congress" on the meeting's day, linked to it."""
        for meeting in queryset:
            try:
                event = congress.congress_event_create(meeting=meeting, actor=request.user)
            except ServiceError as error:
                self.message_user(request, f"{meeting}: {error.message}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    format_html(
                        '{} <a href="{}">{}</a>',
                        _("%(meeting)s is held together with a new draft event:") % {"meeting": meeting},
                        reverse("admin:events_event_change", args=[event.pk]),
                        event,
                    ),
                )

    @admin.action(description=_("Remind the municipalities that have not responded"), permissions=["change"])
    def remind_municipalities(self, request, queryset):
        for meeting in queryset:
            try:
                count = convocation.meeting_convocation_remind(meeting=meeting)
            except ServiceError as error:
                self.message_user(request, f"{meeting}: {error.message}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(meeting)s: a reminder goes to %(count)d municipalities.")
                    % {"meeting": meeting, "count": count},
                )

    @admin.action(description=_("Mark as held (decisions can be entered)"), permissions=["change"])
    def mark_held(self, request, queryset):
        held = 0
        for meeting in queryset:
            try:
                services.meeting_mark_held(meeting=meeting, actor=request.user)
            except ServiceError as error:
                self.message_user(
                    request,
                    _("%(meeting)s was not marked as held: %(why)s")
                    % {"meeting": meeting, "why": error.message},
                    messages.ERROR,
                )
            else:
                held += 1
        if held:
            self.message_user(request, _("Marked as held."))


class DocumentInline(admin.TabularInline):
    model = Document
    fields = ["title", "original_filename", "version", "size", "uploaded_at", "download"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("file"))
    def download(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), pgettext_lazy("link", "open"))


@admin.register(AgendaItem)
class AgendaItemAdmin(ChoiceLabelsMixin, SimpleHistoryAdmin):
    list_display = ["title", "meeting", "order", "kind", "confidential"]
    list_filter = ["kind", "confidential", "meeting__body"]
    search_fields = ["title", "meeting__title"]
    autocomplete_fields = ["rapporteur", "meeting"]
    fields = [
        "meeting",
        "order",
        "title",
        "kind",
        "rapporteur",
        "summary",
        "proposal",
        "decision",
        "confidential",
        "add_document",
    ]
    readonly_fields = ["add_document"]
    inlines = [DocumentInline]
    form = AgendaItemForm

    def save_model(self, request, obj, form, change):
        _save_agenda_item(request, form, obj)

    @admin.display(description=_("documents"))
    def add_document(self, obj):
        if not obj.pk:
            return _("Save the item first, then add documents.")
        return format_html(
            '<a href="{}?item={}">{}</a>',
            reverse("admin:governance_document_add"),
            obj.pk,
            _("Add a document or a new version"),
        )


class DocumentForm(forms.ModelForm):
    upload = forms.FileField(label=_("file"), help_text=_("PDF, Word (.docx) or Excel (.xlsx)."))

    class Meta:
        model = Document
        fields = ["item", "title", "replaces"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["replaces"].help_text = _(
            "Choose the document this file is a new version of; the old version is kept."
        )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("upload")
        if upload is not None:
            try:
                documents.upload_check(uploaded=upload)
            except ServiceError as error:
                self.add_error("upload", error.message)
        replaces, item = cleaned.get("replaces"), cleaned.get("item")
        if replaces is not None and item is not None:
            if replaces.item_id != item.pk:
                self.add_error("replaces", _("A new version must belong to the same agenda item."))
            elif Document.objects.filter(replaces=replaces).exists():
                self.add_error(
                    "replaces", _("That document already has a newer version; replace the newest one.")
                )
        return cleaned


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "item", "version", "original_filename", "size", "uploaded_at"]
    list_filter = ["item__meeting__body"]
    search_fields = ["title", "original_filename"]
    readonly_fields = [
        "original_filename",
        "content_type",
        "size",
        "sha256",
        "version",
        "uploaded_at",
        "uploaded_by",
        "download",
    ]
    autocomplete_fields = ["item"]

    @admin.display(description=_("file"))
    def download(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), pgettext_lazy("link", "open"))

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = DocumentForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["item", "title", "replaces", "upload"]
        return ["item", "title", *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["item", *self.readonly_fields]

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["title"])
            return
        document = documents.document_add(
            item=form.cleaned_data["item"],
            title=form.cleaned_data.get("title") or "",
            uploaded=form.cleaned_data["upload"],
            replaces=form.cleaned_data.get("replaces"),
            actor=request.user,
        )
        obj.pk = document.pk
        obj.__dict__.update(document.__dict__)
