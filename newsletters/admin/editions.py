"""The secretariat composes, previews, tests, schedules, sends and follows editions here."""

from urllib.parse import urlencode

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from members.selectors import person_for_user
from vzhg.admin_history import ReadableHistoryAdmin  # the history page: Dutch, readable
from vzhg.errors import ServiceError
from vzhg.mail.bounce_state import bounce_reset_url, bounce_state_text
from vzhg.mail.selectors import relay_notice
from vzhg.site import site_url

from .. import selectors
from ..forms import ItemForm, ScheduleForm, TestSendForm
from ..models import Delivery, Item, Newsletter, NewsletterList, Section
from ..rendering import edition_render, mail_render
from ..services.copying import newsletter_copy_previous
from ..services.editions import (
    newsletter_schedule,
    newsletter_sections_ensure,
    newsletter_test_send,
    newsletter_unschedule,
)
from ..services.sending import newsletter_failed_resend, newsletter_send


def _undeliverable_list(rows) -> str:
    """The report's readers whose address is undeliverable: why and since when, and where staff
    reset it (the bounced address, or the subscription the relay refused)."""
    if not rows:
        return ""
    items = []
    for row in rows:
        if row.mail_undeliverable_since is not None:
            since, last, reason = (
                row.mail_undeliverable_since,
                row.mail_last_bounce_at,
                row.mail_bounce_reason,
            )
            url = bounce_reset_url(row.email)
        else:
            since, last, reason = row.bounced_at, row.bounced_at, row.bounce_reason
            url = reverse("admin:newsletters_subscription_changelist") + "?" + urlencode({"q": row.email})
        text = bounce_state_text(since=since, last_at=last, reason=reason)
        items.append((row.email, text, url, _("reset")))
    return format_html(
        '<ul class="newsletter-undeliverable">{}</ul>',
        format_html_join("", '<li>{}: {} · <a href="{}">{}</a></li>', items),
    )


class SectionInline(admin.TabularInline):
    model = Section
    fields = ["title", "order", "item_count"]
    readonly_fields = ["item_count"]
    extra = 0
    show_change_link = True

    @admin.display(description=_("items"))
    def item_count(self, obj):
        return obj.item_count if obj.pk else 0

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(item_count=Count("items"))

    def _editable(self, obj):
        return obj is None or obj.is_editable

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


