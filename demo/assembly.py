"""Last year's ALV as an assembly of the member municipalities: a delegate for most of them (a
deputy for some, one delegate changed by the secretariat), who was present, a proxy where the
voting rules allow one, the two motions voted and closed (one named vote, one secret written
vote counted in the room), the text of the minutes and the actions agreed there.

Everything goes through the governance services (board.assembly, board.votes, board.actions), so
the besluitenlijst, the minutes, the archive and the annual report read the same results. The
association's voting rules keep their defaults (one vote per municipality, no quorum, no
proxies): the demo does not invent statutes. The moments the services stamp with "now"
(check-in, opening and closing a vote, ballots) are moved to the meeting's day afterwards.

Loaded once: an ALV that has delegates is left alone. The texts are in demo/data/governance.json
("motions" and "last_alv").
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from governance.board import actions as board_actions
from governance.board import assembly as board_assembly
from governance.board import congress as board_congress
from governance.board import votes as board_votes
from governance.models import Action, AgendaItem, Ballot, Body, Meeting, Motion, Presence, Proxy, Vote
from members.models import Organisation, Person, User

from .content import load_json

SEED = 1923
BOARD_EMAIL = "bestuur@gouda.nl"  # the chair; votes for Gouda from the phone
MEMBER_EMAIL = "lid@delft.nl"  # griffier of Delft, deputy delegate; votes for Delft from the phone
SECRETARY_EMAIL = "secretariaat@vzhg.nl"
PHONE_VOTERS = {"Gouda": BOARD_EMAIL, "Delft": MEMBER_EMAIL}
F = Person.Function


def held_alv(*, year: int) -> Meeting | None:
    return (
        Meeting.objects.filter(body__kind=Body.Kind.ALV, starts_at__year=year, status=Meeting.Status.HELD)
        .select_related("body")
        .order_by("starts_at")
        .first()
    )


def _delegations(municipalities: list[Organisation]) -> dict[int, tuple[Person, Person | None]]:
    """Municipality id -> (delegate, deputy): the burgemeester, or for some a wethouder; the
    griffier as deputy for every third; four municipalities name nobody."""
    people: dict[tuple[int, str], Person] = {}
    for person in Person.objects.filter(
        organisation__in=municipalities, function__in=[F.BURGEMEESTER, F.WETHOUDER, F.GRIFFIER]
    ).order_by("email"):
        people.setdefault((person.organisation_id, person.function), person)
    named = {}
    for index, municipality in enumerate(municipalities):
        fixed = municipality.name in PHONE_VOTERS
        if index % 12 == 11 and not fixed:
            continue
        mayor = people.get((municipality.pk, F.BURGEMEESTER))
        alderman = people.get((municipality.pk, F.WETHOUDER))
        clerk = people.get((municipality.pk, F.GRIFFIER))
        delegate = alderman if index % 4 == 1 and alderman and not fixed else mayor
        deputy = clerk if index % 3 == 0 or municipality.name == "Delft" else None
        if delegate is not None:
            named[municipality.pk] = (delegate, deputy)
    return named


def _votes(*, meeting: Meeting, specs: list[dict], secretary, rng: random.Random) -> int:
    voting = list(board_assembly.voting_municipalities(meeting_id=meeting.pk))
    phones = {user.email: user for user in User.objects.filter(email__in=PHONE_VOTERS.values())}
    closed = 0
    for order, spec in enumerate(specs, start=1):
        motion = Motion.objects.filter(meeting=meeting, title=spec["title"]).first()
        if motion is None:
            motion = Motion.objects.create(
                meeting=meeting, order=order, title=spec["title"], text=spec["text"]
            )
            motion.submitted_by.set(
                Organisation.objects.filter(
                    kind=Organisation.Kind.MUNICIPALITY, name__in=spec["submitted_by"]
                )
            )
        if motion.votes.exists():
            continue
        vote = board_votes.vote_open(motion=motion, secret=spec["secret"], actor=secretary)
        # The submitters vote for their own motion; the others in a fixed random order.
        others = [m for m in voting if m.name not in spec["submitted_by"]]
        rng.shuffle(others)
        ordered = [m for m in voting if m.name in spec["submitted_by"]] + others
        for_count, against_count = spec["ballots"]["for"], spec["ballots"]["against"]
        for number, municipality in enumerate(ordered):
            if number < for_count:
                choice = Ballot.Choice.FOR
            elif number < for_count + against_count:
                choice = Ballot.Choice.AGAINST
            else:
                choice = Ballot.Choice.ABSTAIN
            actor = secretary
            if not spec["secret"] and municipality.name in PHONE_VOTERS:
                actor = phones.get(PHONE_VOTERS[municipality.name], secretary)
            board_votes.ballot_cast(vote=vote, municipality=municipality, choice=choice, actor=actor)
        board_votes.vote_close(vote=vote, actor=secretary)
        opened = meeting.starts_at + datetime.timedelta(minutes=75 + 20 * order)
        Vote.objects.filter(pk=vote.pk).update(
            opened_at=opened, closed_at=opened + datetime.timedelta(minutes=8)
        )
        Ballot.objects.filter(vote=vote).update(cast_at=opened + datetime.timedelta(minutes=3))
        closed += 1
    return closed


def _actions(*, meeting: Meeting, specs: list[dict], secretary) -> int:
    if Action.objects.filter(meeting=meeting).exists():
        return 0
    owners = {
        "chair": Person.objects.filter(email=BOARD_EMAIL).first(),
        "secretary": Person.objects.filter(email=SECRETARY_EMAIL).first(),
    }
    motions_item = AgendaItem.objects.filter(meeting=meeting, title="Moties").first()
    day = meeting.starts_at.date()
    for spec in specs:
        action = board_actions.action_save(
            action=Action(
                body=meeting.body,
                title=spec["title"],
                owner=owners[spec["owner"]],
                due=day + datetime.timedelta(days=spec["days"]),
                meeting=meeting,
                item=motions_item if "motie" in spec["title"].lower() else None,
            ),
            actor=secretary,
        )
        if spec["status"] == Action.Status.DONE:
            board_actions.action_status_set(action=action, status=Action.Status.DONE, actor=secretary)
    return len(specs)


def held_alvs_congress_link() -> int:
    """Each held ALV is linked to the spring congress of its day when the events demo has one
    (the ALV in the morning, the congress in the afternoon). Returns how many were linked."""
    linked = 0
    for meeting in Meeting.objects.filter(
        body__kind=Body.Kind.ALV, status=Meeting.Status.HELD, event__isnull=True
    ).order_by("starts_at"):
        day = timezone.localtime(meeting.starts_at).date()
        event = board_congress.congress_events_free().filter(starts_at__date=day).first()
        if event is not None:
            # One meeting, one day: the ALV meets where the congress is.
            place = ", ".join(part for part in (event.venue_name, event.venue_address) if part)
            if place:
                meeting.location = place
                meeting.save(update_fields=["location"])
            board_congress.meeting_event_link(meeting=meeting, event=event)
            linked += 1
    return linked


def last_alv_load(*, year: int) -> dict[str, int]:
    """Delegates, presence, votes and actions at the ALV held in `year` (once), and the held
    ALVs linked to their congress. Returns what was added."""
    added = {"delegates": 0, "present": 0, "votes": 0, "actions": 0}
    added["congresses"] = held_alvs_congress_link()
    meeting = held_alv(year=year)
    secretary = User.objects.filter(email=SECRETARY_EMAIL).first()
    if meeting is None or secretary is None or meeting.delegates.exists():
        return added
    data = load_json("governance.json")
    plan = data["last_alv"]
    rng = random.Random(SEED)
    with transaction.atomic():
        municipalities = list(Organisation.objects.member_municipalities().order_by("name"))
        by_name = {m.name: m for m in municipalities}
        named = _delegations(municipalities)
        changed = by_name[plan["delegate_change"]]
        for municipality in municipalities:
            if municipality.pk not in named:
                continue
            person, deputy = named[municipality.pk]
            if municipality == changed:
                # First named by the municipality, then changed by the secretariat on its behalf.
                clerk = Person.objects.filter(organisation=changed, function=F.GRIFFIER).first()
                board_assembly.delegate_set(meeting=meeting, municipality=changed, person=clerk or person)
                deputy = clerk if clerk and clerk != person else None
                board_assembly.delegate_set(
                    meeting=meeting, municipality=changed, person=person, deputy=deputy, actor=secretary
                )
            else:
                board_assembly.delegate_set(
                    meeting=meeting, municipality=municipality, person=person, deputy=deputy
                )
            added["delegates"] += 1

        # Who came: the phone voters and the proxy holder for certain, the rest drawn.
        with_delegate = [m for m in municipalities if m.pk in named]
        fixed = [by_name[name] for name in PHONE_VOTERS]
        others = [m for m in with_delegate if m not in fixed]
        present = fixed + rng.sample(others, plan["present"] - len(fixed))
        for number, municipality in enumerate(sorted(present, key=lambda m: m.name)):
            person, deputy = named[municipality.pk]
            checked_in = deputy if deputy and (municipality.name == "Delft" or number % 5 == 2) else person
            board_assembly.presence_check_in(
                meeting=meeting, municipality=municipality, person=checked_in, actor=secretary
            )
            Presence.objects.filter(meeting=meeting, municipality=municipality).update(
                checked_in_at=meeting.starts_at - datetime.timedelta(minutes=30 - number % 25)
            )
        added["present"] = len(present)
        if board_assembly.rules_get().proxies_allowed:
            grantor = next(m for m in with_delegate if m not in present)
            holder = next(m for m in sorted(present, key=lambda m: m.name) if m not in fixed)
            board_assembly.proxy_grant(meeting=meeting, grantor=grantor, holder=holder, actor=secretary)

        added["votes"] = _votes(meeting=meeting, specs=data["motions"], secretary=secretary, rng=rng)
        added["actions"] = _actions(meeting=meeting, specs=plan["actions"], secretary=secretary)
    return added


def _names(names: list[str]) -> str:
    return ", ".join(names[:-1]) + " en " + names[-1] if len(names) > 1 else "".join(names)


def alv_minutes_text(meeting: Meeting) -> str | None:
    """The minutes of an ALV that recorded its presence: who was there, the votes and their
    results; None for any other meeting."""
    if meeting.body.kind != Body.Kind.ALV or not Presence.objects.filter(meeting=meeting).exists():
        return None
    plan = load_json("governance.json")["last_alv"]
    summary = board_assembly.presence_summary(meeting=meeting)
    proxy = Proxy.objects.filter(meeting=meeting).select_related("grantor", "holder").first()
    lines = []
    for vote in Vote.objects.filter(meeting=meeting, status=Vote.Status.CLOSED).order_by("opened_at", "pk"):
        lines.append(
            plan["vote_line"].format(
                title=vote.title,
                result=plan["results"].get(vote.result, vote.result),
                how=plan["vote_how"]["secret" if vote.secret else "named"],
                **{"for": vote.votes_for, "against": vote.votes_against, "abstain": vote.votes_abstain},
            )
        )
    return plan["minutes"].format(
        present=summary.present_count,
        members=summary.members,
        absent=_names([municipality.name for municipality, _delegate, _holder in summary.absent]),
        proxy=plan["proxy"].format(grantor=proxy.grantor, holder=proxy.holder) if proxy else "",
        votes="\n".join(lines),
    )
