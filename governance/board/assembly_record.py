"""What the minutes of an ALV record of the assembly: the member municipalities present and absent,
and every closed vote with its result, its totals and, for a named vote, who voted what. A secret
vote shows its totals only (its choices were erased when it closed)."""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from governance.models import Ballot, Body, Meeting, Vote

from . import assembly


@dataclass
class VoteRecord:
    vote: Vote
    by_choice: list[tuple[str, list[str]]] = field(default_factory=list)  # (label, municipalities)


@dataclass
class AssemblyRecord:
    presence: assembly.PresenceSummary
    votes: list[VoteRecord]


def assembly_record(*, meeting: Meeting) -> AssemblyRecord | None:
    """None for a meeting of any other body; otherwise the presence summary and the closed votes
    in the order they were opened (a fixed number of queries)."""
    if meeting.body.kind != Body.Kind.ALV:
        return None
    ballots = Ballot.objects.exclude(choice="").select_related("municipality").order_by("municipality__name")
    closed = (
        Vote.objects.filter(meeting=meeting, status=Vote.Status.CLOSED)
        .select_related("elected")
        .prefetch_related(Prefetch("ballots", queryset=ballots))
        .order_by("opened_at", "pk")
    )
    records = []
    for vote in closed:
        record = VoteRecord(vote=vote)
        if not vote.secret and vote.mandate_body_id is None:
            for value, label in Ballot.Choice.choices:
                names = [ballot.municipality.name for ballot in vote.ballots.all() if ballot.choice == value]
                if names:
                    record.by_choice.append((str(label), names))
        records.append(record)
    return AssemblyRecord(presence=assembly.presence_summary(meeting=meeting), votes=records)


def assembly_record_shown(record: AssemblyRecord | None) -> list | None:
    """What a PDF shows of the assembly, for its cache key."""
    if record is None:
        return None
    presence = record.presence
    return [
        [m.name for m, _p, _d in presence.present],
        [(m.name, holder) for m, _d, holder in presence.absent],
        presence.rules_text,
        [
            (r.vote.pk, r.vote.title, r.vote.result, r.vote.votes_for, r.vote.votes_against,
             r.vote.votes_abstain, str(r.vote.elected or ""), r.by_choice)
            for r in record.votes
        ],
    ]  # fmt: skip
