"""Votes of the ALV: opened by the secretariat on a motion or an agenda item for decision, one
ballot per present member municipality (typed by the secretariat or cast by the delegate's phone,
changeable until the vote closes), the result weighted by the association's rules and written to
the motion's outcome or the item's decision (the besluitenlijst).

Every ballot is written under a row lock on its vote (select_for_update), so closing the vote and
casting a ballot never interleave: a ballot is counted, or refused because the vote was closed.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from governance.models import (
    AgendaItem,
    Ballot,
    Body,
    Candidate,
    Mandate,
    Meeting,
    Motion,
    Presence,
    Proxy,
    Vote,
)
from members.models import Organisation
from vzhg.errors import ServiceError
from vzhg.history import history_note

from . import assembly, services


def vote_open_problem(*, motion: Motion | None = None, item: AgendaItem | None = None) -> str | None:
    """Why no vote can be opened on this motion or agenda item now, or None."""
    if (motion is None) == (item is None):
        return _("A vote is on one motion or one agenda item.")
    if item is not None and item.kind != AgendaItem.Kind.BESLUITVORMING:
        return _("Only an agenda item for decision is voted on.")
    subject = motion or item
    assert subject is not None
    meeting = Meeting.objects.select_related("body").get(pk=subject.meeting_id)
    if meeting.body.kind != Body.Kind.ALV:
        return _("Only a general assembly (ALV) has delegates and votes.")
    problem = services.meeting_not_started_problem(meeting=meeting)
    if problem:
        return problem
    if Vote.objects.filter(status=Vote.Status.OPEN, motion=motion, item=item).exists():
        return _("A vote on “%(title)s” is already open.") % {"title": subject.title}
    return None


@transaction.atomic
def vote_open(
    *,
    motion: Motion | None = None,
    item: AgendaItem | None = None,
    title: str = "",
    secret: bool = False,
    actor=None,
) -> Vote:
    """Open a vote on a motion or on an agenda item for decision, once the meeting has begun."""
    subject = motion or item
    if subject is not None:  # one opening per meeting at a time
        Meeting.objects.select_for_update().filter(pk=subject.meeting_id).first()
    problem = vote_open_problem(motion=motion, item=item)
    if problem:
        raise ServiceError(problem, code="not_open")
    assert subject is not None
    meeting = subject.meeting
    vote = Vote(
        meeting=meeting, motion=motion, item=item, title=title.strip() or subject.title, secret=secret
    )
    history_note(vote, actor=actor)
    vote.save()
    return vote


def closed_message(vote: Vote) -> str:
    return _("The vote on “%(title)s” is closed; your vote was not counted.") % {"title": vote.title}


@transaction.atomic
def ballot_cast(
    *, vote: Vote, municipality: Organisation, choice: str, candidate: Candidate | None = None, actor=None
) -> Ballot:
    """Record (or change) the municipality's vote while the vote is open; never a second ballot.
    In an election the choice is "for" one candidate, or "abstain"."""
    if choice not in Ballot.Choice.values:
        raise ServiceError(_("Choose for, against or abstain."), code="choice")
    locked = Vote.objects.select_for_update().get(pk=vote.pk)
    if not locked.is_open:
        raise ServiceError(closed_message(locked), code="closed")
    if locked.mandate_body_id is not None:
        valid = (choice == Ballot.Choice.ABSTAIN and candidate is None) or (
            choice == Ballot.Choice.FOR and candidate is not None and candidate.vote_id == locked.pk
        )
        if not valid:
            raise ServiceError(_("Choose one of the candidates, or abstain."), code="candidate")
    elif candidate is not None:
        raise ServiceError(_("This vote has no candidates."), code="candidate")
    present = Presence.objects.filter(meeting_id=locked.meeting_id)
    by_proxy = Proxy.objects.filter(
        meeting_id=locked.meeting_id, grantor=municipality, holder__in=present.values("municipality")
    )
    if not (present.filter(municipality=municipality).exists() or by_proxy.exists()):
        raise ServiceError(
            _("%(municipality)s is not checked in as present; only present municipalities vote.")
            % {"municipality": municipality},
            code="absent",
        )
    rules = assembly.rules_get()
    weight = assembly.weights(rules=rules).get(municipality.pk, rules.default_weight)
    ballot, _created = Ballot.objects.update_or_create(
        vote=locked,
        municipality=municipality,
        defaults={
            "choice": choice,
            "candidate": candidate,
            "weight": weight,
            "cast_by": actor,
            "cast_at": timezone.now(),
        },
    )
    return ballot


@dataclass
class Tally:
    """A vote's result so far (or final): weighted totals, the quorum, the rules that applied."""

    vote: Vote
    votes_for: int = 0
    votes_against: int = 0
    votes_abstain: int = 0
    municipalities_voted: int = 0
    present: int = 0
    members: int = 0
    quorum_needed: int = 0
    rules_text: str = ""
    named: list = field(default_factory=list)  # ballots, only for an open named vote or a closed named vote
    candidates: list = field(default_factory=list)  # an election: (candidate, weighted votes), most first

    @property
    def quorum_met(self) -> bool:
        return self.present >= self.quorum_needed

    @property
    def elected(self):
        """An election's winner: the candidate with more than half of the votes cast for
        candidates (abstentions are not counted), else None."""
        if not self.candidates or not self.quorum_met:
            return None
        candidate, weight = self.candidates[0]
        return candidate if weight * 2 > sum(w for _c, w in self.candidates) else None

    @property
    def result(self) -> str:
        """Adopted with more votes for than against (abstentions are not counted as cast); an
        election is adopted when a candidate has the majority."""
        if not self.quorum_met:
            return Vote.Result.NO_QUORUM
        if self.vote.mandate_body_id is not None:
            return Vote.Result.ADOPTED if self.elected is not None else Vote.Result.REJECTED
        return Vote.Result.ADOPTED if self.votes_for > self.votes_against else Vote.Result.REJECTED

    @property
    def result_label(self) -> str:
        return str(Vote.Result(self.result).label)

    @property
    def summary(self) -> str:
        return ngettext(
            "%(for)d for, %(against)d against, %(abstain)d abstention",
            "%(for)d for, %(against)d against, %(abstain)d abstentions",
            self.votes_abstain,
        ) % {
            "for": self.votes_for,
            "against": self.votes_against,
            "abstain": self.votes_abstain,
        }

    def as_json(self) -> dict:
        return {
            "title": self.vote.title,
            "status": self.vote.status,
            "status_label": str(self.vote.get_status_display()),
            "for": self.votes_for,
            "against": self.votes_against,
            "abstain": self.votes_abstain,
            "voted": self.municipalities_voted,
            "present": self.present,
            "members": self.members,
            "quorum_met": self.quorum_met,
            "result": self.result_label if not self.vote.is_open else "",
            "rules": self.rules_text,
        }