@admin.register(Newsletter)
class NewsletterAdmin(ReadableHistoryAdmin):
    list_display = [
        "title",
        "newsletter_list",
        "date",
        "status",
        "scheduled_for",
        "sent_at",
        "progress_short",
    ]
    list_filter = ["newsletter_list", "status"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [SectionInline]
    change_form_template = "admin/newsletters/newsletter/change_form.html"
    change_list_template = "admin/newsletters/newsletter/change_list.html"
    fields = [
        "newsletter_list", "title", "slug", "date", "intro", "closing",
        "status", "scheduled_for", "sent_at", "progress", "report", "clicks",
    ]  # fmt: skip
    readonly_fields = ["status", "scheduled_for", "sent_at", "progress", "report", "clicks"]

    class Media:
        js = ["js/newsletters.js"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                delivery_total=Count("deliveries"),
                delivery_sent=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.SENT)),
            )
        )

    @admin.display(description=_("sent / total"))
    def progress_short(self, obj):
        return f"{obj.delivery_sent} / {obj.delivery_total}" if obj.delivery_total else "–"

    @admin.display(description=_("progress"))
    def progress(self, obj):
        if obj is None or obj.pk is None:
            return "–"
        counts = selectors.newsletter_progress(newsletter=obj)
        if not counts["total"]:
            return _("Not sent yet. %(count)d subscribers would receive it now.") % {
                "count": selectors.subscriptions_active(newsletter_list=obj.newsletter_list_id).count()
            }
        url = reverse("admin:newsletters_delivery_changelist") + f"?newsletter__id__exact={obj.pk}"
        progress = format_html(
            '<span class="newsletter-progress" data-status="{}">{}</span> · <a href="{}">{}</a>',
            obj.status,
            _("%(sent)d sent, %(queued)d queued, %(failed)d failed of %(total)d") % counts,
            url,
            _("deliveries"),
        )
        notice = relay_notice(waiting=counts["queued"]) if counts["queued"] else None
        if notice:
            progress = format_html(
                '{}<br><strong class="errornote relay-notice" role="alert">{}</strong>', progress, notice
            )
        return progress

    @admin.display(description=_("delivery report"))
    def report(self, obj):
        if obj is None or not obj.is_published:
            return "–"
        counts = _(
            "%(sent)d sent, %(failed)d failed, %(undeliverable)d undeliverable since, "
            "%(unsubscribed)d unsubscribed since"
        ) % selectors.newsletter_report(newsletter=obj)
        undeliverable = selectors.newsletter_undeliverable(newsletter=obj)
        return format_html("{}{}", counts, _undeliverable_list(undeliverable))

    @admin.display(description=_("clicks per link"))
    def clicks(self, obj):
        rows = obj.link_clicks.all() if obj is not None and obj.pk else []
        if not rows:
            return "–"
        return format_html(
            '<ul class="newsletter-clicks">{}</ul>',
            format_html_join("", "<li>{} × {}</li>", ((row.count, row.url) for row in rows)),
        )

    def get_readonly_fields(self, request, obj=None):
        # The list is chosen on create: its readers, copies and archive follow from it.
        if obj is not None and not obj.is_editable:
            return ["newsletter_list", "title", "slug", "date", "intro", "closing", *self.readonly_fields]
        if obj is not None:
            return ["newsletter_list", *self.readonly_fields]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        # An edition that went out stays: its deliveries are the record of who got it.
        if obj is not None and not obj.is_editable:
            return False
        return super().has_delete_permission(request, obj)

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj is not None and not obj.is_editable else self.prepopulated_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if "newsletter_list" in form.base_fields:
            form.base_fields["newsletter_list"].required = False  # none chosen: the general newsletter
        return form

    def get_changeform_initial_data(self, request):
        return {"date": timezone.localdate(), "newsletter_list": NewsletterList.objects.general().pk}

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "newsletter_lists": NewsletterList.objects.all()}
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            if obj.newsletter_list_id is None:
                obj.newsletter_list = NewsletterList.objects.general()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:
            newsletter_sections_ensure(newsletter=form.instance)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "test_form": TestSendForm(user=request.user)}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name=f"{info}_preview",
            ),
            path(
                "copy-previous/",
                self.admin_site.admin_view(self.copy_previous_view),
                name=f"{info}_copy_previous",
            ),
            *super().get_urls(),
        ]

    def copy_previous_view(self, request):
        """POST: a new concept edition from the previous one, then its page to write the items."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        try:
            chosen = request.POST.get("newsletter_list", "")
            newsletter_list = NewsletterList.objects.filter(pk=chosen).first() if chosen.isdigit() else None
            newsletter = newsletter_copy_previous(actor=request.user, newsletter_list=newsletter_list)
        except ServiceError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:newsletters_newsletter_changelist"))
        self.message_user(
            request,
            _(
                "A new edition has been made from the previous one: "
                "its sections and fixed texts, without items."
            ),
        )
        return HttpResponseRedirect(reverse("admin:newsletters_newsletter_change", args=[newsletter.pk]))

    def preview_view(self, request, object_id):
        """The mail exactly as it will arrive, for the person looking (their own greeting)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if not str(object_id).isdigit():
            raise Http404
        newsletter = get_object_or_404(selectors.newsletter_full(), pk=int(object_id))
        person = person_for_user(user=request.user)
        mail = mail_render(
            edition=edition_render(newsletter=newsletter), first_name=person.first_name if person else ""
        )
        if request.GET.get("part") == "text":
            return HttpResponse(mail["text"], content_type="text/plain; charset=utf-8")
        response = HttpResponse(mail["html"])
        # The mail's inline styles, and its images on the site's own URL (read now, not at import):
        # what django-csp's @csp_update sets, with a value computed per request.
        response._csp_update = {"style-src": ["'unsafe-inline'"], "img-src": [site_url()]}
        return response

    def response_change(self, request, obj):
        actions = {
            "_send_test": self._send_test,
            "_send_now": self._send_now,
            "_schedule": self._schedule,
            "_unschedule": self._unschedule,
            "_resend_failed": self._resend_failed,
        }
        for key, action in actions.items():
            if key in request.POST:
                if not self.has_change_permission(request, obj):
                    raise PermissionDenied
                action(request, obj)
                return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def _send_test(self, request, obj):
        form = TestSendForm(request.POST, user=request.user)
        if not form.is_valid():
            self.message_user(request, _("Choose colleagues from the list."), messages.ERROR)
            return
        try:
            sent_to = newsletter_test_send(
                newsletter=obj, actor=request.user, colleagues=list(form.cleaned_data["test_colleagues"])
            )
        except ServiceError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(request, _("A test has been sent to %(email)s.") % {"email": ", ".join(sent_to)})

    def _send_now(self, request, obj):
        created = newsletter_send(newsletter=obj, actor=request.user)
        obj.refresh_from_db()
        if created and (
            skipped := selectors.subscriptions_undeliverable_count(newsletter_list=obj.newsletter_list_id)
        ):
            self.message_user(
                request,
                ngettext(
                    "%(count)d subscriber was skipped: the address is undeliverable (bounced).",
                    "%(count)d subscribers were skipped: their addresses are undeliverable (bounced).",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )
        if obj.is_published and created:
            self.message_user(
                request,
                ngettext(
                    "Sending has started to %(count)d subscriber.",
                    "Sending has started to %(count)d subscribers.",
                    created,
                )
                % {"count": created},
            )
        elif obj.is_published:
            self.message_user(
                request, _("This edition is already being sent; nobody gets it twice."), messages.WARNING
            )

    def _schedule(self, request, obj):
        form = ScheduleForm(request.POST)
        if not form.is_valid():
            self.message_user(request, _("Enter the date and time to send at."), messages.ERROR)
            return
        try:
            newsletter_schedule(newsletter=obj, when=form.cleaned_data["scheduled_for"], actor=request.user)
        except ServiceError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(
            request,
            _("The edition will be sent at %(when)s.")
            % {"when": timezone.localtime(form.cleaned_data["scheduled_for"]).strftime("%d-%m-%Y %H:%M")},
        )

    def _resend_failed(self, request, obj):
        count = newsletter_failed_resend(newsletter=obj, actor=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d failed delivery queued again; bounced and unsubscribed addresses were left out.",
                "%(count)d failed deliveries queued again; bounced and unsubscribed addresses were left out.",
                count,
            )
            % {"count": count},
        )

    def _unschedule(self, request, obj):
        newsletter_unschedule(newsletter=obj, actor=request.user)
        self.message_user(request, _("The edition is a concept again and will not be sent by itself."))


