"""Staff pages of an event, served inside the admin (EventAdmin.get_urls wraps them in
admin_site.admin_view: staff log-in required). Each checks the model permission it needs and
answers 404 for an event that does not exist. Thin: form → service → message → redirect.
"""

from django import forms
from django.contrib import messages
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from members.models import Person, Region
from vzhg.errors import ServiceError
from vzhg.merge import MERGE_FIELDS

from . import extensions, invitations, pdfs, questions, selectors
from .invitation_mail import INVITATION_MERGE_FIELDS, invitation_subject_default, invitation_texts_check
from .models import Event, Registration

# --- helpers -------------------------------------------------------------------------------------


def _event(object_id) -> Event:
    event = (
        Event.objects.select_related("host").filter(pk=int(object_id)).first()
        if str(object_id).isdigit()
        else None
    )
    if event is None:
        raise Http404(_("No such event."))
    return event


def _require(request, *perms: str) -> None:
    if not request.user.has_perms([f"events.{perm}" for perm in perms]):
        raise PermissionDenied


def _context(request, model_admin, event: Event, title: str, **extra) -> dict:
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "original": event,
        "event": event,
        "title": title,
        "has_view_permission": True,
        **extra,
    }


# --- invitations ---------------------------------------------------------------------------------


class InvitationForm(forms.Form):
    AUDIENCES = [
        (invitations.Audience.ALL_MEMBERS, gettext_lazy("Everyone in a member municipality")),
        (invitations.Audience.FUNCTION, gettext_lazy("People in member municipalities with a function")),
        (invitations.Audience.REGION, gettext_lazy("People in member municipalities of a region")),
        (invitations.Audience.BODY, gettext_lazy("Members of a governance body (today's mandates)")),
        (invitations.Audience.PEOPLE, gettext_lazy("People picked by hand")),
        (invitations.Audience.NETWORK, gettext_lazy("Members of the event's network (today's members)")),
    ]
    audience = forms.ChoiceField(label=gettext_lazy("Audience"), choices=AUDIENCES, widget=forms.RadioSelect)
    functions = forms.MultipleChoiceField(
        label=gettext_lazy("Functions"),
        choices=Person.Function.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("For the audience 'with a function', e.g. all griffiers."),
    )
    region = forms.ModelChoiceField(
        label=gettext_lazy("Region"),
        queryset=Region.objects.order_by("name"),
        required=False,
        help_text=gettext_lazy("For the audience 'of a region'; regions inside it are included."),
    )
    body = forms.ModelChoiceField(
        label=gettext_lazy("Governance body"),
        queryset=None,  # the bodies an app above events offers (events.extensions), set below
        required=False,
        help_text=gettext_lazy("For the audience 'members of a governance body'."),
    )
    people = forms.ModelMultipleChoiceField(
        label=gettext_lazy("People"),
        queryset=Person.objects.select_related("organisation"),
        required=False,
        help_text=gettext_lazy("For the audience 'picked by hand': type a name."),
    )
    subject = forms.CharField(
        label=gettext_lazy("Subject"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "vTextField"}),
        help_text=gettext_lazy("Empty: the standard subject. Merge fields such as {evenement} can be used."),
    )
    text = forms.CharField(  # "body" is the governance body above
        label=gettext_lazy("Own text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "class": "vLargeTextField"}),
    )
    preview_as = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, admin_site=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].help_text = _(
            "Markdown, above the fixed block (date, place, programme and registration link) and the "
            "closing greeting. The mail opens with the salutation ('Geachte heer Jansen,') unless your "
            "text starts with {aanhef}. Empty: the standard invitation. Merge fields: %(fields)s"
        ) % {
            "fields": " ".join(
                f"{{{name}}}: {description};"
                for name, description in MERGE_FIELDS.items()
                if name in INVITATION_MERGE_FIELDS
            )
        }
        bodies = extensions.audience_bodies()
        self.fields["body"].queryset = bodies if bodies is not None else Person.objects.none()
        if admin_site is not None:
            field = self.fields["people"]
            field.widget = AutocompleteSelectMultiple(Registration._meta.get_field("person"), admin_site)
            field.widget.choices = field.choices

    def clean(self):
        data = super().clean()
        audience = data.get("audience")
        if audience == invitations.Audience.FUNCTION and not data.get("functions"):
            self.add_error("functions", _("Choose at least one function."))
        if audience == invitations.Audience.REGION and not data.get("region"):
            self.add_error("region", _("Choose a region."))
        if audience == invitations.Audience.BODY and not data.get("body"):
            self.add_error("body", _("Choose a governance body."))
        if audience == invitations.Audience.PEOPLE and not data.get("people"):
            self.add_error("people", _("Pick at least one person."))
        try:
            invitation_texts_check(subject=data.get("subject", ""), body=data.get("text", ""))
        except forms.ValidationError as error:
            for field, problems in error.error_dict.items():
                for problem in problems:
                    self.add_error("text" if field == "body" else field, problem)
        return data

    def recipients(self, *, event=None):
        data = self.cleaned_data
        return invitations.invitation_audience(
            network_id=event.network_id if event is not None else None,
            kind=data["audience"],
            functions=data.get("functions"),
            region=data.get("region"),
            body=data.get("body"),
            people=data.get("people"),
        )


