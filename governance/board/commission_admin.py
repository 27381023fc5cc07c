"""The secretariat's admin for VNG commissions (with their seats inline), seats, and
recommendation requests with the page where the secretariat and the DB handle one."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.models import Body, CommissionSeat, Meeting, RecommendationRequest, VngCommission
from vzhg.admin_history import ReadableHistoryAdmin as SimpleHistoryAdmin
from vzhg.errors import ServiceError

from . import commissions, recommendations


class CommissionSeatInline(admin.TabularInline):
    model = CommissionSeat
    fields = ["person", "start", "end"]
    autocomplete_fields = ["person"]
    extra = 1


@admin.register(VngCommission)
class VngCommissionAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "end"]
    list_filter = ["kind"]
    search_fields = ["name"]
    fields = ["name", "slug", "kind", "end", "description", "klankbord_events"]
    autocomplete_fields = ["klankbord_events"]
    inlines = [CommissionSeatInline]

    def save_model(self, request, obj, form, change):
        ended = commissions.vng_commission_save(commission=obj, actor=request.user)
        if ended:
            messages.info(request, _("%(count)d seats end on the commission's end date.") % {"count": ended})

    def save_formset(self, request, form, formset, change):
        if formset.model is not CommissionSeat:
            return super().save_formset(request, form, formset, change)
        for seat in formset.save(commit=False):
            commissions.commission_seat_save(seat=seat, actor=request.user)
        for seat in formset.deleted_objects:
            seat.delete()
        return None


@admin.register(CommissionSeat)
class CommissionSeatAdmin(SimpleHistoryAdmin):
    list_display = ["person", "commission", "start", "end"]
    list_filter = ["commission"]
    autocomplete_fields = ["person"]

    def save_model(self, request, obj, form, change):
        commissions.commission_seat_save(seat=obj, actor=request.user)


class HandleForm(forms.Form):
    DISCUSS, GIVE, DECLINE = "discuss", "give", "decline"
    decision = forms.ChoiceField(
        label=gettext_lazy("Step"),
        choices=[
            (DISCUSS, gettext_lazy("Discussed in a DB meeting")),
            (GIVE, gettext_lazy("Give the recommendation")),
            (DECLINE, gettext_lazy("Decline")),
        ],
        widget=forms.RadioSelect,
    )
    meeting = forms.ModelChoiceField(
        label=gettext_lazy("DB meeting"), queryset=Meeting.objects.none(), required=False
    )
    letter_text = forms.CharField(
        label=gettext_lazy("Letter text, or why it is declined"),
        widget=forms.Textarea(attrs={"rows": 10, "cols": 80}),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The DB's meetings of the past year and those planned (a sliced queryset cannot validate).
        since = timezone.now() - datetime.timedelta(days=365)
        self.fields["meeting"].queryset = (
            Meeting.objects.filter(body__kind=Body.Kind.DB, starts_at__gte=since)
            .select_related("body")
            .order_by("-starts_at")
        )


class SeatForm(forms.Form):
    """A given recommendation: record the seat it led to (the requester on the commission)."""

    start = forms.DateField(
        label=gettext_lazy("Seat starts on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


@admin.register(RecommendationRequest)
class RecommendationRequestAdmin(SimpleHistoryAdmin):
    list_display = ["person", "commission", "status", "created_at", "decided_on"]
    list_filter = ["status", "commission"]
    search_fields = ["person__first_name", "person__last_name", "commission__name"]
    list_select_related = ["person", "commission"]
    fields = [
        "person",
        "commission",
        "motivation",
        "status",
        "meeting",
        "decided_on",
        "decided_by",
        "letter_text",
        "created_at",
        "handling",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # asked by the bestuurder from their profile

    @admin.display(description=gettext_lazy("Handle"))
    def handling(self, obj):
        if obj.status == RecommendationRequest.Status.GIVEN:
            letter = format_html(
                '<a href="{}">{}</a>', obj.get_letter_url(), _("Recommendation letter (PDF)")
            )
            if recommendations.open_seat(request=obj, day=timezone.localdate()) is not None:
                return letter
            url = reverse("admin:governance_recommendationrequest_handle", args=[obj.pk])
            return format_html(
                '{} <a class="button" href="{}">{}</a>', letter, url, _("Create the commission seat")
            )
        if obj.is_open:
            url = reverse("admin:governance_recommendationrequest_handle", args=[obj.pk])
            return format_html('<a class="button" href="{}">{}</a>', url, _("Handle this request"))
        return "–"

    def get_urls(self):
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/handle/",
                self.admin_site.admin_view(self.handle_view),
                name=f"{info}_handle",
            ),
            *super().get_urls(),
        ]

    def handle_view(self, request, object_id):
        if not request.user.has_perm(recommendations.HANDLE_PERMISSION):
            raise PermissionDenied
        found = (
            RecommendationRequest.objects.select_related("person__organisation", "commission", "meeting")
            .filter(pk=object_id if str(object_id).isdigit() else None)
            .first()
        )
        if found is None:
            raise Http404
        if found.status == RecommendationRequest.Status.GIVEN:
            return self._seat_view(request, found)
        form = HandleForm(request.POST or None, initial={"letter_text": _default_letter(found)})
        if request.method == "POST" and form.is_valid():
            try:
                _handle(found, form.cleaned_data, actor=request.user)
            except ServiceError as refusal:
                messages.error(request, refusal.message)
            else:
                messages.success(request, _("The request is now: %(status)s.") % {"status": _status(found)})
                return redirect(reverse("admin:governance_recommendationrequest_change", args=[found.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Handle the request of %(person)s") % {"person": found.person},
            "has_view_permission": True,
            "request_obj": found,
            "form": form,
        }
        return render(request, "admin/governance/recommendation_handle.html", context)

    def _seat_view(self, request, found: RecommendationRequest):
        """The handling page of a given recommendation: create the seat it led to in one step."""
        today = timezone.localdate()
        seat = recommendations.open_seat(request=found, day=today)
        form = SeatForm(request.POST or None, initial={"start": today})
        if request.method == "POST" and form.is_valid():
            try:
                created = recommendations.commission_seat_create_from_recommendation(
                    request=found, start=form.cleaned_data["start"], actor=request.user
                )
            except ServiceError as refusal:
                messages.error(request, refusal.message)
            else:
                messages.success(
                    request,
                    _("Seat created: %(person)s on %(commission)s from %(date)s.")
                    % {
                        "person": found.person.full_name,
                        "commission": found.commission.name,
                        "date": date_format(created.start),
                    },
                )
                return redirect(reverse("admin:governance_recommendationrequest_change", args=[found.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Handle the request of %(person)s") % {"person": found.person},
            "has_view_permission": True,
            "request_obj": found,
            "form": None if seat else form,
            "seat": seat,
        }
        return render(request, "admin/governance/recommendation_handle.html", context)


def _status(found: RecommendationRequest) -> str:
    found.refresh_from_db(fields=["status"])
    return str(found.get_status_display())


def _handle(found: RecommendationRequest, data: dict, *, actor) -> None:
    decision = data["decision"]
    if decision == HandleForm.DISCUSS:
        if data["meeting"] is None:
            raise ServiceError(_("Choose the DB meeting the request was discussed in."), code="meeting")
        recommendations.recommendation_request_discuss(request=found, meeting=data["meeting"], actor=actor)
    elif decision == HandleForm.GIVE:
        recommendations.recommendation_request_give(
            request=found, letter_text=data["letter_text"], actor=actor
        )
    else:
        recommendations.recommendation_request_decline(
            request=found, letter_text=data["letter_text"], actor=actor
        )


def _default_letter(found: RecommendationRequest) -> str:
    person = found.person
    where = f", {person.get_function_display()} {person.organisation.name}" if person.organisation else ""
    return _(
        "The executive board of the Vereniging van Zuid-Hollandse Gemeenten recommends %(name)s%(where)s "
        "for a seat on the VNG commission %(commission)s."
    ) % {"name": person.full_name, "where": where, "commission": found.commission.name}
