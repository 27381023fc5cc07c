"""The bounce state of an address where staff and the person look: annotations that fetch it in
the same query as the rows (no query per row), the admin list filter "onbestelbaar", and the HTML
that shows it, linking to the bounced-address page where staff with the permission reset it.

Used by the person admin (members), the subscription admin and the delivery report
(newsletters); the person's own profile uses `bounces.email_undeliverable`.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from django.contrib import admin
from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .bounce_models import BouncedAddress
from .bounces import undeliverable_exists


def bounce_state_annotate(queryset: QuerySet, *, field: str = "email") -> QuerySet:
    """The rows with `mail_undeliverable_since`, `mail_last_bounce_at` and `mail_bounce_reason` of
    their address `field` (any case) when it is undeliverable, else None: subqueries of the same
    SQL query. (Prefixed: a model may have its own `bounce_reason`.)"""
    address = BouncedAddress.objects.filter(undeliverable_since__isnull=False, email=Lower(OuterRef(field)))
    return queryset.annotate(
        mail_undeliverable_since=Subquery(address.values("undeliverable_since")[:1]),
        mail_last_bounce_at=Subquery(address.values("last_bounce_at")[:1]),
        mail_bounce_reason=Subquery(address.values("reason")[:1]),
    )


def bounce_reset_url(email: str) -> str:
    """The bounced-address list narrowed to this address: reason, bounces, and the reset action
    for staff with the permission "Can reset an undeliverable address"."""
    return reverse("admin:mail_bouncedaddress_changelist") + "?" + urlencode({"email": email.strip().lower()})


def _day(value: datetime | None) -> str:
    return date_format(timezone.localtime(value), "j F Y") if value else "–"


def bounce_state_text(*, since: datetime | None, last_at: datetime | None, reason: str | None) -> str:
    return gettext("Undeliverable since %(since)s: %(reason)s (last bounce %(last)s)") % {
        "since": _day(since),
        "reason": reason or "–",
        "last": _day(last_at or since),
    }


def bounce_state_html(row, *, email: str | None = None, short: bool = False) -> str:
    """The state of an annotated row (`bounce_state_annotate`): "–" when deliverable; otherwise
    the badge with the reason and dates and the link to the reset page."""
    since = getattr(row, "mail_undeliverable_since", None)
    if since is None:
        return "–"
    email = email if email is not None else row.email
    reason = row.mail_bounce_reason or "–"
    if short:
        return format_html(
            '<a class="bounce-state" href="{}" title="{}"><strong>{}</strong> {} · {}</a>',
            bounce_reset_url(email),
            reason,
            gettext("undeliverable"),
            _day(row.mail_last_bounce_at or since),
            reason[:60] + ("…" if len(reason) > 60 else ""),
        )
    return format_html(
        '<strong class="bounce-state">{}</strong> · <a href="{}">{}</a>',
        bounce_state_text(since=since, last_at=row.mail_last_bounce_at, reason=reason),
        bounce_reset_url(email),
        gettext("bounces and reset"),
    )


class UndeliverableListFilter(admin.SimpleListFilter):
    """ "onbestelbaar": rows whose address (the `email` field) is undeliverable, or is not."""

    title = _("undeliverable")
    parameter_name = "undeliverable"
    field = "email"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(undeliverable_exists(self.field))
        if self.value() == "no":
            return queryset.exclude(undeliverable_exists(self.field))
        return queryset


class BounceStateAdminMixin:
    """For a ModelAdmin of rows with an address field (`bounce_state_field`): the state in the
    list (a column and the filter "onbestelbaar") and on the change page, fetched with the rows.
    The admin's own `fields` get "mail_state" after "bounce_reason" (or at the end), read-only."""

    bounce_state_field = "email"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # On the instance, so an admin's own get_fields/get_readonly_fields (returning these
        # lists) show it too; the add page, which has no address yet, is left alone by them.
        fields = list(getattr(self, "fields", None) or [])
        if fields and "mail_state" not in fields:
            at = fields.index("bounce_reason") + 1 if "bounce_reason" in fields else len(fields)
            self.fields = [*fields[:at], "mail_state", *fields[at:]]
            self.readonly_fields = [*getattr(self, "readonly_fields", ()), "mail_state"]

    def get_queryset(self, request):
        return bounce_state_annotate(super().get_queryset(request), field=self.bounce_state_field)  # type: ignore[misc]

    def get_list_display(self, request):
        return [*super().get_list_display(request), "mail_state_short"]  # type: ignore[misc]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), UndeliverableListFilter]  # type: ignore[misc]

    @admin.display(description=_("mail"), ordering="mail_undeliverable_since")
    def mail_state_short(self, obj):
        return bounce_state_html(obj, email=getattr(obj, self.bounce_state_field), short=True)

    @admin.display(description=_("undeliverable"))
    def mail_state(self, obj):
        if obj is None or obj.pk is None:
            return "–"
        return bounce_state_html(obj, email=getattr(obj, self.bounce_state_field))
