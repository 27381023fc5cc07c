"""The admin of invitations: read-only (the invitation page makes them)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from events.models import Invitation

from .filters import EventListFilter


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Read-only: invitations are made by the invitation page, one per person per event."""

    list_display = ("person", "event", "mail_status", "mail_error", "created_at", "created_by")
    list_filter = (("event", EventListFilter), "mail__status")
    list_select_related = ("person", "event", "mail", "created_by")
    search_fields = ("person__first_name", "person__last_name", "person__email")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("mail status"), ordering="mail__status")
    def mail_status(self, obj):
        return obj.mail.get_status_display() if obj.mail_id else "—"

    @admin.display(description=_("reason"))
    def mail_error(self, obj):
        return obj.mail.error if obj.mail_id and obj.mail.status == "failed" else ""
