"""The people list's admin action "Add to network…" (registered into members.extensions from
NetworksConfig.ready()): an intermediate page chooses the network, the role and the expertise
tags; networks.services adds the chosen people who are not active members yet."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from vzhg.errors import ServiceError

from . import services
from .models import ExpertiseTag, Network, NetworkMembership

ADD_PERMISSION = "networks.add_networkmembership"


class AddToNetworkForm(forms.Form):
    network = forms.ModelChoiceField(label=_("network"), queryset=Network.objects.order_by("order", "name"))
    role = forms.ChoiceField(
        label=_("role"), choices=NetworkMembership.Role.choices, initial=NetworkMembership.Role.MEMBER
    )
    expertise_tags = forms.ModelMultipleChoiceField(
        label=_("expertise tags"),
        queryset=ExpertiseTag.objects.order_by("order", "name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only tags the chosen network uses."),
    )


@admin.action(description=_("Add to network…"))
def add_to_network(modeladmin, request, queryset: QuerySet):
    """First the page with the choice; its "Add" posts the selection again with `apply`."""
    if not request.user.has_perm(ADD_PERMISSION):
        messages.error(request, gettext("You may not add people to networks."))
        return None
    form = AddToNetworkForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        network = form.cleaned_data["network"]
        try:
            added, skipped = services.memberships_add(
                network=network,
                people=queryset,
                actor=request.user,
                role=form.cleaned_data["role"],
                tag_ids=[tag.pk for tag in form.cleaned_data["expertise_tags"]],
            )
        except ServiceError as refusal:
            form.add_error("expertise_tags", refusal.message)
        else:
            text = ngettext(
                "%(count)d person added to %(network)s.", "%(count)d people added to %(network)s.", added
            ) % {"count": added, "network": network}
            if skipped:
                text += " " + ngettext(
                    "%(count)d was already a member.", "%(count)d were already members.", skipped
                ) % {"count": skipped}
            messages.success(request, text)
            return None
    return TemplateResponse(
        request,
        "admin/networks/add_to_network.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": gettext("Add to network"),
            "opts": modeladmin.model._meta,
            "form": form,
            "people": list(queryset.order_by("last_name", "first_name")[:50]),
            "count": queryset.count(),
            "selected": queryset.values_list("pk", flat=True),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        },
    )


add_to_network.required_permission = ADD_PERMISSION  # type: ignore[attr-defined]
