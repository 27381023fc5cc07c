"""The secretariat's vote buttons in the admin: "Stemming openen" (named or secret) next to each
motion and each item for decision of an ALV on the meeting's page, "Stemming sluiten" there and on
the vote's page, and the form that opens an election (body, role, candidates). Each answers with a
message and a redirect; a refusal (ServiceError) is a message, never an error page."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.models import AgendaItem, Body, Mandate, Meeting, Motion, Vote
from members.models import Person
from vzhg.errors import ServiceError

from . import services, votes


def _require(request, *perms: str) -> None:
    if not request.user.has_perms([f"governance.{perm}" for perm in perms]):
        raise PermissionDenied


def _back(request, fallback: str):
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(fallback)


def _pk(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


def vote_open_view(request, model_admin):
    """POST ?motion=<id> or ?item=<id> (&secret=1): open the vote, then back to `next`."""
    _require(request, "add_vote")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    motion_id, item_id = _pk(request.GET.get("motion")), _pk(request.GET.get("item"))
    motion = Motion.objects.filter(pk=motion_id).first() if motion_id else None
    item = AgendaItem.objects.filter(pk=item_id).first() if item_id else None
    try:
        vote = votes.vote_open(
            motion=motion, item=item, secret=request.GET.get("secret") == "1", actor=request.user
        )
    except ServiceError as refusal:
        messages.error(request, refusal.message)
        return _back(request, reverse("admin:governance_vote_changelist"))
    messages.success(
        request,
        (
            _("The secret vote on “%(title)s” is open.")
            if vote.secret
            else _("The vote on “%(title)s” is open.")
        )
        % {"title": vote.title},
    )
    return _back(request, reverse("admin:governance_vote_change", args=[vote.pk]))


def vote_close_view(request, object_id, model_admin):
    """POST: close the vote and record its result, then back to `next` (or the vote's page)."""
    _require(request, "change_vote")
    vote = Vote.objects.filter(pk=_pk(object_id)).first() if _pk(object_id) else None
    if vote is None:
        raise Http404(_("No such vote."))
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        closed = votes.vote_close(vote=vote, actor=request.user)
    except ServiceError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            _("%(vote)s is closed: %(result)s.") % {"vote": closed, "result": closed.get_result_display()},
        )
    return _back(request, reverse("admin:governance_vote_change", args=[vote.pk]))


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.organisation})" if obj.organisation_id else obj.full_name


class ElectionForm(forms.Form):
    item = forms.ModelChoiceField(
        label=gettext_lazy("agenda item"),
        queryset=AgendaItem.objects.none(),
        help_text=gettext_lazy("An item for decision of a general assembly that has begun."),
    )
    body = forms.ModelChoiceField(
        label=gettext_lazy("mandate in"), queryset=Body.objects.exclude(kind=Body.Kind.ALV).order_by("order")
    )
    role = forms.ChoiceField(label=gettext_lazy("role"), choices=Mandate.Role.choices)
    candidates = PersonChoiceField(
        label=gettext_lazy("candidates"),
        queryset=Person.objects.select_related("organisation").order_by("last_name", "first_name"),
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=gettext_lazy("Hold Ctrl (or ⌘) to choose more than one."),
    )
    title = forms.CharField(
        label=gettext_lazy("title"),
        required=False,
        max_length=250,
        help_text=gettext_lazy("Empty: the title of the agenda item."),
    )
    secret = forms.BooleanField(label=gettext_lazy("secret vote"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = (
            AgendaItem.objects.filter(meeting__body__kind=Body.Kind.ALV, kind=AgendaItem.Kind.BESLUITVORMING)
            .exclude(meeting__status=Meeting.Status.CONCEPT)
            .select_related("meeting")
            .order_by("-meeting__starts_at", "order")
        )
        self.fields["item"].label_from_instance = lambda item: f"{item.meeting.title} — {item.title}"


def election_open_view(request, model_admin):
    """The form that opens an election on an agenda item: one seat in a body, its candidates."""
    _require(request, "add_vote")
    form = ElectionForm(request.POST or None, initial={"item": _pk(request.GET.get("item"))})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            vote = votes.election_open(
                item=data["item"],
                people=list(data["candidates"]),
                body=data["body"],
                role=data["role"],
                title=data["title"],
                secret=data["secret"],
                actor=request.user,
            )
        except ServiceError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("The election “%(title)s” is open.") % {"title": vote.title})
            return redirect(reverse("admin:governance_vote_change", args=[vote.pk]))
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": _("Open an election"),
        "has_view_permission": True,
        "form": form,
    }
    return TemplateResponse(request, "admin/governance/election_form.html", context)


def meeting_votes_panel(meeting: Meeting, *, request=None) -> str:
    """The votes of an ALV on its admin page: per motion and per item for decision, the votes held
    and the buttons to open (named or secret) or close one. Three queries, however many rows."""
    if not meeting.pk or meeting.body.kind != Body.Kind.ALV:
        return "–"
    motions = list(meeting.motions.order_by("order", "pk"))
    items = list(meeting.items.filter(kind=AgendaItem.Kind.BESLUITVORMING).order_by("order", "pk"))
    held: dict[tuple[str, int], list[Vote]] = {}
    for vote in meeting.votes.order_by("opened_at", "pk"):
        key = ("motion", vote.motion_id) if vote.motion_id else ("item", vote.item_id)
        held.setdefault(key, []).append(vote)  # type: ignore[arg-type]
    here = reverse("admin:governance_meeting_change", args=[meeting.pk])
    rows = [
        {
            "kind": kind,
            "subject": subject,
            "votes": held.get((kind, subject.pk), []),
            "open": any(vote.is_open for vote in held.get((kind, subject.pk), [])),
        }
        for kind, subjects in (("motion", motions), ("item", items))
        for subject in subjects
    ]
    return render_to_string(
        "admin/governance/_meeting_votes.html",
        {
            "meeting": meeting,
            "rows": rows,
            "next": here,
            "open_url": reverse("admin:governance_vote_open"),
            "election_url": reverse("admin:governance_vote_election"),
            "started": not services.meeting_not_started_problem(meeting=meeting),
        },
        request=request,
    )