def vote_tally(*, vote: Vote, named: bool = False) -> Tally:
    """The weighted totals of a vote: a fixed number of queries, however many municipalities.
    A closed vote reads its stored totals; an open one counts its ballots."""
    rules = assembly.rules_get()
    members = Organisation.objects.member_municipalities().count()
    tally = Tally(
        vote=vote,
        members=members,
        present=assembly.represented_count(meeting_id=vote.meeting_id),
        quorum_needed=assembly.quorum_needed(rules=rules, members=members),
        rules_text=assembly.rules_summary(rules=rules, members=members),
    )
    totals = (
        Ballot.objects.filter(vote=vote).values("choice").annotate(weight=Sum("weight"), count=Count("pk"))
    )
    by_choice = {row["choice"]: row["weight"] for row in totals}
    tally.municipalities_voted = sum(row["count"] for row in totals)
    if vote.is_open:
        tally.votes_for = by_choice.get(Ballot.Choice.FOR, 0)
        tally.votes_against = by_choice.get(Ballot.Choice.AGAINST, 0)
        tally.votes_abstain = by_choice.get(Ballot.Choice.ABSTAIN, 0)
    else:
        tally.votes_for, tally.votes_against, tally.votes_abstain = (
            vote.votes_for,
            vote.votes_against,
            vote.votes_abstain,
        )
    if named and not vote.secret:
        tally.named = list(
            Ballot.objects.filter(vote=vote).select_related("municipality", "candidate__person")
        )
    if vote.mandate_body_id is not None:
        candidates = Candidate.objects.filter(vote=vote).select_related("person")
        if vote.is_open:
            weights = dict(
                Ballot.objects.filter(vote=vote, candidate__isnull=False)
                .values("candidate")
                .annotate(weight=Sum("weight"))
                .values_list("candidate", "weight")
            )
            rows = [(candidate, weights.get(candidate.pk, 0)) for candidate in candidates]
        else:  # the totals kept at closing (a secret election's choices are erased)
            rows = [(candidate, candidate.votes) for candidate in candidates]
        tally.candidates = sorted(rows, key=lambda row: -row[1])
    return tally


