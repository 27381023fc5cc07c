"""The public pages of our VNG commission members, the recommendation request from the profile,
and the recommendation letter (the requester, the secretariat and the DB only)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from governance.models import RecommendationRequest, VngCommission
from members.models import Person
from vzhg.errors import ServiceError

from . import commissions as commission_reads
from . import recommendations


def _person(user) -> Person | None:
    try:
        return user.person
    except Person.DoesNotExist:
        return None


@require_GET
def commissions(request):
    return render(
        request, "governance/commissions/list.html", {"commissions": commission_reads.commissions_public()}
    )


@require_GET
def commission(request, slug):
    found = commission_reads.commission_page(slug=slug)
    if found is None:
        raise Http404
    return render(request, "governance/commissions/detail.html", {"commission": found})


@require_GET
def commission_by_pk(request, pk):
    """The address before slugs (/bestuur/vng-commissies/<pk>/): moved permanently."""
    found = VngCommission.objects.filter(pk=pk).only("slug").first()
    if found is None:
        raise Http404
    return redirect(found.get_absolute_url(), permanent=True)


class RecommendationRequestForm(forms.Form):
    commission = forms.ModelChoiceField(
        label=gettext_lazy("VNG commission"),
        queryset=VngCommission.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    motivation = forms.CharField(
        label=gettext_lazy("Motivation"),
        help_text=gettext_lazy("Why you would like the seat, and what you bring to it."),
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 6}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["commission"].queryset = VngCommission.objects.filter(
            Q(end__isnull=True) | Q(end__gte=today)
        ).order_by("name")


@login_required
def recommendation_request(request):
    person = _person(request.user)
    may = recommendations.may_request(person)
    form = RecommendationRequestForm(request.POST or None)
    if request.method == "POST" and may and form.is_valid():
        try:
            recommendations.recommendation_request_create(
                person=person,
                commission=form.cleaned_data["commission"],
                motivation=form.cleaned_data["motivation"],
                actor=request.user,
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("Your request has been received. You will get a mail when it is decided.")
            )
            return redirect("members:profile")
    return render(request, "governance/commissions/request.html", {"form": form, "may_request": may})


@require_GET
def recommendation_letter(request, pk):
    found = (
        RecommendationRequest.objects.select_related("person__organisation", "commission")
        .filter(pk=pk, status=RecommendationRequest.Status.GIVEN)
        .first()
    )
    if found is None or not recommendations.may_read_letter(user=request.user, request=found):
        raise Http404
    response = HttpResponse(
        recommendations.recommendation_letter_pdf(request=found), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="aanbeveling-{found.pk}.pdf"'
    return response


def profile_panel(request, person) -> str:
    """The member's requests and the way to ask (members.extensions.profile_panel_add)."""
    requests = list(person.recommendation_requests.select_related("commission").order_by("-created_at"))
    if not requests and not recommendations.may_request(person):
        return ""
    return render_to_string(
        "governance/_profile_recommendations.html", {"requests": requests}, request=request
    )
