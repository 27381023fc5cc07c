"""The people list's filter "newsletter list" (registered into members.extensions from
MessagingConfig.ready()): the people with a confirmed subscription to a chosen list (linked to
them, or at their address), so a message can go to, say, the griffiers network. Every list is
offered, the general newsletter and the secretariat's own lists alike."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from newsletters.models import NewsletterList, Subscription


class NewsletterListFilter(admin.SimpleListFilter):
    title = _("newsletter list")
    parameter_name = "newsletter_list"

    def lookups(self, request, model_admin):
        return [(str(pk), name) for pk, name in NewsletterList.objects.values_list("pk", "name")]

    def queryset(self, request, queryset):
        value = self.value()
        if not value or not value.isdigit():
            return queryset
        subscribed = Subscription.objects.filter(
            Q(person=OuterRef("pk")) | Q(email__iexact=OuterRef("email")),
            newsletter_list_id=int(value),
            status=Subscription.Status.CONFIRMED,
        )
        return queryset.filter(Exists(subscribed))
