"""The secretariat's pages of the ALV in the admin: presence on the day (check in per
municipality), recording the room's votes, and the projector page with its JSON result."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from governance.models import Ballot, Body, Meeting, Vote
from members.models import Organisation
from vzhg.errors import ServiceError

from . import assembly, elections, votes


def _require(request, *perms: str) -> None:
    if not request.user.has_perms([f"governance.{perm}" for perm in perms]):
        raise PermissionDenied


def _context(request, model_admin, title: str, **extra) -> dict:
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": title,
        "has_view_permission": True,
        **extra,
    }


def alv_meetings():
    return Meeting.objects.filter(body__kind=Body.Kind.ALV).order_by("-starts_at")[:10]


def _meeting(meeting_id) -> Meeting:
    meeting = (
        Meeting.objects.select_related("body").filter(pk=int(meeting_id), body__kind=Body.Kind.ALV).first()
        if str(meeting_id).isdigit()
        else None
    )
    if meeting is None:
        raise Http404(_("No such general assembly."))
    return meeting


def _vote(object_id) -> Vote:
    vote = (
        Vote.objects.select_related("meeting", "motion", "item").filter(pk=int(object_id)).first()
        if str(object_id).isdigit()
        else None
    )
    if vote is None:
        raise Http404(_("No such vote."))
    return vote


def _municipality(pk: str) -> Organisation | None:
    return Organisation.objects.member_municipalities().filter(pk=int(pk)).first() if pk.isdigit() else None


def presence_view(request, meeting_id, model_admin):
    """The day's list: every member municipality, present or not, checked in with one click."""
    _require(request, "view_delegate")
    meeting = _meeting(meeting_id)
    if request.method == "POST":
        _require(request, "change_delegate")
        municipality = _municipality(request.POST.get("municipality", ""))
        if municipality is None:
            messages.error(request, _("That is not a member municipality."))
        elif request.POST.get("present") == "1":
            try:
                assembly.presence_check_in(meeting=meeting, municipality=municipality, actor=request.user)
            except ServiceError as refusal:
                messages.error(request, refusal.message)
            else:
                messages.success(request, _("%(name)s is present.") % {"name": municipality})
        else:
            assembly.presence_undo(meeting=meeting, municipality=municipality, actor=request.user)
            messages.info(request, _("%(name)s is no longer marked present.") % {"name": municipality})
        return redirect(reverse("admin:governance_delegate_presence", args=[meeting.pk]) + "#absent")
    summary = assembly.presence_summary(meeting=meeting)
    context = _context(
        request,
        model_admin,
        _("Presence: %(meeting)s") % {"meeting": meeting},
        meeting=meeting,
        summary=summary,
        votes=meeting.votes.order_by("opened_at"),
    )
    return TemplateResponse(request, "admin/governance/presence.html", context)


def record_view(request, object_id, model_admin):
    """The room's votes typed by the secretariat: for / against / abstain per present municipality."""
    _require(request, "view_vote", "change_vote")
    vote = _vote(object_id)
    if request.method == "POST":
        counted = 0
        for municipality in assembly.voting_municipalities(meeting_id=vote.meeting_id):
            value = request.POST.get(f"m{municipality.pk}", "")
            if not value:
                continue
            choice, candidate = elections.choice_parse(vote, value)
            try:
                votes.ballot_cast(
                    vote=vote,
                    municipality=municipality,
                    choice=choice,
                    candidate=candidate,
                    actor=request.user,
                )
            except ServiceError as refusal:
                messages.error(request, refusal.message)
                break
            counted += 1
        else:
            messages.success(request, _("%(count)d votes recorded.") % {"count": counted})
        return redirect(reverse("admin:governance_vote_record", args=[vote.pk]))
    ballots = {
        town: elections.ballot_value(choice, candidate)
        for town, choice, candidate in Ballot.objects.filter(vote=vote).values_list(
            "municipality_id", "choice", "candidate_id"
        )
    }
    rows = [
        (municipality, ballots.get(municipality.pk, ""))
        for municipality in assembly.voting_municipalities(meeting_id=vote.meeting_id)
    ]
    context = _context(
        request,
        model_admin,
        _("Record the votes: %(vote)s") % {"vote": vote},
        vote=vote,
        rows=rows,
        choices=elections.ballot_choices(vote),
        tally=votes.vote_tally(vote=vote),
    )
    return TemplateResponse(request, "admin/governance/vote_record.html", context)


def projector_view(request, object_id, model_admin):
    """The result for the room's screen; static/js/projector.js refreshes it from result.json."""
    _require(request, "view_vote")
    vote = _vote(object_id)
    context = _context(
        request,
        model_admin,
        vote.title,
        vote=vote,
        tally=votes.vote_tally(vote=vote),
        result_url=reverse("admin:governance_vote_result_json", args=[vote.pk]),
    )
    return TemplateResponse(request, "admin/governance/vote_projector.html", context)


def result_json_view(request, object_id, model_admin):
    _require(request, "view_vote")
    vote = _vote(object_id)
    response = JsonResponse(votes.vote_tally(vote=vote).as_json())
    response["Cache-Control"] = "private, no-store"
    return response
