"""The page "Nieuwe ALV": a draft general assembly with the template agenda, held together with
its congress: a new draft congress event, an existing one that has no meeting yet, or none
(services.meeting_create_alv_from_template does the work)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.models import Body
from vzhg.admin_choices import dated_label
from vzhg.errors import ServiceError

from . import services
from .congress import congress_events_free


class AlvNewForm(forms.Form):
    CREATE, LINK, NONE = "create", "link", "none"

    body = forms.ModelChoiceField(label=gettext_lazy("body"), queryset=Body.objects.none())
    starts_at = forms.DateTimeField(
        label=gettext_lazy("starts at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=gettext_lazy("Empty: the start of the linked event, or 1 June at 10:00."),
    )
    congress = forms.ChoiceField(
        label=gettext_lazy("congress event"),
        widget=forms.RadioSelect,
        initial=CREATE,
        choices=[
            (CREATE, gettext_lazy("Create a new draft congress event on the same day")),
            (LINK, gettext_lazy("Link an existing congress event")),
            (NONE, gettext_lazy("No event (link one later on the meeting's page)")),
        ],
    )
    event = forms.ModelChoiceField(
        label=gettext_lazy("existing event"), required=False, queryset=congress_events_free()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bodies = Body.objects.filter(kind=Body.Kind.ALV).order_by("order", "name")
        self.fields["body"].queryset = bodies
        if len(bodies) == 1:
            self.fields["body"].initial = bodies[0].pk
        self.fields["event"].queryset = congress_events_free()
        self.fields["event"].label_from_instance = lambda event: dated_label(
            event.title, event.starts_at, event.get_status_display()
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("congress") == self.LINK and not cleaned.get("event"):
            self.add_error("event", _("Choose the event to link, or another option."))
        return cleaned


def alv_new_view(request, model_admin):
    if not request.user.has_perms(["governance.add_meeting", "governance.view_body"]):
        raise PermissionDenied
    form = AlvNewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_create_alv_from_template(
                body=data["body"],
                starts_at=data["starts_at"],
                event=data["event"] if data["congress"] == AlvNewForm.LINK else None,
                congress_create=data["congress"] == AlvNewForm.CREATE,
                actor=request.user,
            )
        except ServiceError as refusal:
            messages.error(request, refusal.message)
        else:
            if meeting.event_id:
                messages.success(
                    request,
                    _("A draft ALV with the template agenda was created, held together with %(event)s.")
                    % {"event": meeting.event},
                )
            else:
                messages.success(request, _("A draft ALV with the template agenda was created."))
            return redirect(reverse("admin:governance_meeting_change", args=[meeting.pk]))
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": _("New ALV"),
        "has_view_permission": True,
        "form": form,
    }
    return TemplateResponse(request, "admin/governance/alv_new.html", context)
