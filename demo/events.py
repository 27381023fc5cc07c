"""Events demo: events around today's date with registrations by the fictional demo people, and
the held events of last year and this year that the workplans report on.

Idempotent: events are found by slug; an event that exists already is left alone (with its
registrations), and a year whose workplan events exist is left alone entirely, so a second run
creates nothing. Registrations are written in bulk here (no mails: nobody should get 100
confirmations at every `make run`), with the statuses the registration service would have given
them (the network meeting is full with a waiting list). Speakers and people are fictional.
The najaarscongres collects ranked workshop choices (three per round) for the allocation after
closing, so its registrants have ranks and no workshop yet; the ALV's optional werkbezoeken are
ranked in direct mode. Both ask their own questions (lunch, dieetwensen, parkeren; the ALV's
stemgerechtigd afgevaardigde), and the najaarscongres' registrants have answered them.

The texts are in demo/data/events.json; last year's events follow demo/data/events-2025.csv,
moved to that year.
"""

import csv
import datetime
import random

from django.db import transaction
from django.utils import timezone

from events.models import (
    Answer,
    Event,
    ProgrammeItem,
    Question,
    Registration,
    Round,
    Session,
    SessionChoice,
    WorkshopChoice,
)
from governance.models import Workplan
from members.models import Organisation, Person

from .content import DATA_DIR, at, clock, load_json, weekday

SEED = 2025
# The workplan years draw from their own generator, so their registrations stay the same
# whatever the events around today are.
HISTORY_SEED = 2024
MEMBER_EMAIL = "lid@delft.nl"
EVENTS_CSV = DATA_DIR / "events-2025.csv"
HISTORY_ONLINE_URL = "https://teams.microsoft.com/l/meetup-join/vzhg-demo"


def _moment(today: datetime.date, day: datetime.date, spec: dict | None) -> datetime.datetime | None:
    """A registration opening or closing moment: days from today or from the event's day."""
    if spec is None:
        return None
    base = today if spec["from"] == "today" else day
    moment = base + datetime.timedelta(days=spec["days"])
    if spec.get("weekday"):
        moment = weekday(moment)
    starts = clock(spec["at"])
    return at(moment, starts.hour, starts.minute)


def current_events(today: datetime.date) -> list[dict]:
    """The events around `today`, as Event field values plus programme, rounds and registrations."""
    specs = []
    for row in load_json("events.json")["current"]:
        day = weekday(today + datetime.timedelta(days=row["day"]))
        starts, ends = clock(row["starts"]), clock(row["ends"])
        specs.append(
            {
                **row,
                "starts_at": at(day, starts.hour, starts.minute),
                "ends_at": at(day, ends.hour, ends.minute),
                "registration_opens_at": _moment(today, day, row.get("registration_opens")),
                "registration_closes_at": _moment(today, day, row.get("registration_closes")),
            }
        )
    return specs


def _create_current(spec: dict, organisations: dict[str, Organisation]) -> tuple[Event, list[Round]]:
    event = Event.objects.create(
        slug=spec["slug"],
        title=spec["title"],
        kind=spec["kind"],
        summary=spec["summary"],
        description=spec["description"],
        status=Event.Status.PUBLISHED,
        starts_at=spec["starts_at"],
        ends_at=spec["ends_at"],
        host=organisations.get(spec.get("host") or ""),
        venue_name=spec.get("venue_name", ""),
        venue_address=spec.get("venue_address", ""),
        online_url=spec.get("online_url", ""),
        capacity=spec.get("capacity"),
        places_per_municipality=spec.get("places_per_municipality"),
        audience=spec["audience"],
        registration_opens_at=spec["registration_opens_at"],
        registration_closes_at=spec["registration_closes_at"],
        themes=spec.get("themes", ""),
        workshop_ranks=spec.get("workshop_ranks", 0),
        workshop_allocation=spec.get("workshop_allocation", Event.WorkshopAllocation.DIRECT),
    )
    ProgrammeItem.objects.bulk_create(
        ProgrammeItem(
            event=event,
            starts_at=clock(item["starts"]),
            ends_at=clock(item["ends"]),
            title=item["title"],
            speaker=item["speaker"],
            order=order,
        )
        for order, item in enumerate(spec["programme"])
    )
    rounds = []
    for row in spec["rounds"]:
        round_ = Round.objects.create(
            event=event,
            number=row["number"],
            title=row["title"],
            starts_at=clock(row["starts"]),
            ends_at=clock(row["ends"]),
            optional=row.get("optional", False),
        )
        round_.demo_sessions = [
            Session.objects.create(round=round_, **session) for session in row["sessions"]
        ]
        rounds.append(round_)
    Question.objects.bulk_create(
        Question(
            event=event,
            label=row["label"],
            kind=row["kind"],
            help_text=row.get("help_text", ""),
            options="\n".join(row.get("options", [])),
            required=row.get("required", False),
            sensitive=row.get("sensitive", False),
            purpose=row.get("purpose", ""),
            order=order,
        )
        for order, row in enumerate(spec.get("questions", []))
    )
    return event, rounds


