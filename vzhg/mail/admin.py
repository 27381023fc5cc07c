from django.contrib import admin
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .kinds import mail_kind_label
from .models import OutgoingMail

CONTENT_FIELDS = {"body_text", "body_html", "attachments"}


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    list_display = ["subject", "to", "kind_label", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["to", "subject"]
    date_hierarchy = "created_at"
    # The content is shown through content_shown(), which withholds it for mail with a secret.
    readonly_fields = [
        "content_shown" if f.name == "body_text" else f.name
        for f in OutgoingMail._meta.fields
        if f.name not in CONTENT_FIELDS - {"body_text"}
    ]
    fields = readonly_fields
    actions = ["dispatch_again"]

    @admin.display(description=_("kind"), ordering="kind")
    def kind_label(self, obj):
        return mail_kind_label(obj.kind)

    @admin.display(description=_("content"))
    def content_shown(self, obj):
        if obj.sensitive:
            return _("Not shown: this mail carries a login code or a link for the recipient only.")
        if obj.content_removed_at:
            return _("Removed on %(date)s (retention).") % {"date": date_format(
                timezone.localtime(obj.content_removed_at), "DATETIME_FORMAT")}
        parts = [obj.body_text]
        if obj.body_html:
            parts.append(_("(also sent as HTML)"))
        parts += [_("Attachment: %(name)s") % {"name": a.get("filename", "")} for a in obj.attachments]
        return "\n\n".join(parts)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Hand queued mail to the worker again"))
    def dispatch_again(self, request, queryset):
        ids = list(queryset.filter(status=OutgoingMail.Status.QUEUED).values_list("pk", flat=True))
        handed = services.mail_dispatch(mail_ids=ids)
        self.message_user(
            request,
            ngettext("%(count)d message handed to the worker.", "%(count)d messages handed to the worker.", handed)
            % {"count": handed},
        )
