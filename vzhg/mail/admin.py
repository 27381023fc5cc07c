from django.apps import apps
from django.contrib import admin, messages
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import selectors, services
from .kinds import mail_kind_label
from .models import OutgoingMail

CONTENT_FIELDS = {"body_text", "body_html", "attachments"}


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    list_display = [
        "subject", "to", "kind_label", "status", "attempts", "created_at", "last_attempt_at",
        "next_attempt_at", "sent_at", "error_short",
    ]  # fmt: skip
    list_filter = ["status", "kind"]
    search_fields = ["to", "subject"]
    date_hierarchy = "created_at"
    # The content is shown through content_shown(), which withholds it for mail with a secret.
    readonly_fields = [
        "content_shown" if f.name == "body_text" else f.name
        for f in OutgoingMail._meta.fields
        if f.name not in CONTENT_FIELDS - {"body_text"}
    ]
    readonly_fields = [*readonly_fields, "about_link"]
    fields = tuple(readonly_fields)
    actions = ["dispatch_again", "resend_failed"]

    @admin.display(description=_("kind"), ordering="kind")
    def kind_label(self, obj):
        return mail_kind_label(obj.kind)

    @admin.display(description=_("content"))
    def content_shown(self, obj):
        if obj.sensitive:
            return _("Not shown: this mail carries a login code or a link for the recipient only.")
        if obj.content_removed_at:
            return _("Removed on %(date)s (retention).") % {
                "date": date_format(timezone.localtime(obj.content_removed_at), "DATETIME_FORMAT")
            }
        if obj.build is not None:
            return _("Written by the worker when it sends the mail.")
        parts = [obj.body_text]
        if obj.body_html:
            parts.append(_("(also sent as HTML)"))
        parts += [_("Attachment: %(name)s") % {"name": a.get("filename", "")} for a in obj.attachments]
        return "\n\n".join(str(part) for part in parts)

    @admin.display(description=_("about (link)"))
    def about_link(self, obj):
        """The admin page of what the mail is about ("messaging.message:42" → that message)."""
        label, _sep, pk = obj.reference.partition(":")
        try:
            model = apps.get_model(label)
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[pk])
        except (LookupError, ValueError, NoReverseMatch):
            return "–"
        return format_html('<a href="{}">{}</a>', url, obj.reference)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_resend_permission(self, request):
        return request.user.has_perm("mail.resend_outgoingmail")

    @admin.display(description=_("error"))
    def error_short(self, obj):
        return obj.error[:120]

    def changelist_view(self, request, extra_context=None):
        notice = selectors.relay_notice()
        if notice and request.method == "GET":
            messages.warning(request, notice)
        return super().changelist_view(request, extra_context=extra_context)

    @admin.action(description=_("Hand queued mail to the worker again"))
    def dispatch_again(self, request, queryset):
        ids = list(queryset.filter(status=OutgoingMail.Status.QUEUED).values_list("pk", flat=True))
        handed = services.mail_dispatch(mail_ids=ids)
        self.message_user(
            request,
            ngettext(
                "%(count)d message handed to the worker.", "%(count)d messages handed to the worker.", handed
            )
            % {"count": handed},
        )

    @admin.action(description=_("Resend the selected failed mail"), permissions=["resend"])
    def resend_failed(self, request, queryset):
        count = services.mail_resend(mail_ids=list(queryset.values_list("pk", flat=True)), actor=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d failed message queued again; messages not failed were left alone.",
                "%(count)d failed messages queued again; messages not failed were left alone.",
                count,
            )
            % {"count": count},
        )


from . import bounce_admin  # noqa: E402, F401  (bounced addresses: registered there)