class ItemInline(admin.StackedInline):
    model = Item
    form = ItemForm
    fields = ["title", "order", "text", "linked_choice", "link", "link_label", "image", "image_alt"]
    extra = 1

    def _editable(self, obj):
        return obj is None or obj.newsletter.is_editable

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    """Reached from an edition's page (each section's 'change' link); items are edited here."""

    list_display = ["title", "newsletter", "order"]
    list_select_related = ["newsletter"]
    list_filter = ["newsletter"]
    fields = ["newsletter", "title", "order"]
    inlines = [ItemInline]

    def get_model_perms(self, request):
        return {}  # not listed on the admin index: sections live inside an edition

    @admin.display(description=_("delivery report"))
    def report(self, obj):
        if obj is None or not obj.is_published:
            return "–"
        return _(
            "%(sent)d sent, %(failed)d failed, %(undeliverable)d undeliverable since, "
            "%(unsubscribed)d unsubscribed since"
        ) % selectors.newsletter_report(newsletter=obj)

    @admin.display(description=_("clicks per link"))
    def clicks(self, obj):
        rows = obj.link_clicks.all() if obj is not None and obj.pk else []
        if not rows:
            return "–"
        return format_html(
            '<ul class="newsletter-clicks">{}</ul>',
            format_html_join("", "<li>{} × {}</li>", ((row.count, row.url) for row in rows)),
        )

    def get_readonly_fields(self, request, obj=None):
        return ["newsletter"] if obj is not None else []

    def response_change(self, request, obj):
        if "_continue" not in request.POST and "_addanother" not in request.POST:
            return HttpResponseRedirect(
                reverse("admin:newsletters_newsletter_change", args=[obj.newsletter_id])
            )
        return super().response_change(request, obj)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """Progress of a send, one row per reader; written by the sending batches only."""

    list_display = ["subscription", "newsletter", "status", "attempts", "sent_at", "error"]
    list_filter = ["status", "newsletter"]
    list_select_related = ["subscription", "newsletter"]
    search_fields = ["subscription__email"]
    readonly_fields = ["newsletter", "subscription", "status", "attempts", "error", "created_at", "sent_at"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
