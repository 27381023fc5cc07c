"""The admin of an event: edited with its programme and workshop rounds inline, the workshops of a
round on the round's own page (linked from the event). Publish, cancel and duplicate are actions
(events/lifecycle.py); the event's change page links to the staff pages that live inside the
admin (events/staff_views.py): invitations with their progress, the check-in page, counts per
municipality, and the attendee list and name badges as PDF.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import models
from django.db.models import Count, Q, Subquery
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from events import checkin_views, extensions, lifecycle, services, staff_views
from events.models import Event, EventMaterial, ProgrammeItem, Question, Registration, Round, Session
from members.models import Organisation
from vzhg.admin_choices import ChoiceLabelsMixin, dated_label
from vzhg.admin_history import ReadableHistoryAdmin

from .filters import EventPeriodFilter

# --- events ----------------------------------------------------------------------------------


class ProgrammeItemInline(admin.TabularInline):
    model = ProgrammeItem
    extra = 0
    fields = ("order", "starts_at", "ends_at", "title", "speaker", "description")


class EventMaterialInline(admin.TabularInline):
    model = EventMaterial
    extra = 0
    fields = ("order", "title", "file", "url", "login_required")
    verbose_name_plural = _(
        "materials: presentations and recordings (shown on the event's page and in the archive)"
    )


class RoundInline(admin.TabularInline):
    model = Round
    extra = 0
    fields = ("number", "title", "starts_at", "ends_at", "optional", "session_count")
    readonly_fields = ("session_count",)
    show_change_link = True
    verbose_name_plural = _("workshop rounds (open a round to edit its workshops)")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(session_total=Count("sessions"))

    @admin.display(description=_("workshops"))
    def session_count(self, obj):
        return getattr(obj, "session_total", 0) if obj.pk else 0


class QuestionInline(admin.StackedInline):
    """The event's own questions on the registration form (events/question_models.py); a choice
    question's options one a line (Question.clean checks them)."""

    model = Question
    extra = 0
    fields = (("label", "kind", "order"), "help_text", "options", ("required", "sensitive"), "purpose")
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 4, "cols": 60})}}
    verbose_name_plural = _("questions on the registration form")


@admin.register(Event)
class EventAdmin(ReadableHistoryAdmin):
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
    inlines = (ProgrammeItemInline, RoundInline, QuestionInline, EventMaterialInline)
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
            {
                "fields": (
                    "starts_at",
                    "ends_at",
                    "host",
                    "organiser_name",
                    "organiser_url",
                    "venue_name",
                    "venue_address",
                    "online_url",
                )
            },
        ),
        (
            _("Registration"),
            {
                "fields": (
                    "audience",
                    "network",
                    "network_only",
                    "capacity",
                    "places_per_municipality",
                    "registration_opens_at",
                    "registration_closes_at",
                    "reminder_days",
                    "workshop_ranks",
                    "workshop_allocation",
                )
            },
        ),
        (_("History"), {"fields": ("created_at", "updated_at", "cancelled_at")}),
    )

    def get_queryset(self, request):
        members = Organisation.objects.member_municipalities().values("pk")
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
                        Organisation.objects.member_municipalities()
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
            (reverse("admin:events_event_answers", args=[obj.pk]), _("Attendee list with answers")),
            (reverse("admin:events_event_badges", args=[obj.pk]), _("Name badges (PDF)")),
        ]
        if obj.workshop_ranks and obj.workshop_allocation == obj.WorkshopAllocation.AFTER_CLOSING:
            links.append((reverse("admin:events_event_allocation", args=[obj.pk]), _("Workshop allocation")))
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
                wrap(checkin_views.checkin_view),
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
                "<path:object_id>/allocation/",
                wrap(staff_views.allocation_view),
                {"model_admin": self},
                name=f"{info}_allocation",
            ),
            path(
                "<path:object_id>/answers/",
                wrap(staff_views.answers_view),
                {"model_admin": self},
                name=f"{info}_answers",
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
        if changed & set(lifecycle.EVENT_CALENDAR_FIELDS):
            told = lifecycle.event_update_notify(event=obj)
            if told:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d registrant is sent the new time and place "
                        "with an updated calendar invitation.",
                        "%(count)d registrants are sent the new time and place "
                        "with an updated calendar invitation.",
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
        published = sum(lifecycle.event_publish(event=event, actor=request.user) for event in queryset)
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
                    told += lifecycle.event_cancel(event=event, actor=request.user)
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
        copies = [lifecycle.event_duplicate(event=event, actor=request.user) for event in queryset]
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
