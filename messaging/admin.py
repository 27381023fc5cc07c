"""The composer in the admin: a message is written on its add/change page (reached from an
event, a meeting or the people list with its audience), then previewed, tested and sent on its
send page (staff_views.send_view). Templates are kept beside it."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from vzhg.errors import ServiceError

from . import services, staff_views
from .audiences import PEOPLE, audience_get, source_parse
from .forms import AttachmentForm, MessageForm, TemplateForm
from .models import Message, MessageAttachment, MessageTemplate


def audience_label(message: Message) -> str:
    if message.audience == PEOPLE:
        return str(_("chosen people"))
    audience = audience_get(message.audience)
    label = str(audience.label) if audience else message.audience
    source = source_parse(message.source)
    return f"{label} — {source}" if source is not None else label


class AttachmentInline(admin.TabularInline):
    model = MessageAttachment
    form = AttachmentForm
    extra = 1
    fields = ["file", "size"]
    readonly_fields = ["size"]

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or obj.status == Message.Status.DRAFT
        )

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and (
            obj is None or obj.status == Message.Status.DRAFT
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or obj.status == Message.Status.DRAFT
        )


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    form = MessageForm
    inlines = [AttachmentInline]
    list_display = ["subject", "audience_shown", "status", "recipient_count", "created_by", "sent_at"]
    list_filter = ["status"]
    search_fields = ["subject"]
    autocomplete_fields = ["people"]
    readonly_fields = ["audience_shown", "send_link"]
    change_form_template = "admin/messaging/message/change_form.html"

    @admin.display(description=_("audience"))
    def audience_shown(self, obj):
        return audience_label(obj) if obj.audience else "–"

    @admin.display(description=_("preview, test and send"))
    def send_link(self, obj):
        if not obj.pk:
            return _("Save the message first.")
        url = reverse("admin:messaging_message_send", args=[obj.pk])
        label = _("Preview, test and send") if obj.status == Message.Status.DRAFT else _("Progress")
        return format_html('<a class="button" href="{}">{}</a>', url, label)

    def get_fieldsets(self, request, obj=None):
        audience = obj.audience if obj else request.GET.get("audience", "")
        fields = ["audience_shown", "subject", "body", "reply_to", "salutation_style"]
        if audience == PEOPLE or not audience:
            fields += ["people", "pasted_addresses"]
        fields += ["audience", "source", "send_link"]
        return [(None, {"fields": fields})]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != Message.Status.DRAFT:
            return [*self.readonly_fields, "subject", "body", "reply_to", "salutation_style", "people"]
        return self.readonly_fields

    def get_changeform_initial_data(self, request):
        initial = {"audience": request.GET.get("audience", PEOPLE), "source": request.GET.get("source", "")}
        template = (
            MessageTemplate.objects.filter(pk=request.GET.get("template") or None).first()
            if (request.GET.get("template", "").isdigit())
            else None
        )
        if template is not None:
            initial.update(
                subject=template.subject, body=template.body, salutation_style=template.salutation_style
            )
        return initial

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        audience = Message(audience=request.GET.get("audience", PEOPLE), source=request.GET.get("source", ""))
        extra_context = {
            **(extra_context or {}),
            "message_templates": MessageTemplate.objects.all(),
            "audience_label": audience_label(audience) if object_id is None else "",
        }
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if form.pasted_people:
            form.instance.people.add(*form.pasted_people)

    def save_formset(self, request, form, formset, change):
        """New attachments go through the service (type, content and the size cap)."""
        if formset.model is not MessageAttachment:
            return super().save_formset(request, form, formset, change)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for removed in formset.deleted_forms:
            if removed.instance.pk:
                formset.deleted_objects.append(removed.instance)
                removed.instance.delete()
        for inline_form in formset.forms:
            uploaded = inline_form.cleaned_data.get("file") if inline_form.has_changed() else None
            if inline_form in formset.deleted_forms or not uploaded or inline_form.instance.pk:
                continue
            try:
                formset.new_objects.append(services.attachment_add(message=form.instance, uploaded=uploaded))
            except ServiceError as refusal:
                messages.error(request, refusal.message)

    def response_add(self, request, obj, post_url_continue=None):
        if "_save" in request.POST:
            return HttpResponseRedirect(reverse("admin:messaging_message_send", args=[obj.pk]))
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if "_save" in request.POST:
            return HttpResponseRedirect(reverse("admin:messaging_message_send", args=[obj.pk]))
        return super().response_change(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or obj.status == Message.Status.DRAFT
        )

    def get_urls(self):
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/send/",
                self.admin_site.admin_view(staff_views.send_view),
                {"model_admin": self},
                name=f"{info}_send",
            ),
            *super().get_urls(),
        ]


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    form = TemplateForm
    list_display = ["name", "subject", "salutation_style", "use_link"]
    search_fields = ["name", "subject"]

    @admin.display(description=_("use"))
    def use_link(self, obj):
        url = reverse("admin:messaging_message_add") + f"?audience={PEOPLE}&template={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("New message from this template"))
