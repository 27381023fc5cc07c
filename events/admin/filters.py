"""List filters of the events admin: events by period, registrations by event, workshop and
organisation (an event is named with its date and status: three editions of one congress differ)."""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event, Registration, Session
from vzhg.admin_choices import dated_label


class EventPeriodFilter(admin.SimpleListFilter):
    title = _("period")
    parameter_name = "period"

    def lookups(self, request, model_admin):
        return [("upcoming", _("upcoming")), ("past", _("past"))]

    def queryset(self, request, queryset):
        if self.value() == "upcoming":
            return queryset.filter(ends_at__gte=timezone.now())
        if self.value() == "past":
            return queryset.filter(ends_at__lt=timezone.now())
        return queryset


class EventListFilter(admin.RelatedOnlyFieldListFilter):
    """The events in the list, newest first, each with its date and status: three editions of
    the same congress are told apart."""

    def field_choices(self, field, request, model_admin):
        used = model_admin.get_queryset(request).order_by().values(f"{self.field_path}__pk")
        return [
            (event.pk, dated_label(event.title, event.starts_at, event.get_status_display()))
            for event in Event.objects.filter(pk__in=used).order_by("-starts_at")
        ]


class SessionFilter(admin.SimpleListFilter):
    """Registrations by workshop; the workshops offered are those of the chosen event, if any."""

    title = _("workshop")
    parameter_name = "session"

    def lookups(self, request, model_admin):
        sessions = Session.objects.select_related("round__event").order_by(
            "round__event__starts_at", "round__number", "pk"
        )
        event = request.GET.get("event__id__exact")
        if event and event.isdigit():
            sessions = sessions.filter(round__event_id=int(event))
        return [(str(s.pk), f"{s.round.event} — {s.round.number}: {s.title}") for s in sessions]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not value.isdigit():
            return queryset.none()
        return queryset.filter(choices__session_id=int(value))


class MunicipalityFilter(admin.SimpleListFilter):
    title = _("organisation")
    parameter_name = "organisation"

    def lookups(self, request, model_admin):
        from members.models import Organisation

        used = Registration.objects.filter(organisation__isnull=False).values("organisation")
        return [(str(o.pk), o.name) for o in Organisation.objects.filter(pk__in=used).order_by("name")]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not value.isdigit():
            return queryset.none()
        return queryset.filter(organisation_id=int(value))