def invitations_view(request, object_id, model_admin):
    """Choose an audience and write the own subject and text → preview (the mail as a chosen
    recipient gets it; the first new one unless another is chosen) → test to myself → send;
    progress."""
    _require(request, "view_invitation")
    event = _event(object_id)
    url = reverse("admin:events_event_invitations", args=[event.pk])
    preview = None
    # Texts to start from (messaging's templates): a link fills the subject and the own text.
    templates = extensions.invitation_templates() if request.method == "GET" else []
    if request.method == "POST":
        _require(request, "add_invitation")
        form = InvitationForm(request.POST, admin_site=model_admin.admin_site)
        if form.is_valid():
            recipients = list(form.recipients(event=event))
            invited = set(event.invitations.filter(person__in=recipients).values_list("person_id", flat=True))
            new = [person for person in recipients if person.pk not in invited]
            texts = {"subject": form.cleaned_data["subject"], "body": form.cleaned_data["text"]}
            if not recipients:
                form.add_error(None, _("This audience holds nobody."))
            elif "send" in request.POST:
                return _invitations_send(request, event=event, recipients=recipients, url=url, **texts)
            else:
                choices = new or recipients
                wanted = form.cleaned_data.get("preview_as")
                person = next((p for p in choices if p.pk == wanted), choices[0])
                if "test" in request.POST:
                    _invitation_test(request, event=event, person=person, **texts)
                preview = {
                    "mail": invitations.invitation_mail_render(event=event, person=person, **texts),
                    "person": person,
                    "choices": choices,
                    "total": len(recipients),
                    "new": len(new),
                    "invited": len(invited),
                }
    else:
        initial = {"subject": invitation_subject_default(event=event)}
        for template in templates:
            if str(template.pk) == request.GET.get("template"):
                initial = {"subject": template.subject, "text": template.body}
        form = InvitationForm(admin_site=model_admin.admin_site, initial=initial)
    context = _context(
        request,
        model_admin,
        event,
        _("Invitations: %(event)s") % {"event": event},
        form=form,
        media=model_admin.media + form.media,
        preview=preview,
        templates=templates,
        progress=selectors.invitation_progress(event=event),
        mailings=selectors.event_mailings_recent(event=event),
        can_send=request.user.has_perm("events.add_invitation") and event.status != Event.Status.CANCELLED,
        invitations_url=reverse("admin:events_invitation_changelist") + f"?event__id__exact={event.pk}",
    )
    return TemplateResponse(request, "admin/events/event/invitations.html", context)


def _invitations_send(request, *, event: Event, recipients, url: str, subject: str, body: str):
    try:
        result = invitations.invitation_send(
            event=event, people=recipients, actor=request.user, subject=subject, body=body
        )
    except ServiceError as refusal:
        messages.error(request, refusal.message)
        return redirect(url)
    messages.success(
        request,
        _(
            "%(created)d invitation(s) are being prepared and sent in the background; "
            "%(skipped)d person(s) had been invited before and get no second mail."
        )
        % {"created": result.created, "skipped": result.skipped},
    )
    if result.undeliverable:
        messages.warning(
            request,
            ngettext(
                "%(count)d person was skipped: their address is undeliverable (bounced).",
                "%(count)d people were skipped: their addresses are undeliverable (bounced).",
                result.undeliverable,
            )
            % {"count": result.undeliverable},
        )
    return redirect(url)


def _invitation_test(request, *, event: Event, person: Person, subject: str, body: str) -> None:
    """The mail as `person` gets it, to the secretariat's own address; the form stays as it is."""
    try:
        invitations.invitation_test_send(
            event=event, person=person, to=request.user.email, actor=request.user, subject=subject, body=body
        )
    except ServiceError as refusal:
        messages.error(request, refusal.message)
        return
    messages.success(
        request,
        _("A test mail, as %(name)s gets it, is on its way to %(address)s.")
        % {"name": person.full_name, "address": request.user.email},
    )


