"""The people list's admin action (registered into members.extensions from MessagingConfig.ready())."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vzhg.errors import ServiceError

from . import services
from .audiences import PEOPLE


@admin.action(description=_("Send a message"))
def message_to_people(modeladmin, request, queryset: QuerySet):
    """The people list's action: a draft message to the selection, opened in the composer."""
    if not request.user.has_perm("messaging.add_message"):
        messages.error(request, _("You may not write messages."))
        return None
    try:
        message = services.message_create(
            audience=PEOPLE, subject="", body="", actor=request.user, people=list(queryset), draft=True
        )
    except ServiceError as refusal:
        messages.error(request, refusal.message)
        return None
    return HttpResponseRedirect(reverse("admin:messaging_message_change", args=[message.pk]))