DIETS = ["", "", "", "", "vegetarisch", "veganistisch", "glutenvrij", "geen noten (allergie)"]


def _answers(*, registration: Registration, questions: list[Question], rng: random.Random) -> list[Answer]:
    """A registrant's answers to the event's own questions (optional ones left empty now and then)."""
    answers = []
    for question in questions:
        if question.kind == Question.Kind.YES_NO:
            value = "yes" if rng.random() < 0.8 else "no"
        elif question.has_options:
            value = rng.choice(question.option_list())
        else:
            value = rng.choice(DIETS)
        if value:
            answers.append(Answer(registration=registration, question=question, value=value))
    return answers


def _register_people(*, event, rounds, people, count, rng, member) -> int:
    """Registrations from people of as many different municipalities as possible."""
    if not people or (count == 0 and member is None):
        return 0
    by_org: dict[int, list[Person]] = {}
    for person in people:
        by_org.setdefault(person.organisation_id, []).append(person)
    org_ids = list(by_org)
    rng.shuffle(org_ids)
    chosen: list[Person] = []
    depth = 0
    while len(chosen) < count and depth < 10:
        for org_id in org_ids:
            if depth < len(by_org[org_id]) and len(chosen) < count:
                chosen.append(by_org[org_id][depth])
        depth += 1
    if member is not None:
        chosen.append(member)
    now = timezone.now()
    remarks = load_json("events.json")["remarks"]
    per_org: dict[int | None, int] = {}
    session_used: dict[int, int] = {}
    confirmed = 0
    created = 0
    # Ranked choices draw from their own generator, so the other events' draws stay the same.
    ranks_rng = random.Random(f"{SEED}:{event.slug}")
    answers_rng = random.Random(f"{SEED}:{event.slug}:answers")
    questions = list(event.questions.all())
    for index, person in enumerate(chosen):
        picks = [rng.choice(round_.demo_sessions) for round_ in rounds]
        ranking = _ranking(event=event, rounds=rounds, rng=ranks_rng) if event.workshop_ranks else None
        if ranking is not None:
            # The event place never waits on a workshop; direct mode gives the best-ranked
            # workshop with room, after closing nobody has one until the allocation is applied.
            picks = []
            if event.workshop_allocation == Event.WorkshopAllocation.DIRECT:
                for ranked in ranking:
                    free = [s for s in ranked if s.capacity is None or session_used.get(s.pk, 0) < s.capacity]
                    picks += free[:1]
        fits = (
            (event.capacity is None or confirmed < event.capacity)
            and (
                event.places_per_municipality is None
                or per_org.get(person.organisation_id, 0) < event.places_per_municipality
            )
            and all(s.capacity is None or session_used.get(s.pk, 0) < s.capacity for s in picks)
        )
        status = Registration.Status.CONFIRMED if fits else Registration.Status.WAITLISTED
        registration = Registration.objects.create(
            event=event,
            person=person,
            organisation=person.organisation,
            status=status,
            confirmed_at=now if fits else None,
            remarks=rng.choice(remarks),
            attended=fits and event.ends_at < now,
        )
        Registration.objects.filter(pk=registration.pk).update(
            created_at=now - datetime.timedelta(hours=len(chosen) - index)
        )
        SessionChoice.objects.bulk_create(
            SessionChoice(registration=registration, session=s, round_id=s.round_id) for s in picks
        )
        Answer.objects.bulk_create(_answers(registration=registration, questions=questions, rng=answers_rng))
        if ranking is not None:
            WorkshopChoice.objects.bulk_create(
                WorkshopChoice(registration=registration, session=s, round_id=s.round_id, rank=rank)
                for ranked in ranking
                for rank, s in enumerate(ranked, start=1)
            )
        if fits:
            confirmed += 1
            per_org[person.organisation_id] = per_org.get(person.organisation_id, 0) + 1
            for s in picks:
                session_used[s.pk] = session_used.get(s.pk, 0) + 1
        created += 1
    return created


