from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .kinds import mail_kind_label
from .models import OutgoingMail


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    list_display = ["subject", "to", "kind_label", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["to", "subject"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in OutgoingMail._meta.fields]
    actions = ["dispatch_again"]

    @admin.display(description=_("kind"), ordering="kind")
    def kind_label(self, obj):
        return mail_kind_label(obj.kind)

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
