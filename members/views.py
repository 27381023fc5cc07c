import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from vzhg.mail.bounces import email_undeliverable

from . import extensions, selectors, services
from .forms import ProfileForm


@login_required
def profile(request):
    person = selectors.person_for_user(user=request.user)
    # Mail to the person's address bounces: they are told, and can say it is right (below).
    bounced = email_undeliverable(person.email) if person is not None else None
    panels = [panel(request, person) for panel in extensions.PROFILE_PANELS] if person is not None else []
    return render(
        request,
        "members/profile.html",
        {"person": person, "bounced": bounced, "panels": [p for p in panels if p]},
    )


@login_required
def profile_address_confirm(request):
    """POST: "my address is right" after it bounced; resets the person's own address only."""
    if request.method != "POST":
        return redirect("members:profile")
    person = selectors.person_for_user(user=request.user)
    if person is not None and services.person_address_confirm(person=person, actor=request.user):
        messages.success(request, _("Thank you. We mail %(email)s again.") % {"email": person.email})
    return redirect("members:profile")


@login_required
def profile_edit(request):
    person = selectors.person_for_user(user=request.user)
    if person is None:
        messages.error(
            request, _("Your account is not linked to a person yet. Confirm your e-mail address first.")
        )
        return redirect("members:profile")
    form = ProfileForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        services.person_update_profile(person=person, data=form.cleaned_data, actor=request.user)
        messages.success(request, _("Your details have been saved."))
        return redirect("members:profile")
    return render(request, "members/profile_edit.html", {"form": form, "person": person})


@login_required
@require_GET
def profile_export(request):
    person = selectors.person_for_user(user=request.user)
    if person is None:
        data = {"person": None, "account": {"email": request.user.email}}
    else:
        data = services.person_export_data(person=person)
    data["exported_at"] = timezone.now().isoformat()
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="vzhg-mijn-gegevens.json"'
    return response


def municipalities(request):
    return render(request, "members/municipalities.html", {"regions": selectors.regions_with_members()})