def _ranking(*, event: Event, rounds: list[Round], rng: random.Random) -> list[list[Session]]:
    """A registrant's ranked workshops per round (an optional round is skipped now and then)."""
    ranking = []
    for round_ in rounds:
        if round_.optional and rng.random() < 0.3:
            continue
        # A weighted draw without replacement (Efraimidis–Spirakis): the first workshops of a
        # round are the popular ones, so the allocation has something to decide.
        weights = {s.pk: len(round_.demo_sessions) - i for i, s in enumerate(round_.demo_sessions)}
        order = sorted(round_.demo_sessions, key=lambda s: rng.random() ** (1 / weights[s.pk]), reverse=True)
        ranking.append(order[: event.workshop_ranks])
    return ranking


def _load_current(today: datetime.date) -> tuple[int, int]:
    rng = random.Random(SEED)
    organisations = {o.name: o for o in Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY)}
    people = list(
        Person.objects.select_related("organisation")
        .filter(organisation__kind=Organisation.Kind.MUNICIPALITY, organisation__member_until__isnull=True)
        .exclude(email=MEMBER_EMAIL)
        .order_by("pk")
    )
    member = Person.objects.filter(email=MEMBER_EMAIL).first()
    created_events = created_registrations = 0
    for spec in current_events(today):
        if Event.objects.filter(slug=spec["slug"]).exists():
            continue
        event, rounds = _create_current(spec, organisations)
        created_events += 1
        created_registrations += _register_people(
            event=event,
            rounds=rounds,
            people=people,
            count=spec["registrations"],
            rng=rng,
            member=member if spec.get("demo_member") else None,
        )
    return created_events, created_registrations


# --- The workplan years: last year's and this year's held events ------------------------------


def history_specs(*, year: int, today: datetime.date) -> list[dict]:
    """The events `year` may get: last year's follow events-2025.csv (moved to that year) first;
    the extra events fill what room the workplan's activities have left. Each names the activity
    (by key, see workplan.json) it realises; its slug is stable, so the reports demo finds it."""
    data = load_json("events.json")["history"]
    specs = []
    if year < today.year:
        with EVENTS_CSV.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                kind = data["from_csv"].get(row["kind"])
                if kind is None or not row["organiser"].startswith("VZHG"):
                    continue
                online = row["online"] == "true"
                starts = clock(row["start"]) if row["start"] else datetime.time(16 if online else 14)
                ends = (
                    clock(row["end"])
                    if row["end"]
                    else datetime.time(starts.hour + (1 if online else 3), starts.minute)
                )
                specs.append(
                    {
                        "day": weekday(datetime.date.fromisoformat(row["date"]).replace(year=year)),
                        "starts": starts,
                        "ends": ends,
                        "activity": kind["activity"],
                        "kind": kind["kind"],
                        "title": row["title"],
                        "summary": kind["summary"],
                        "host": None,
                        "online": online,
                        "registrations": kind["registrations"],
                    }
                )
    for row in data["extra"]:
        specs.append(
            {
                **row,
                "day": weekday(datetime.date(year, row["month"], row["day"])),
                "starts": datetime.time(14),
                "ends": datetime.time(17),
                "online": False,
            }
        )
    for spec in specs:
        spec["slug"] = history_slug(spec["title"], year)
    return specs


def history_slug(title: str, year: int) -> str:
    text = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in title.lower())
    while "--" in text:
        text = text.replace("--", "-")
    return f"{text.strip('-')[:180]}-{year}"


def _room(*, year: int, specs: list[dict]) -> dict[str, int]:
    """How many more events each activity of the year's workplan can count: its planned number
    less the year's other published events of a kind that realises it."""
    plan = load_json("workplan.json")
    room = {activity["key"]: activity["planned"] or 0 for activity in plan["activities"]}
    ours = {spec["slug"] for spec in specs}
    existing = (
        Event.objects.filter(
            starts_at__date__gte=datetime.date(year, 1, 1),
            starts_at__date__lte=datetime.date(year, 12, 31),
            status=Event.Status.PUBLISHED,
        )
        .exclude(slug__in=ours)
        .order_by("starts_at")
    )
    for kind in existing.values_list("kind", flat=True):
        key = plan["event_kinds"].get(kind)
        if key and room[key] > 0:
            room[key] -= 1
    return room


