"""The member-facing pages of the ALV: the griffier or burgemeester of a member municipality names
its delegate, and the delegate (or deputy) votes from their own phone while a vote is open.
Anything out of the visitor's reach answers 404."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from governance.models import Ballot, Body, Meeting, Presence, Vote
from members.models import Person
from vzhg.errors import ServiceError

from . import assembly, delegate_naming, elections, votes


class DelegateForm(forms.Form):
    person = forms.ModelChoiceField(label=gettext_lazy("delegate"), queryset=Person.objects.none())
    deputy = forms.ModelChoiceField(
        label=gettext_lazy("deputy"), queryset=Person.objects.none(), required=False
    )

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        people = Person.objects.filter(organisation=municipality).order_by("last_name", "first_name")
        self.fields["person"].queryset = people
        self.fields["deputy"].queryset = people


def _alv(pk, token) -> Meeting:
    meeting = (
        Meeting.objects.select_related("body")
        .filter(pk=pk, token=token, body__kind=Body.Kind.ALV)
        .exclude(status=Meeting.Status.CONCEPT)
        .first()
    )
    if meeting is None:
        raise Http404
    return meeting


@login_required
@require_http_methods(["GET", "POST"])
def delegate(request, pk, token):
    """Name (or change) my municipality's delegate and deputy for this ALV."""
    meeting = _alv(pk, token)
    person = Person.objects.filter(user=request.user).select_related("organisation").first()
    municipality = person.organisation if person else None
    if municipality is None or not assembly.may_name_delegate(user=request.user, municipality=municipality):
        raise Http404
    current = delegate_naming.delegate_current(meeting=meeting, municipality=municipality)
    initial = {"person": current.person_id, "deputy": current.deputy_id} if current else {}
    form = DelegateForm(request.POST or None, municipality=municipality, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            assembly.delegate_set(
                meeting=meeting,
                municipality=municipality,
                person=form.cleaned_data["person"],
                deputy=form.cleaned_data["deputy"],
                actor=request.user,
            )
        except ServiceError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(
                request,
                _("%(person)s is the delegate of %(municipality)s.")
                % {"person": form.cleaned_data["person"], "municipality": municipality},
            )
            return redirect(reverse("governance:delegate", kwargs={"pk": meeting.pk, "token": meeting.token}))
    return render(
        request,
        "governance/delegate.html",
        {"meeting": meeting, "municipality": municipality, "form": form, "current": current},
    )


@login_required
@require_http_methods(["GET", "POST"])
def ballot(request, pk, token):
    """The delegate's phone: the open votes of this ALV, one tap for, against or abstain."""
    meeting = _alv(pk, token)
    delegation = assembly.delegate_for_user(user=request.user, meeting=meeting)
    if delegation is None:
        raise Http404
    municipality = delegation.municipality
    carried = [municipality, *assembly.proxies_held(meeting=meeting, holder=municipality)]
    if request.method == "POST" and "check_in" in request.POST:
        _check_in(request, meeting)
        return redirect(reverse("governance:ballot", kwargs={"pk": meeting.pk, "token": meeting.token}))
    if request.method == "POST":
        vote = Vote.objects.filter(pk=request.POST.get("vote") or 0, meeting=meeting).first()
        for_town = next((town for town in carried if str(town.pk) == request.POST.get("municipality")), None)
        if vote is None or for_town is None:
            raise Http404
        choice, candidate = elections.choice_parse(vote, request.POST.get("choice", ""))
        try:
            votes.ballot_cast(
                vote=vote, municipality=for_town, choice=choice, candidate=candidate, actor=request.user
            )
        except ServiceError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(
                request,
                _("The vote of %(municipality)s on “%(title)s” is recorded.")
                % {"municipality": for_town, "title": vote.title},
            )
        return redirect(reverse("governance:ballot", kwargs={"pk": meeting.pk, "token": meeting.token}))
    open_votes = list(meeting.votes.filter(status=Vote.Status.OPEN).order_by("opened_at"))
    cast = {
        (vote_id, town_id): elections.ballot_value(choice, candidate)
        for vote_id, town_id, choice, candidate in Ballot.objects.filter(
            vote__in=open_votes, municipality__in=carried
        ).values_list("vote_id", "municipality_id", "choice", "candidate_id")
    }
    candidates = elections.candidates_of(open_votes)
    return render(
        request,
        "governance/ballot.html",
        {
            "meeting": meeting,
            "municipality": municipality,
            "present": Presence.objects.filter(meeting=meeting, municipality=municipality).first(),
            "check_in_problem": assembly.self_check_in_problem(meeting=meeting),
            "rows": [
                (
                    vote,
                    elections.ballot_choices(vote, candidates.get(vote.pk, [])),
                    [(town, cast.get((vote.pk, town.pk), "")) for town in carried],
                )
                for vote in open_votes
            ],
        },
    )


def _check_in(request, meeting: Meeting) -> None:
    """ "I am present": the delegate checks their municipality in; a second tap says so."""
    try:
        presence, created = assembly.presence_self_check_in(meeting=meeting, user=request.user)
    except ServiceError as refusal:
        messages.error(request, refusal.message)
        return
    if created:
        messages.success(
            request, _("%(municipality)s is checked in as present.") % {"municipality": presence.municipality}
        )
    else:
        messages.info(
            request,
            _("%(municipality)s was already checked in as present at %(time)s.")
            % {
                "municipality": presence.municipality,
                "time": timezone.localtime(presence.checked_in_at).strftime("%H:%M"),
            },
        )


def meeting_links(*, user, meeting: Meeting) -> dict | None:
    """For the meeting page of a published ALV: may this visitor name the delegate, vote? Two
    queries, and none for other meetings or anonymous visitors."""
    if meeting.body.kind != Body.Kind.ALV or meeting.status == Meeting.Status.CONCEPT:
        return None
    if not user.is_authenticated:
        return None
    person = Person.objects.filter(user=user).select_related("organisation").first()
    return {
        "name_delegate": assembly.person_may_name(person),
        "vote": assembly.delegate_for_user(user=user, meeting=meeting) is not None,
    }
