"""The people list's filter "network" (registered into members.extensions from
NetworksConfig.ready()): the active members of a chosen network, so the secretariat can send
them a message (the people list's action) — "leden van het strategennetwerk"."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from .models import Network, NetworkMembership


class NetworkFilter(admin.SimpleListFilter):
    title = _("network")
    parameter_name = "network"

    def lookups(self, request, model_admin):
        return [(str(pk), name) for pk, name in Network.objects.values_list("pk", "name")]

    def queryset(self, request, queryset):
        value = self.value()
        if not value or not value.isdigit():
            return queryset
        active = NetworkMembership.objects.active().filter(network_id=int(value), person=OuterRef("pk"))
        return queryset.filter(Exists(active))
