"""The list in the admin: addresses, their status and bounces, imports and subscribing people of
member municipalities. Status changes go through services/subscriptions.py."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from vzhg.admin_history import ReadableHistoryAdmin  # the history page: Dutch, readable
from vzhg.mail.bounce_state import BounceStateAdminMixin  # "onbestelbaar": column, filter, change page

from ..forms import ImportForm, PeopleSubscribeForm
from ..models import NewsletterList, Subscription
from ..services import subscriptions as services


class SubscriptionAddForm(forms.ModelForm):
    """Adding an address by hand, to any list (a closed one too: only the secretariat adds there)."""

    class Meta:
        model = Subscription
        fields = ["newsletter_list", "email", "person"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["newsletter_list"].required = False  # none chosen: the general newsletter

    def clean(self):
        data = super().clean()
        email = (data.get("email") or "").strip().lower()
        newsletter_list = data["newsletter_list"] = (
            data.get("newsletter_list") or NewsletterList.objects.general()
        )
        if not email:
            return data
        existing = Subscription.objects.filter(newsletter_list=newsletter_list, email__iexact=email).first()
        if existing is not None and existing.status == Subscription.Status.UNSUBSCRIBED:
            self.add_error(
                "email",
                _("This address unsubscribed and stays unsubscribed; only its owner can subscribe again."),
            )
        elif existing is not None:
            self.add_error("email", _("This address is already on the list."))
        data["email"] = email
        return data

    def validate_unique(self):
        pass  # clean() says it in words; the service adds the row


class BouncedFilter(admin.SimpleListFilter):
    title = _("bounced")
    parameter_name = "bounced"

    def lookups(self, request, model_admin):
        return [("yes", _("yes")), ("no", _("no"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(bounced_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(bounced_at__isnull=True)
        return queryset


@admin.register(Subscription)
class SubscriptionAdmin(BounceStateAdminMixin, ReadableHistoryAdmin):
    list_display = [
        "email",
        "newsletter_list",
        "person",
        "status",
        "source",
        "confirmed_at",
        "unsubscribed_at",
        "bounced_at",
        "bounce_reason",
    ]
    list_filter = ["newsletter_list", "status", "source", BouncedFilter]
    list_select_related = ["person", "newsletter_list"]
    search_fields = ["email", "person__last_name", "person__first_name"]
    raw_id_fields = ["person"]
    fields = [
        "newsletter_list",
        "email",
        "person",
        "status",
        "source",
        "confirmed_at",
        "unsubscribed_at",
        "bounced_at",
        "bounce_reason",
        "created_at",
    ]
    # The address and the status change only through the services: double opt-in (the reader
    # confirms their own address), unsubscribing (which sticks: imports leave it alone) and the
    # action below. Typing "confirmed" over "unsubscribed" would mail someone who said no.
    readonly_fields = [
        "newsletter_list",
        "email",
        "status",
        "source",
        "confirmed_at",
        "unsubscribed_at",
        "bounced_at",
        "bounce_reason",
        "created_at",
    ]
    change_list_template = "admin/newsletters/subscription/change_list.html"
    actions = ["unsubscribe_selected", "clear_bounce"]

    @admin.action(
        description=_("Clear the recorded bounce of the selected addresses"), permissions=["change"]
    )
    def clear_bounce(self, request, queryset):
        count = services.subscription_bounce_clear(
            subscription_ids=list(queryset.values_list("pk", flat=True)), actor=request.user
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d bounce cleared: the address gets the next edition again.",
                "%(count)d bounces cleared: the addresses get the next edition again.",
                count,
            )
            % {"count": count},
        )

    form = SubscriptionAddForm

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["newsletter_list", "email", "person"]
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return self.readonly_fields

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("newsletter_list", NewsletterList.objects.general().pk)
        return initial

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            kwargs["form"] = forms.ModelForm
        return super().get_form(request, obj, change, **kwargs)

    def save_model(self, request, obj, form, change):
        """A typed address is added as the import adds it (the same service: subscribed, and an
        address that unsubscribed is never revived); the person link is kept."""
        if change:
            super().save_model(request, obj, form, change)
            return
        services.subscription_import(text=obj.email, actor=request.user, newsletter_list=obj.newsletter_list)
        subscription = Subscription.objects.get(newsletter_list=obj.newsletter_list, email__iexact=obj.email)
        if obj.person_id and subscription.person_id is None:
            subscription.person_id = obj.person_id
            subscription.save(update_fields=["person"])
        obj.pk = subscription.pk
        obj.__dict__.update(
            {key: value for key, value in subscription.__dict__.items() if not key.startswith("_")}
        )

    @admin.action(description=_("Unsubscribe the selected addresses"), permissions=["change"])
    def unsubscribe_selected(self, request, queryset):
        count = 0
        for subscription in queryset:
            services.subscription_unsubscribe(
                subscription=subscription, actor=request.user, reason="unsubscribed by staff"
            )
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d address unsubscribed.", "%(count)d addresses unsubscribed.", count)
            % {"count": count},
        )

    def get_urls(self):
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name=f"{info}_import"),
            path(
                "subscribe-people/",
                self.admin_site.admin_view(self.subscribe_people_view),
                name=f"{info}_subscribe_people",
            ),
            *super().get_urls(),
        ]

    def _report(self, request, report):
        self.message_user(
            request,
            _(
                "%(created)d subscribed, %(already)d already on the list, "
                "%(unsubscribed)d left alone because they unsubscribed."
            )
            % {
                "created": len(report.created),
                "already": len(report.already),
                "unsubscribed": len(report.unsubscribed),
            },
        )

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            report = services.subscription_import(
                text=form.cleaned_data["text"],
                actor=request.user,
                newsletter_list=form.cleaned_data["newsletter_list"],
            )
            self._report(request, report)
            if not report.invalid:
                return HttpResponseRedirect(reverse("admin:newsletters_subscription_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import addresses"),
            "form": form,
            "report": report,
        }
        return TemplateResponse(request, "admin/newsletters/subscription/import.html", context)

    def subscribe_people_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = PeopleSubscribeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            report = services.subscription_people_subscribe(
                functions=form.cleaned_data["functions"],
                region_ids=[region.pk for region in form.cleaned_data["regions"]],
                actor=request.user,
                newsletter_list=form.cleaned_data["newsletter_list"],
            )
            self._report(request, report)
            return HttpResponseRedirect(reverse("admin:newsletters_subscription_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Subscribe people of member municipalities"),
            "form": form,
        }
        return TemplateResponse(request, "admin/newsletters/subscription/subscribe_people.html", context)