def _register_history(*, event, count, people, rng, now, skip_organisations) -> int:
    """Registrations by demo people from as many municipalities as possible, most attended."""
    pool = [person for person in people if person.organisation_id not in skip_organisations]
    chosen = rng.sample(pool, min(count, len(pool)))
    held = event.ends_at <= now
    rows = []
    for person in chosen:
        roll = rng.random()
        cancelled = roll < 0.05
        attended = held and not cancelled and roll < 0.88
        rows.append(
            Registration(
                event=event,
                person=person,
                organisation_id=person.organisation_id,
                status=Registration.Status.CANCELLED if cancelled else Registration.Status.CONFIRMED,
                confirmed_at=event.starts_at - datetime.timedelta(days=rng.randint(3, 30)),
                cancelled_at=event.starts_at - datetime.timedelta(days=1) if cancelled else None,
                attended=attended,
                attended_at=event.starts_at if attended else None,
            )
        )
    Registration.objects.bulk_create(rows)
    return len(rows)


def history_events_load(*, today: datetime.date, now: datetime.datetime) -> tuple[int, int]:
    """The held events of last year and this year, where their activity has room; a year whose
    workplan exists is left alone. Returns (events, registrations) created."""
    rng = random.Random(HISTORY_SEED)
    people = list(
        Person.objects.filter(
            organisation__kind=Organisation.Kind.MUNICIPALITY,
            organisation__member_since__isnull=False,
            organisation__member_until__isnull=True,
        )
        .exclude(email=MEMBER_EMAIL)
        .order_by("pk")
    )
    hosts = {o.name: o for o in Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY)}
    municipalities = sorted({person.organisation_id for person in people})
    events = registrations = 0
    for year in (today.year - 1, today.year):
        if Workplan.objects.filter(year=year).exists():
            continue
        # Some municipalities are not reached in a year: the engagement page lists them.
        not_reached = set(
            random.Random(HISTORY_SEED + year).sample(municipalities, min(7, max(len(municipalities) - 1, 0)))
        )
        specs = history_specs(year=year, today=today)
        room = _room(year=year, specs=specs)
        for spec in specs:
            if spec["day"] >= today or room.get(spec["activity"], 0) <= 0:
                continue
            if Event.objects.filter(slug=spec["slug"]).exists():
                continue
            host = hosts.get(spec["host"] or "")
            event = Event.objects.create(
                slug=spec["slug"],
                title=spec["title"],
                kind=spec["kind"],
                summary=spec["summary"],
                description=spec["summary"],
                status=Event.Status.PUBLISHED,
                starts_at=at(spec["day"], spec["starts"].hour, spec["starts"].minute),
                ends_at=at(spec["day"], spec["ends"].hour, spec["ends"].minute),
                host=host,
                venue_name="" if spec["online"] else (f"Stadhuis {host.name}" if host else "VNG-kantoor"),
                venue_address="" if spec["online"] or host else "Nassaulaan 12, 2514 JS Den Haag",
                online_url=HISTORY_ONLINE_URL if spec["online"] else "",
                audience=Event.Audience.MEMBERS,
                registration_closes_at=at(spec["day"] - datetime.timedelta(days=2), 17),
            )
            registrations += _register_history(
                event=event,
                count=spec["registrations"],
                people=people,
                rng=rng,
                now=now,
                skip_organisations=not_reached,
            )
            room[spec["activity"]] -= 1
            events += 1
    return events, registrations


def demo_load(*, stdout, today: datetime.date | None = None) -> None:
    """`today` is for trying the demo on another day of the year; it defaults to today."""
    now = timezone.now() if today is None else at(today, 12)
    today = today or timezone.localdate()
    with transaction.atomic():
        created_events, created_registrations = _load_current(today)
        history_events, history_registrations = history_events_load(today=today, now=now)
    stdout.write(
        f"Demo events: {Event.objects.count()} events and {Registration.objects.count()} registrations; "
        f"created now: {created_events + history_events} events, "
        f"{created_registrations + history_registrations} registrations"
    )
