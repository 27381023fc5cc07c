"""What a ballot offers: for / against / abstain on a motion or proposal, or one button per
candidate (and abstain) in an election. Used by the secretariat's record page and the delegate's
phone page; the value of a candidate's button is "c<candidate id>"."""

from __future__ import annotations

from governance.models import Ballot, Candidate, Vote

CANDIDATE_PREFIX = "c"


def is_election(vote: Vote) -> bool:
    return vote.mandate_body_id is not None


def candidates_of(votes: list[Vote]) -> dict[int, list[Candidate]]:
    """The candidates of these votes, in one query (elections only)."""
    ids = [vote.pk for vote in votes if is_election(vote)]
    found: dict[int, list[Candidate]] = {pk: [] for pk in ids}
    if ids:
        for candidate in (
            Candidate.objects.filter(vote_id__in=ids)
            .select_related("person")
            .order_by("person__last_name", "person__first_name", "pk")
        ):
            found[candidate.vote_id].append(candidate)
    return found


def ballot_choices(vote: Vote, candidates: list[Candidate] | None = None) -> list[tuple[str, str]]:
    """(value, label) of each button: the candidates and abstain in an election."""
    if not is_election(vote):
        return [(value, str(label)) for value, label in Ballot.Choice.choices]
    if candidates is None:
        candidates = candidates_of([vote])[vote.pk]
    return [
        *((f"{CANDIDATE_PREFIX}{candidate.pk}", candidate.person.full_name) for candidate in candidates),
        (Ballot.Choice.ABSTAIN.value, str(Ballot.Choice.ABSTAIN.label)),
    ]


def choice_parse(vote: Vote, value: str) -> tuple[str, Candidate | None]:
    """A button's value as (choice, candidate) for votes.ballot_cast, which checks it."""
    if is_election(vote) and value.startswith(CANDIDATE_PREFIX) and value[1:].isdigit():
        candidate = Candidate.objects.filter(vote=vote, pk=int(value[1:])).first()
        return (Ballot.Choice.FOR.value if candidate else "", candidate)
    return value, None


def ballot_value(choice: str, candidate_id: int | None) -> str:
    """The value of the button a recorded ballot stands for."""
    return f"{CANDIDATE_PREFIX}{candidate_id}" if candidate_id else choice