# --- counts per municipality ---------------------------------------------------------------------


def municipalities_view(request, object_id, model_admin):
    _require(request, "view_registration")
    event = _event(object_id)
    rows, missing = selectors.municipality_counts(event=event)
    reached, total = selectors.municipalities_reached(event=event)
    context = _context(
        request,
        model_admin,
        event,
        _("Counts per municipality: %(event)s") % {"event": event},
        rows=rows,
        missing=missing,
        reached=reached,
        total=total,
        totals={
            "confirmed": sum(r.confirmed for r in rows),
            "waitlisted": sum(r.waitlisted for r in rows),
            "attended": sum(r.attended for r in rows),
        },
    )
    return TemplateResponse(request, "admin/events/event/municipalities.html", context)


# --- answers to the event's own questions -----------------------------------------------------------


def answers_view(request, object_id, model_admin):
    """The confirmed registrants with their answers, one column per question, and per question
    the counts (lunch: 40 yes, 10 no)."""
    _require(request, "view_registration")
    event = _event(object_id)
    event_questions = questions.event_questions(event=event)
    registrations = list(questions.registrations_with_answers(event=event))
    rows = [
        (registration, questions.answer_cells(registration=registration, questions=event_questions))
        for registration in registrations
    ]
    context = _context(
        request,
        model_admin,
        event,
        _("Attendee list with answers: %(event)s") % {"event": event},
        questions=event_questions,
        rows=rows,
        summaries=questions.answers_summary(questions=event_questions, registrations=registrations),
    )
    return TemplateResponse(request, "admin/events/event/answers.html", context)


# --- PDFs ----------------------------------------------------------------------------------------


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def attendees_pdf_view(request, object_id, model_admin):
    _require(request, "view_registration")
    event = _event(object_id)
    return _pdf_response(pdfs.attendees_pdf(event=event), f"deelnemers-{event.slug}.pdf")


def badges_pdf_view(request, object_id, model_admin):
    _require(request, "view_registration")
    event = _event(object_id)
    return _pdf_response(pdfs.badges_pdf(event=event), f"badges-{event.slug}.pdf")


# --- the workshop allocation after closing -------------------------------------------------------------


def allocation_view(request, object_id, model_admin):
    """Run the allocation (a new seed each time), review its distribution, apply it. GET needs
    the view right; running and applying need the right to change events."""
    from . import workshops
    from .models import AllocationRun, AllocationSend

    _require(request, "view_event")
    event = _event(object_id)
    if request.method == "POST":
        _require(request, "change_event")
        try:
            if "apply" in request.POST or "send" in request.POST:
                run = AllocationRun.objects.filter(event=event, pk=request.POST.get("run") or 0).first()
                if run is None:
                    raise Http404
            if "apply" in request.POST:
                placed = workshops.workshop_allocation_apply(run=run, actor=request.user)
                messages.success(
                    request, _("The allocation is applied: %(count)s workshop places.") % {"count": placed}
                )
            elif "send" in request.POST:
                count = workshops.workshop_allocation_send(run=run, actor=request.user)
                messages.success(
                    request, _("The allocation is being sent to %(count)s registrants.") % {"count": count}
                )
            else:
                workshops.workshop_allocation_run(event=event, actor=request.user)
                messages.success(
                    request, _("The allocation has been computed. Review it before applying it.")
                )
        except ServiceError as error:
            messages.error(request, error.message)
        return redirect(reverse("admin:events_event_allocation", args=[event.pk]))
    run = AllocationRun.objects.filter(event=event).select_related("event", "created_by", "send").first()
    sending = getattr(run, "send", None) if run else None
    may_change = request.user.has_perm("events.change_event")
    context = _context(
        request,
        model_admin,
        event,
        _("Workshop allocation: %(event)s") % {"event": event},
        run=run,
        sending=sending,  # the Send and its progress
        # The page follows the send's progress by itself (static/js/allocation_refresh.js).
        refresh_while_sending=sending is not None
        and run.sent_at is None
        and sending.status in (AllocationSend.Status.PENDING, AllocationSend.Status.RUNNING),
        may_send=may_change
        and run is not None
        and run.sent_at is None
        and (sending is None or sending.status == AllocationSend.Status.FAILED),  # again, once failed
        distribution=selectors.allocation_distribution(run=run) if run else None,
        may_change=may_change,
    )
    return TemplateResponse(request, "admin/events/event/allocation.html", context)
