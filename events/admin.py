"""The secretariat's admin for events.

An event is edited with its programme and workshop rounds inline; the workshops of a round are
edited on the round's own page (linked from the event). The event's change page links to the
staff pages that live inside the admin (events/staff_views.py): invitations with their progress,
the check-in page, counts per municipality, and the attendee list and name badges as PDF.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Count, Q, Subquery
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ExportMixin
from import_export.forms import ExportForm

from members.selectors import member_municipalities
from vzhg.admin_choices import ChoiceLabelsMixin, dated_label
from vzhg.exports import DutchCSV, SafeXLSX

from . import extensions, services, staff, staff_views
from .models import Event, Invitation, ProgrammeItem, Registration, Round, Session
from .resources import RegistrationResource

# --- events ----------------------------------------------------------------------------------


class ProgrammeItemInline(admin.TabularInline):
    model = ProgrammeItem
    extra = 0
    fields = ("order", "starts_at", "ends_at", "title", "speaker", "description")


class RoundInline(admin.TabularInline):
    model = Round
    extra = 0
    fields = ("number", "title", "starts_at", "ends_at", "session_count")
    readonly_fields = ("session_count",)
    show_change_link = True
    verbose_name_plural = _("workshop rounds (open a round to edit its workshops)")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(session_total=Count("sessions"))

    @admin.display(description=_("workshops"))
    def session_count(self, obj):
        return getattr(obj, "session_total", 0) if obj.pk else 0


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


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "starts_at",
        "kind",
        "status",
        "host",
        "confirmed",
        "waitlisted",
        "municipalities_reached",
    )
    list_filter = ("status", "kind", EventPeriodFilter)
    list_select_related = ("host",)
    search_fields = ("title", "venue_name", "host__name")
    date_hierarchy = "starts_at"
    ordering = ("-starts_at",)
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("host",)
    # The status changes only through the actions (publish, cancel), which run the services:
    # cancelling by hand would skip the registrants' mails and cancelled_at.
    readonly_fields = (
        "status",
        "staff_links",
        "created_at",
        "updated_at",
        "cancelled_at",
    )
    inlines = (ProgrammeItemInline, RoundInline)
    actions = ("publish_events", "cancel_events", "duplicate_events")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "staff_links",
                    "title",
                    "slug",
                    "kind",
                    "status",
                    "summary",
                    "description",
                    "themes",
                )
            },
        ),
        (
            _("When and where"),
            {"fields": ("starts_at", "ends_at", "host", "venue_name", "venue_address", "online_url")},
        ),
        (
            _("Registration"),
            {
                "fields": (
                    "audience",
                    "capacity",
                    "places_per_municipality",
                    "registration_opens_at",
                    "registration_closes_at",
                    "reminder_days",
                )
            },
        ),
        (_("History"), {"fields": ("created_at", "updated_at", "cancelled_at")}),
    )

    def get_queryset(self, request):
        members = member_municipalities().values("pk")
        active = [Registration.Status.CONFIRMED, Registration.Status.WAITLISTED]
        return (
            super()
            .get_queryset(request)
            .annotate(
                confirmed_count=Count(
                    "registrations",
                    filter=Q(registrations__status=Registration.Status.CONFIRMED),
                    distinct=True,
                ),
                waitlisted_count=Count(
                    "registrations",
                    filter=Q(registrations__status=Registration.Status.WAITLISTED),
                    distinct=True,
                ),
                reached_count=Count(
                    "registrations__organisation",
                    filter=Q(registrations__status__in=active, registrations__organisation__in=members),
                    distinct=True,
                ),
                # "x of 50": the number of member municipalities, as a scalar subquery.
                member_total=Coalesce(
                    Subquery(
                        member_municipalities()
                        .order_by()
                        .values("kind")
                        .annotate(total=Count("pk"))
                        .values("total")[:1]
                    ),
                    0,
                ),
            )
        )

    def choice_label(self, obj):
        """How an event reads where it is picked: title, date and status."""
        return dated_label(obj.title, obj.starts_at, obj.get_status_display())

    @admin.display(description=_("confirmed"), ordering="confirmed_count")
    def confirmed(self, obj):
        return obj.confirmed_count

    @admin.display(description=_("waiting list"), ordering="waitlisted_count")
    def waitlisted(self, obj):
        return obj.waitlisted_count

    @admin.display(description=_("municipalities"), ordering="reached_count")
    def municipalities_reached(self, obj):
        return _("%(reached)s of %(total)s") % {"reached": obj.reached_count, "total": obj.member_total}

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), *extensions.EVENT_ADMIN_PANELS)

    def get_fieldsets(self, request, obj=None):
        """The panels other apps add (events.extensions) close the first fieldset."""
        (name, options), *rest = super().get_fieldsets(request, obj)
        return [(name, {**options, "fields": (*options["fields"], *extensions.EVENT_ADMIN_PANELS)}), *rest]

    @admin.display(description=_("secretariat pages"))
    def staff_links(self, obj):
        if not obj.pk:
            return _("Save the event first.")
        links = [
            (reverse("admin:events_event_invitations", args=[obj.pk]), _("Invitations")),
            (
                reverse("admin:events_registration_changelist") + f"?event__id__exact={obj.pk}",
                _("Registrations"),
            ),
            (reverse("admin:events_event_municipalities", args=[obj.pk]), _("Counts per municipality")),
            (reverse("admin:events_event_checkin", args=[obj.pk]), _("Check-in")),
            (reverse("admin:events_event_attendees", args=[obj.pk]), _("Attendee list (PDF)")),
            (reverse("admin:events_event_badges", args=[obj.pk]), _("Name badges (PDF)")),
        ]
        return format_html(
            '<ul class="events-staff-links">{}</ul>',
            format_html_join("", '<li><a href="{}">{}</a></li>', links),
        )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/invitations/",
                wrap(staff_views.invitations_view),
                {"model_admin": self},
                name=f"{info}_invitations",
            ),
            path(
                "<path:object_id>/checkin/",
                wrap(staff_views.checkin_view),
                {"model_admin": self},
                name=f"{info}_checkin",
            ),
            path(
                "<path:object_id>/municipalities/",
                wrap(staff_views.municipalities_view),
                {"model_admin": self},
                name=f"{info}_municipalities",
            ),
            path(
                "<path:object_id>/attendees.pdf",
                wrap(staff_views.attendees_pdf_view),
                {"model_admin": self},
                name=f"{info}_attendees",
            ),
            path(
                "<path:object_id>/badges.pdf",
                wrap(staff_views.badges_pdf_view),
                {"model_admin": self},
                name=f"{info}_badges",
            ),
            *super().get_urls(),
        ]

    def save_model(self, request, obj, form, change):
        """Save, then let the services carry out what the change means for the registrants: a
        new time or place reaches their calendars; more room confirms people from the waiting
        list, oldest first, exactly as when a place is freed by a cancellation."""
        super().save_model(request, obj, form, change)
        if not change:
            return
        changed = set(form.changed_data)
        if changed & set(services.EVENT_CALENDAR_FIELDS):
            told = services.event_update_notify(event=obj, actor=request.user)
            if told:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d registrant is sent the new time and place with an updated calendar invitation.",
                        "%(count)d registrants are sent the new time and place with an updated calendar invitation.",
                        told,
                    )
                    % {"count": told},
                    messages.INFO,
                )
        if changed & {"capacity", "places_per_municipality"}:
            promote_waitlist_after_edit(request, obj)

    # actions ---------------------------------------------------------------------------------

    @admin.action(description=_("Publish selected events"), permissions=["change"])
    def publish_events(self, request, queryset):
        published = sum(staff.event_publish(event=event, actor=request.user) for event in queryset)
        self.message_user(
            request,
            ngettext("%(count)d event published.", "%(count)d events published.", published)
            % {"count": published},
            messages.SUCCESS,
        )

    @admin.action(description=_("Cancel selected events and tell their registrants"), permissions=["change"])
    def cancel_events(self, request, queryset):
        if request.POST.get("post") == "yes":
            told = cancelled = 0
            for event in queryset:
                if event.status != Event.Status.CANCELLED:
                    told += staff.event_cancel(event=event, actor=request.user)
                    cancelled += 1
            self.message_user(
                request,
                _("%(events)d event(s) cancelled; %(people)d registrant(s) are told by e-mail.")
                % {"events": cancelled, "people": told},
                messages.SUCCESS,
            )
            return None
        counts = queryset.annotate(
            active=Count(
                "registrations",
                filter=Q(
                    registrations__status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITLISTED]
                ),
            )
        )
        return TemplateResponse(
            request,
            "admin/events/event/cancel_confirmation.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Cancel events"),
                "opts": self.opts,
                "events": counts,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=_("Duplicate selected events one year later (as draft)"), permissions=["add"])
    def duplicate_events(self, request, queryset):
        copies = [staff.event_duplicate(event=event, actor=request.user) for event in queryset]
        self.message_user(
            request,
            ngettext(
                "%(count)d draft copy made: %(titles)s.",
                "%(count)d draft copies made: %(titles)s.",
                len(copies),
            )
            % {
                "count": len(copies),
                "titles": ", ".join(
                    f"{c.title} ({timezone.localtime(c.starts_at):%d-%m-%Y})" for c in copies
                ),
            },
            messages.SUCCESS,
        )


def promote_waitlist_after_edit(request, event: Event) -> int:
    """After a capacity of the event or one of its workshops changed in the admin: confirm from
    the waiting list whoever now fits (the service decides and mails them)."""
    event.refresh_from_db()
    if event.status == Event.Status.CANCELLED or timezone.now() >= event.starts_at:
        return 0
    promoted = services.registration_promote_waitlist(event=event)
    if promoted:
        messages.info(
            request,
            ngettext(
                "%(count)d person on the waiting list got a place and is told by e-mail.",
                "%(count)d people on the waiting list got a place and are told by e-mail.",
                len(promoted),
            )
            % {"count": len(promoted)},
        )
    return len(promoted)


class SessionInline(admin.TabularInline):
    model = Session
    extra = 1
    fields = ("title", "speaker", "room", "capacity", "places_per_municipality", "description")


@admin.register(Round)
class RoundAdmin(ChoiceLabelsMixin, admin.ModelAdmin):
    """A workshop round of an event, with its workshops."""

    list_display = ("__str__", "number", "event", "session_total")
    list_filter = ("event",)
    list_select_related = ("event",)
    search_fields = ("title", "event__title")
    autocomplete_fields = ("event",)
    inlines = (SessionInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(sessions_count=Count("sessions"))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        room_changed = any(
            {"capacity", "places_per_municipality"} & set(inline_form.changed_data)
            for formset in formsets
            if formset.model is Session
            for inline_form in formset.forms
            if inline_form.instance.pk
            and not (formset.can_delete and formset._should_delete_form(inline_form))
        )
        if room_changed:
            promote_waitlist_after_edit(request, form.instance.event)

    @admin.display(description=_("workshops"), ordering="sessions_count")
    def session_total(self, obj):
        return obj.sessions_count


# --- registrations -----------------------------------------------------------------------------


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


class RegistrationForm(forms.ModelForm):
    class Meta:
        model = Registration
        fields = ("remarks", "attended")

    def clean_attended(self):
        attended = self.cleaned_data["attended"]
        if attended and self.instance.status != Registration.Status.CONFIRMED:
            raise forms.ValidationError(_("Only confirmed registrations can be checked in."))
        return attended


@admin.register(Registration)
class RegistrationAdmin(ExportMixin, admin.ModelAdmin):
    """Registrations are made by members (or staff on their behalf through the public form);
    here the secretariat reads, filters, exports, and corrects remarks and attendance. Status
    changes go through the services (waiting-list promotion), not through this form."""

    list_display = ("person_name", "organisation", "event", "status", "workshops", "attended", "created_at")
    list_filter = (
        ("event", EventListFilter),
        "status",
        SessionFilter,
        MunicipalityFilter,
        "attended",
    )
    list_select_related = ("person", "organisation", "event")
    search_fields = ("person__first_name", "person__last_name", "person__email", "organisation__name")
    readonly_fields = (
        "event",
        "person",
        "organisation",
        "status",
        "workshops",
        "created_at",
        "confirmed_at",
        "cancelled_at",
        "attended_at",
        "reminder_sent_at",
        "anonymised_at",
    )
    fields = (
        "event",
        "person",
        "organisation",
        "status",
        "workshops",
        "remarks",
        "attended",
        "created_at",
        "confirmed_at",
        "cancelled_at",
        "attended_at",
        "reminder_sent_at",
        "anonymised_at",
    )
    form = RegistrationForm
    resource_classes = [RegistrationResource]
    # CSV for Dutch Excel (BOM, ";") and XLSX with text cells as strings: vzhg/exports.py
    export_formats = [DutchCSV, SafeXLSX]
    # The plain export form: the field-picking form uses an inline handler the CSP blocks.
    export_form_class = ExportForm

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("choices__session__round")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        """Remarks are saved as typed; attendance goes through the check-in service, which
        records when the person was ticked present."""
        if "attended" in form.changed_data:
            present = obj.attended
            obj.attended = not present  # as stored: the service makes the change
            super().save_model(request, obj, form, change)
            checked = staff.registration_check_in(registration=obj, actor=request.user, present=present)
            obj.attended, obj.attended_at = checked.attended, checked.attended_at
            return
        super().save_model(request, obj, form, change)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_export_filename(self, request, queryset, file_format):
        return f"registrations-{timezone.localdate():%Y-%m-%d}.{file_format.get_extension()}"

    @admin.display(description=_("name"), ordering="person__last_name")
    def person_name(self, obj):
        return obj.person.sort_name if obj.person_id else _("(anonymised)")

    @admin.display(description=_("workshops"))
    def workshops(self, obj):
        return "; ".join(f"{c.session.round.number}: {c.session.title}" for c in obj.choices.all()) or "—"


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
