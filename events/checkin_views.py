"""The check-in page for the day, inside the admin (EventAdmin.get_urls): scan a QR code with the
phone's camera (static/js/checkin.js fills in the code field and posts it; without a camera or
JavaScript the code can be typed in), search by name and tick present, add a walk-in. Every
action needs the check-in permission (events.checkin_registration), never staff status alone.
Plain forms (POST/redirect/GET), so the page works on a phone without JavaScript.
"""

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members.models import Organisation
from vzhg.errors import ServiceError

from . import checkin, questions, selectors, services
from .models import Event, Registration
from .staff_views import _context, _event, _require


class CheckinCodeForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Enter code"), max_length=checkin.CODE_MAX_LENGTH)


class WalkInForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Municipality or organisation"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
    )
    email = forms.EmailField(label=gettext_lazy("E-mail address (optional)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="walkin", **kwargs)


def _tick(request, event: Event) -> None:
    """Tick present (or undo) one row of the door list."""
    pk = request.POST.get("registration", "")
    registration = Registration.objects.filter(pk=int(pk), event=event).first() if pk.isdigit() else None
    if registration is None:
        messages.error(request, _("That registration is not on this event's list."))
        return
    present = request.POST.get("present") == "1"
    try:
        services.registration_check_in(registration=registration, actor=request.user, present=present)
    except ServiceError as refusal:
        messages.error(request, refusal.message)
        return
    name = registration.person.full_name if registration.person_id else _("(anonymised)")
    if present:
        messages.success(request, _("%(name)s is present.") % {"name": name})
    else:
        messages.info(request, _("%(name)s is no longer marked present.") % {"name": name})


def _scan(request, event: Event) -> None:
    """A code scanned by the camera or typed in: "Checked in: name, municipality", "Already
    checked in at 10:02: …" or "Unknown code"."""
    form = CheckinCodeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown code: it is not a check-in code for this event."))
        return
    try:
        registration = checkin.registration_check_in_by_code(
            event=event, code=form.cleaned_data["code"], actor=request.user
        )
    except ServiceError as refusal:
        (messages.warning if refusal.code == "already" else messages.error)(request, refusal.message)
        return
    messages.success(request, _("Checked in: %(who)s") % {"who": checkin.checkin_label(registration)})


def _walk_in(request, event: Event, form: WalkInForm) -> bool:
    if not form.is_valid():
        return False
    try:
        registration = checkin.registration_walk_in_create(
            event=event,
            name=form.cleaned_data["name"],
            organisation=form.cleaned_data["organisation"],
            email=form.cleaned_data["email"] or "",
            actor=request.user,
        )
    except ServiceError as refusal:
        form.add_error(None, refusal.message)
        return False
    messages.success(
        request, _("Walk-in added and checked in: %(who)s") % {"who": checkin.checkin_label(registration)}
    )
    return True


def checkin_view(request, object_id, model_admin):
    """The door: scan or type a code, search by name (GET) and tick present or undo (POST per
    row), add a walk-in. Counts: present of confirmed, municipalities present ("x van de 50"), and
    per own question the answers' counts without names ("Lunch: 34 ja")."""
    _require(request, "checkin_registration")
    event = _event(object_id)
    query = (request.GET.get("q") or request.POST.get("q") or "").strip()[:100]
    target = reverse("admin:events_event_checkin", args=[event.pk])
    walk_in_form = WalkInForm()
    if request.method == "POST":
        if "code" in request.POST:
            _scan(request, event)
            return redirect(f"{target}#scan")
        if "walk_in" in request.POST:
            walk_in_form = WalkInForm(request.POST)
            if _walk_in(request, event, walk_in_form):
                return redirect(f"{target}#walk-in")
        else:
            _tick(request, event)
            return redirect(f"{target}?q={query}#results" if query else f"{target}#results")
    registrations = selectors.confirmed_registrations(event=event)
    for word in query.split():
        registrations = registrations.filter(
            Q(person__first_name__icontains=word)
            | Q(person__last_name__icontains=word)
            | Q(person__tussenvoegsel__icontains=word)
            | Q(organisation__name__icontains=word)
        )
    present, municipalities = selectors.municipalities_present(event=event)
    context = _context(
        request,
        model_admin,
        event,
        _("Check-in: %(event)s") % {"event": event},
        query=query,
        registrations=registrations,
        counts=selectors.checkin_counts(event=event),
        municipalities={"present": present, "total": municipalities},
        code_form=CheckinCodeForm(initial={"code": request.GET.get("code", "")[: checkin.CODE_MAX_LENGTH]}),
        walk_in_form=walk_in_form,
        walk_ins=selectors.walk_ins(event=event),
        answer_counts=questions.door_summary(event=event),
    )
    return TemplateResponse(request, "admin/events/event/checkin.html", context)
