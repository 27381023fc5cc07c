"""The secretariat's admin of networks: the network with its memberships inline (add people,
mark trekkers, tags, end a membership with "left on"), the memberships list, the expertise tags."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from vzhg.admin_history import ReadableHistoryAdmin  # the history page: Dutch, readable

from .models import ExpertiseTag, Network, NetworkMembership


class NetworkMembershipInline(admin.TabularInline):
    model = NetworkMembership
    fields = ("person", "role", "expertise_tags", "joined_on", "left_on")
    autocomplete_fields = ("person",)
    extra = 1
    verbose_name_plural = _("members (past members keep their 'left on' date)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person").prefetch_related("expertise_tags")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "expertise_tags":
            kwargs["queryset"] = ExpertiseTag.objects.order_by("order", "name")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Network)
class NetworkAdmin(ReadableHistoryAdmin):
    list_display = ("name", "kind", "open_for_signup", "target_size", "meeting_frequency")
    list_filter = ("kind", "open_for_signup")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("expertise_tags", "partners")
    inlines = [NetworkMembershipInline]
    fields = (
        "name",
        "slug",
        "kind",
        "purpose",
        "target_size",
        "meeting_frequency",
        "signup_email",
        "open_for_signup",
        "expertise_tags",
        "partners",
        "newsletter_list",
        "order",
    )


@admin.register(NetworkMembership)
class NetworkMembershipAdmin(ReadableHistoryAdmin):
    list_display = ("person", "network", "role", "joined_on", "left_on")
    list_filter = ("network", "role", ("left_on", admin.EmptyFieldListFilter))
    list_select_related = ("person", "network")
    search_fields = ("person__first_name", "person__last_name", "person__email", "network__name")
    autocomplete_fields = ("person",)
    date_hierarchy = "joined_on"


@admin.register(ExpertiseTag)
class ExpertiseTagAdmin(admin.ModelAdmin):
    list_display = ("name", "order")
    search_fields = ("name",)