@transaction.atomic
def vote_close(*, vote: Vote, actor=None) -> Vote:
    """Close the vote: keep the weighted totals and the result, erase the choices of a secret vote,
    and write the outcome to the motion or the agenda item's decision (the besluitenlijst)."""
    vote = Vote.objects.select_for_update().get(pk=vote.pk)
    if not vote.is_open:
        raise ServiceError(
            _("The vote on “%(title)s” is already closed.") % {"title": vote.title}, code="closed"
        )
    tally = vote_tally(vote=vote)
    vote.votes_for, vote.votes_against, vote.votes_abstain = (
        tally.votes_for,
        tally.votes_against,
        tally.votes_abstain,
    )
    vote.result = tally.result
    vote.status = Vote.Status.CLOSED
    vote.closed_at = timezone.now()
    history_note(vote, actor=actor)
    vote.save()
    if vote.mandate_body_id is not None:
        for candidate, weight in tally.candidates:
            candidate.votes = weight
            candidate.save(update_fields=["votes"])
        vote.elected = tally.elected.person if tally.elected is not None else None
        vote.save(update_fields=["elected"])
    if vote.secret:
        Ballot.objects.filter(vote=vote).update(choice="", candidate=None, cast_by=None)
    note = _("%(result)s by vote: %(summary)s (%(rules)s).") % {
        "result": tally.result_label,
        "summary": tally.summary,
        "rules": tally.rules_text,
    }
    if vote.mandate_body_id is not None:
        note = _("Election: %(votes)s. %(outcome)s") % {
            "votes": ", ".join(f"{candidate.person} {weight}" for candidate, weight in tally.candidates),
            "outcome": _("%(person)s is elected.") % {"person": vote.elected}
            if vote.elected
            else _("No candidate has the majority."),
        }
    note = note[0].upper() + note[1:]
    if vote.motion is not None and vote.result != Vote.Result.NO_QUORUM:
        outcome = Motion.Outcome.ADOPTED if vote.result == Vote.Result.ADOPTED else Motion.Outcome.REJECTED
        services.motion_decide(
            motion=vote.motion,
            outcome=outcome,
            votes_for=vote.votes_for,
            votes_against=vote.votes_against,
            note=note,
            actor=actor,
        )
    elif vote.item is not None:
        item = vote.item
        decision = f"{item.decision.strip()}\n{note}".strip() if item.decision.strip() else note
        services.agenda_item_decide(item=item, decision=decision, actor=actor)
    return vote


@transaction.atomic
def election_open(
    *, item: AgendaItem, people: list, body: Body, role: str, title: str = "", secret: bool = True, actor=None
) -> Vote:
    """Open an election on an agenda item for decision: one seat, candidates `people`; the winner
    may then be given the mandate (election_mandate_create)."""
    if len(people) < 1:
        raise ServiceError(_("An election needs at least one candidate."), code="candidates")
    vote = vote_open(item=item, title=title, secret=secret, actor=actor)
    vote.mandate_body, vote.mandate_role = body, role
    vote.save(update_fields=["mandate_body", "mandate_role"])
    Candidate.objects.bulk_create([Candidate(vote=vote, person=person) for person in people])
    return vote


@transaction.atomic
def election_mandate_create(*, vote: Vote, start, actor=None) -> Mandate:
    """Give the elected candidate the mandate the election was for, checked by the mandate's own
    rules (one holder of each executive role, not in the kascommissie at the same time)."""
    from django.core.exceptions import ValidationError

    vote = (
        Vote.objects.select_for_update(of=("self",)).select_related("mandate_body", "elected").get(pk=vote.pk)
    )
    if vote.is_open or vote.elected is None or vote.mandate_body is None:
        raise ServiceError(
            _("Only a closed election with an elected candidate gives a mandate."), code="no_winner"
        )
    mandate = Mandate(
        person=vote.elected, body=vote.mandate_body, role=vote.mandate_role or Mandate.Role.LID, start=start
    )
    try:
        mandate.full_clean()
    except ValidationError as error:
        raise ServiceError(" ".join(error.messages), code="mandate") from error
    history_note(mandate, actor=actor, reason=_("elected at %(meeting)s") % {"meeting": vote.meeting})
    mandate.save()
    return mandate
