"""Bounced addresses in the admin: which are undeliverable and why, each bounce, and the reset
(permission "Can reset an undeliverable address", in the Secretariaat group). Imported by admin.py."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import bounces
from .bounce_models import Bounce, BouncedAddress


class UndeliverableFilter(admin.SimpleListFilter):
    title = _("undeliverable")
    parameter_name = "undeliverable"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(undeliverable_since__isnull=False)
        if self.value() == "no":
            return queryset.filter(undeliverable_since__isnull=True)
        return queryset


class BounceInline(admin.TabularInline):
    model = Bounce
    fields = ["received_at", "kind", "status", "reason", "about"]
    readonly_fields = ["received_at", "kind", "status", "reason", "about"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(BouncedAddress)
class BouncedAddressAdmin(admin.ModelAdmin):
    list_display = [
        "email", "is_undeliverable", "undeliverable_since", "hard_bounces", "soft_bounces",
        "last_bounce_at", "last_status", "reason_short",
    ]  # fmt: skip
    list_filter = [UndeliverableFilter]
    search_fields = ["email"]
    fields = [
        "email", "undeliverable_since", "reason", "hard_bounces", "soft_bounces", "last_bounce_at",
        "last_status",
    ]  # fmt: skip
    readonly_fields = fields  # type: ignore[assignment]  # the same list: nothing is edited here
    inlines = [BounceInline]
    actions = ["reset_selected"]

    @admin.display(description=_("undeliverable"), boolean=True, ordering="undeliverable_since")
    def is_undeliverable(self, obj):
        return obj.undeliverable

    @admin.display(description=_("reason"))
    def reason_short(self, obj):
        return obj.reason[:120]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_reset_permission(self, request):
        return request.user.has_perm("mail.reset_bouncedaddress")

    @admin.action(description=_("Reset: the address works again"), permissions=["reset"])
    def reset_selected(self, request, queryset):
        count = sum(
            bounces.bounced_address_reset(address=address, actor=request.user) for address in queryset
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d address reset; mail to it is sent again.",
                "%(count)d addresses reset; mail to them is sent again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
