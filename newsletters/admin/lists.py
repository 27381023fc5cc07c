"""The lists: the general newsletter and the secretariat's own (griffiers, strategennetwerk …).
Their subscribers are managed on the subscription list (filter or add by list). A list with
editions or subscribers cannot be deleted (PROTECT: the delete page names them)."""

from django.contrib import admin
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import NewsletterList, Subscription


@admin.register(NewsletterList)
class NewsletterListAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "self_service", "public", "order", "subscribers", "editions_count"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "description", "self_service", "public", "order"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                subscriber_count=Count(
                    "subscriptions",
                    filter=Q(subscriptions__status=Subscription.Status.CONFIRMED),
                    distinct=True,
                ),
                edition_count=Count("editions", distinct=True),
            )
        )

    @admin.display(description=_("subscribers"), ordering="subscriber_count")
    def subscribers(self, obj):
        url = reverse("admin:newsletters_subscription_changelist") + f"?newsletter_list__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, obj.subscriber_count)

    @admin.display(description=_("editions"), ordering="edition_count")
    def editions_count(self, obj):
        return obj.edition_count

    def get_readonly_fields(self, request, obj=None):
        # The general newsletter's address is the archive's: it stays.
        return ["slug"] if obj is not None and obj.is_general else []

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj is not None and obj.is_general else self.prepopulated_fields
