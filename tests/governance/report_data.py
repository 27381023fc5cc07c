"""A year of the association for the workplan and annual report tests, built with bulk_create so
a full year (50 municipalities, 30 events, 1,500 registrations, 12 meetings) is quick to make."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from events.models import Event, Registration
from governance.models import (
    AnnualReport,
    AnnualReportSection,
    Body,
    Mandate,
    Meeting,
    Objective,
    PlannedActivity,
    ProgressReport,
    Theme,
    Workplan,
    WorkplanSection,
)
from members.models import Organisation, Person
from newsletters.models import Newsletter

THEMES = ["Brede welvaart", "Jeugd(zorg)", "Asiel & migratie", "Ruimtelijke puzzel"]


def last_year() -> int:
    return timezone.localdate().year - 1


@dataclass
class Year:
    year: int
    workplan: Workplan
    report: AnnualReport
    municipalities: list[Organisation]
    events: list[Event]
    activities: list[PlannedActivity]
    board_member: Person


def _at(year: int, month: int, day: int, hour: int = 14) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=timezone.get_default_timezone())


def build_year(
    *,
    year: int | None = None,
    activities: int = 5,
    events: int = 5,
    municipalities: int = 10,
    registrations_per_event: int = 4,
    meetings: int = 4,
    newsletters: int = 2,
    workplan_status: str = Workplan.Status.ADOPTED,
    report_status: str = AnnualReport.Status.PUBLISHED,
    prefix: str = "",
) -> Year:
    year = year or last_year()
    ab, _ = Body.objects.get_or_create(
        slug="ab",
        defaults={"name": "Algemeen bestuur", "kind": Body.Kind.AB, "order": 1, "public_meetings": True},
    )
    db, _ = Body.objects.get_or_create(
        slug="db", defaults={"name": "Dagelijks bestuur", "kind": Body.Kind.DB, "order": 2}
    )

    towns = Organisation.objects.bulk_create(
        Organisation(
            name=f"{prefix}Gemeente {n:02d}",
            kind=Organisation.Kind.MUNICIPALITY,
            member_since=datetime.date(1990, 1, 1),
        )
        for n in range(1, municipalities + 1)
    )
    people = Person.objects.bulk_create(
        Person(
            first_name=f"Persoon{n:03d}",
            last_name=f"{prefix}Achternaam{n:03d}",
            email=f"{prefix.lower()}p{n:04d}@example.org",
            organisation=towns[n % len(towns)],
        )
        for n in range(max(registrations_per_event, 3) + 2)
    )
    chair, treasurer, member = people[0], people[1], people[2]
    themes = [
        Theme.objects.get_or_create(slug=f"{prefix.lower()}t{n}", defaults={"name": f"{prefix}{name}"})[0]
        for n, name in enumerate(THEMES)
    ]
    mandates = [
        Mandate.objects.create(
            person=chair, body=db, role=Mandate.Role.VOORZITTER, start=datetime.date(year - 2, 1, 1)
        ),
        Mandate.objects.create(
            person=chair, body=ab, role=Mandate.Role.VOORZITTER, start=datetime.date(year - 2, 1, 1)
        ),
        Mandate.objects.create(
            person=treasurer, body=db, role=Mandate.Role.PENNINGMEESTER, start=datetime.date(year, 3, 1)
        ),
        Mandate.objects.create(
            person=member,
            body=ab,
            role=Mandate.Role.LID,
            start=datetime.date(year - 1, 1, 1),
            end=datetime.date(year, 6, 30),
        ),
    ]
    mandates[0].portfolios.add(themes[0], themes[1])
    mandates[2].portfolios.add(themes[2])

    plan = Workplan.objects.create(
        year=year,
        status=workplan_status,
        adopted_by=ab if workplan_status == Workplan.Status.ADOPTED else None,
        adopted_on=datetime.date(year - 1, 12, 10) if workplan_status == Workplan.Status.ADOPTED else None,
    )
    WorkplanSection.objects.bulk_create(
        [
            WorkplanSection(
                workplan=plan,
                order=1,
                title="Inleiding en achtergrond",
                body=(
                    "De VZHG is de schakel tussen de gemeenten. "
                    'Het advies "Elke regio telt" staat centraal.\n\n- kennisdeling\n- ontmoeting'
                ),
            ),
            WorkplanSection(
                workplan=plan,
                order=2,
                title="Betrokkenheid van de leden",
                body=(
                    "We willen de betrokkenheid van de leden vergroten.\n\n## Speerpunten\n\n"
                    "Ontmoeting en kennisdeling."
                ),
            ),
        ]
    )
    objectives = list(Objective.objects.all())
    planned = []
    for n in range(activities):
        activity = PlannedActivity.objects.create(
            workplan=plan,
            order=n,
            code=f"A{n + 1}",
            kind=PlannedActivity.Kind.THEME,
            title=f"{prefix}Themabijeenkomst nummer {n + 1}",
            planned_count=2 if n % 2 == 0 else None,
            count_note="" if n % 2 == 0 else "doorlopend",
            period="verspreid over het jaar",
            attachment="format voor de gastgemeente" if n == 0 else "",
            explanation="Een bijeenkomst voor **bestuurders** en ambtenaren.\n\n- sprekers\n- werkbezoek",
            objectives_note="Kennis delen\nElkaar ontmoeten",
            priority="A" if n == 0 else "B",
            role=PlannedActivity.Role.ORGANISING,
        )
        activity.objectives.set(objectives[:2])
        activity.themes.set(themes[n % len(themes) : n % len(themes) + 1])
        activity.responsible.set([chair])
        planned.append(activity)

    held = Event.objects.bulk_create(
        Event(
            title=f"{prefix}Bijeenkomst {n:02d}",
            slug=f"{prefix.lower()}bijeenkomst-{year}-{n:02d}",
            status=Event.Status.PUBLISHED,
            starts_at=_at(year, 1 + n % 12, 1 + n % 27),
            ends_at=_at(year, 1 + n % 12, 1 + n % 27, 17),
            host=towns[n % len(towns)],
        )
        for n in range(events)
    )
    for n, event in enumerate(held):
        planned[n % len(planned)].events.add(event)
    # Registrations: the first municipalities are reached, the last ones never.
    registrations = []
    reached = max(len(towns) - 3, 1)
    for n, event in enumerate(held):
        for k in range(registrations_per_event):
            person = people[k]
            registrations.append(
                Registration(
                    event=event,
                    person=person,
                    organisation=towns[(n + k) % reached],
                    status=Registration.Status.CONFIRMED,
                    attended=k % 4 != 3,
                )
            )
    Registration.objects.bulk_create(registrations)

    body_meetings = Meeting.objects.bulk_create(
        Meeting(
            body=ab if n % 2 else db,
            title=f"{'AB' if n % 2 else 'DB'} vergadering {n + 1}",
            starts_at=_at(year, 1 + n % 12, 15, 10),
            status=Meeting.Status.HELD,
        )
        for n in range(meetings)
    )
    if planned:
        planned[0].meetings.add(*body_meetings[:2])
    Newsletter.objects.bulk_create(
        Newsletter(
            title=f"{prefix}Nieuwsbrief {n + 1}",
            slug=f"{prefix.lower()}nieuwsbrief-{year}-{n}",
            date=datetime.date(year, 2 + n, 1),
            status=Newsletter.Status.SENT,
            sent_at=_at(year, 2 + n, 1),
        )
        for n in range(newsletters)
    )
    ProgressReport.objects.bulk_create(
        ProgressReport(
            activity=activity, half=half, light=light, text=f"Voortgang {activity.code}, halfjaar {half}."
        )
        for n, activity in enumerate(planned)
        for half, light in ((1, ("red", "orange", "green")[n % 3]), (2, "green"))
    )
    report = AnnualReport.objects.create(
        year=year,
        status=report_status,
        published_at=timezone.now() if report_status == AnnualReport.Status.PUBLISHED else None,
    )
    AnnualReportSection.objects.bulk_create(
        [
            AnnualReportSection(
                report=report,
                order=1,
                title="Voorwoord van de voorzitter",
                body='Een bewogen jaar. We zeggen: "samen sterker".',
            ),
            AnnualReportSection(
                report=report,
                order=2,
                title="Terugblik op het jaar",
                body="De vereniging groeide in betekenis.",
            ),
        ]
    )
    return Year(
        year=year,
        workplan=plan,
        report=report,
        municipalities=towns,
        events=held,
        activities=planned,
        board_member=chair,
    )
