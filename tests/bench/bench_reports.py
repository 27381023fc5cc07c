"""Annual report PDF benchmark: render time, peak memory, pages and queries of the jaarverslag for
a database holding one, three and ten years of data, reporting on the latest year.

Needs PostgreSQL: `make bench` runs it under scripts/test's services; run alone
(`.venv/bin/python tests/bench/bench_reports.py`) it starts them itself the same way.

Every year holds what issue 5 names as a full year: 50 member municipalities, 30 published
events with about 1,500 registrations (most attended, a few municipalities never reached),
12 held board meetings, four sent newsletters with their deliveries, board changes, and a
workplan of 15 activities linked to the events and meetings with both half-year progress
reports. The scripts/test database is migrated once and copied per size (CREATE DATABASE ...
TEMPLATE); the data is written by one subprocess and the rendering measured in a fresh one, so
the peak resident memory (getrusage ru_maxrss) belongs to the rendering alone (plus Django and
WeasyPrint themselves). The render is what the Celery task does: report_services.document_context
and vzhg.pdf.render_pdf of pdf/annual_report.html (PDF/UA). One cold render (fonts, imports),
then the median of the warm ones; the tracemalloc peak comes from one more render with tracing
on (it is slower; its time is not reported). Nothing here asserts a timing.
"""

import datetime
import io
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
PYTHON = ROOT / ".venv" / "bin" / "python"
SIZES = [1, 3, 10]
WARM_RUNS = 5
MUNICIPALITIES = 50
PEOPLE_PER_MUNICIPALITY = 10
EVENTS_PER_YEAR = 30
REGISTRATIONS_PER_EVENT = 50  # 1,500 a year
NOT_REACHED_PER_YEAR = 5
SUBSCRIBERS = 200
NEWSLETTERS_PER_YEAR = 4
ACTIVITIES_PER_YEAR = 15


def ensure_services() -> None:
    """Re-run this script under scripts/test's throwaway PostgreSQL when it is absent."""
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return
    print("bench: no PostgreSQL in the environment; starting it with scripts/test --run", flush=True)
    result = subprocess.run(
        [
            "bash",
            str(ROOT / "scripts" / "test"),
            "--run",
            str(PYTHON),
            str(Path(__file__).resolve()),
            *sys.argv[1:],
        ],
        cwd=ROOT,
    )
    raise SystemExit(result.returncode)


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vzhg.settings.test")
    import django

    django.setup()


# --- Data -------------------------------------------------------------------------------------


def generate(years: int) -> dict:
    """Write `years` full years ending last year; returns the row counts."""
    django_setup()
    from django.db import transaction
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
    from members.models import Organisation, Person, Region
    from newsletters.models import Delivery, Newsletter, Subscription

    rng = random.Random(1923)
    tz = timezone.get_default_timezone()
    last = timezone.localdate().year - 1
    first = last - years + 1

    def at(year, month, day, hour=14):
        return datetime.datetime(year, month, day, hour, tzinfo=tz)

    with transaction.atomic():
        region = Region.objects.create(name="Zuid-Holland")
        municipalities = Organisation.objects.bulk_create(
            Organisation(
                name=f"Gemeente {n:02d}",
                kind=Organisation.Kind.MUNICIPALITY,
                cbs_code=f"GM{n:04d}",
                region=region,
                member_since=datetime.date(first - 5, 1, 1),
                inhabitants=20_000 + 1_000 * n,
            )
            for n in range(1, MUNICIPALITIES + 1)
        )
        partner = Organisation.objects.create(name="Provincie Zuid-Holland", kind=Organisation.Kind.PROVINCE)
        people = Person.objects.bulk_create(
            Person(
                first_name=f"Voornaam{m.pk}x{n}",
                last_name=f"Achternaam{n:02d}",
                email=f"persoon{n}@gemeente{m.pk}.example.org",
                organisation=m,
                function=Person.Function.WETHOUDER if n == 0 else Person.Function.BELEIDSMEDEWERKER,
            )
            for m in municipalities
            for n in range(PEOPLE_PER_MUNICIPALITY)
        )
        guests = Person.objects.bulk_create(
            Person(
                first_name="Gast",
                last_name=f"Provincie{n}",
                email=f"gast{n}@pzh.example.org",
                organisation=partner,
            )
            for n in range(20)
        )
        themes = [
            Theme.objects.create(
                name=name, slug=f"thema-{n}", description=f"Omschrijving van {name.lower()}."
            )
            for n, name in enumerate(
                ["Brede welvaart", "Ruimtelijke puzzel", "Jeugd", "Asiel en migratie", "Netwerken"]
            )
        ]
        objectives = list(Objective.objects.all())
        bodies = {
            kind: Body.objects.create(name=name, slug=kind, kind=kind, order=order)
            for order, (kind, name) in enumerate(
                [
                    (Body.Kind.ALV, "Algemene Ledenvergadering"),
                    (Body.Kind.AB, "Algemeen bestuur"),
                    (Body.Kind.DB, "Dagelijks bestuur"),
                ]
            )
        }
        board = [
            people[n * PEOPLE_PER_MUNICIPALITY] for n in range(MUNICIPALITIES)
        ]  # one alderman per municipality
        start = datetime.date(first - 1, 1, 1)
        for role, person in zip(
            [
                Mandate.Role.VOORZITTER,
                Mandate.Role.VICE_VOORZITTER,
                Mandate.Role.PENNINGMEESTER,
                Mandate.Role.BESTUURLIJK_SECRETARIS,
            ],
            board[:4],
            strict=True,
        ):
            Mandate.objects.create(person=person, body=bodies[Body.Kind.DB], role=role, start=start)
            Mandate.objects.create(person=person, body=bodies[Body.Kind.AB], role=role, start=start)
        seats = [
            Mandate.objects.create(person=person, body=bodies[Body.Kind.AB], start=start)
            for person in board[4:12]
        ]
        subscriptions = Subscription.objects.bulk_create(
            Subscription(email=f"lezer{n}@example.org", status=Subscription.Status.CONFIRMED)
            for n in range(SUBSCRIBERS)
        )
        kinds = [Event.Kind.SOUNDING_BOARD, Event.Kind.NETWORK, Event.Kind.ACADEMY, Event.Kind.OTHER]
        next_member = 12
        for year in range(first, last + 1):
            # Board changes: two members leave on 30 June, two others join on 1 July.
            for seat in seats[:2]:
                seat.end = datetime.date(year, 6, 30)
                seat.save(update_fields=["end"])
            seats = seats[2:] + [
                Mandate.objects.create(
                    person=board[(next_member + n) % len(board)],
                    body=bodies[Body.Kind.AB],
                    start=datetime.date(year, 7, 1),
                )
                for n in range(2)
            ]
            next_member += 2

            meetings = []
            for month in range(1, 13):
                kind = Body.Kind.ALV if month == 5 else (Body.Kind.DB if month % 2 else Body.Kind.AB)
                meetings.append(
                    Meeting(
                        body=bodies[kind],
                        title=f"Vergadering {month}-{year}",
                        starts_at=at(year, month, 12, 10),
                        status=Meeting.Status.HELD,
                    )
                )
            meetings = Meeting.objects.bulk_create(meetings)

            events = Event.objects.bulk_create(
                Event(
                    title=f"Bijeenkomst {n + 1} van {year}",
                    slug=f"bijeenkomst-{year}-{n + 1}",
                    kind=Event.Kind.AUTUMN_CONGRESS if n == 25 else kinds[n % len(kinds)],
                    summary="Een bijeenkomst voor bestuurders en ambtenaren van de Zuid-Hollandse gemeenten.",
                    status=Event.Status.PUBLISHED,
                    starts_at=at(year, 1 + n * 11 // EVENTS_PER_YEAR, 2 + n % 20),
                    ends_at=at(year, 1 + n * 11 // EVENTS_PER_YEAR, 2 + n % 20, 17),
                    host=municipalities[n % MUNICIPALITIES],
                    venue_name="Stadhuis",
                    audience=Event.Audience.MEMBERS,
                )
                for n in range(EVENTS_PER_YEAR)
            )
            unreached = set(rng.sample([m.pk for m in municipalities], NOT_REACHED_PER_YEAR))
            pool = [person for person in people if person.organisation_id not in unreached]
            registrations = []
            for event in events:
                for person in rng.sample(pool, REGISTRATIONS_PER_EVENT - 2) + rng.sample(guests, 2):
                    cancelled = rng.random() < 0.04
                    registrations.append(
                        Registration(
                            event=event,
                            person=person,
                            organisation_id=person.organisation_id,
                            status=Registration.Status.CANCELLED
                            if cancelled
                            else Registration.Status.CONFIRMED,
                            confirmed_at=event.starts_at - datetime.timedelta(days=10),
                            attended=not cancelled and rng.random() < 0.85,
                        )
                    )
            Registration.objects.bulk_create(registrations, batch_size=2000)

            newsletters = Newsletter.objects.bulk_create(
                Newsletter(
                    title=f"Nieuwsbrief {n + 1} van {year}",
                    slug=f"nieuwsbrief-{year}-{n + 1}",
                    date=datetime.date(year, 3 * n + 2, 1),
                    status=Newsletter.Status.SENT,
                    sent_at=at(year, 3 * n + 2, 1, 9),
                )
                for n in range(NEWSLETTERS_PER_YEAR)
            )
            Delivery.objects.bulk_create(
                (
                    Delivery(
                        newsletter=newsletter,
                        subscription=subscription,
                        status=Delivery.Status.FAILED if rng.random() < 0.02 else Delivery.Status.SENT,
                        sent_at=newsletter.sent_at,
                    )
                    for newsletter in newsletters
                    for subscription in subscriptions
                ),
                batch_size=2000,
            )

            plan = Workplan.objects.create(
                year=year,
                status=Workplan.Status.ADOPTED,
                adopted_by=bodies[Body.Kind.AB],
                adopted_on=datetime.date(year, 2, 12),
                adopted_at=meetings[1],
            )
            WorkplanSection.objects.bulk_create(
                WorkplanSection(
                    workplan=plan,
                    order=n,
                    title=title,
                    body=f"**{title}** van het werkplan {year}.\n\n- een\n- twee",
                )
                for n, title in enumerate(["Inleiding", "Organisatie", "Doelstellingen"])
            )
            activities = PlannedActivity.objects.bulk_create(
                PlannedActivity(
                    workplan=plan,
                    order=n,
                    kind=PlannedActivity.Kind.BOARD if n < 3 else PlannedActivity.Kind.THEME,
                    title=f"Activiteit {n + 1}",
                    planned_count=[6, 5, 1][n] if n < 3 else 2,
                    period="verspreid over het jaar",
                    explanation="Toelichting met *nadruk* en een lijst:\n\n- kennisdeling\n- ontmoeting",
                    objectives_note="Kennis delen\nElkaar ontmoeten",
                    priority="ABCD"[n % 4],
                    role=PlannedActivity.Role.ORGANISING,
                )
                for n in range(ACTIVITIES_PER_YEAR)
            )
            for n, activity in enumerate(activities):
                activity.objectives.set(objectives[: 1 + n % len(objectives)])
                activity.themes.set([themes[n % len(themes)]])
                activity.responsible.set(board[n % 4 : n % 4 + 2])
            by_body = {Body.Kind.DB: activities[0], Body.Kind.AB: activities[1], Body.Kind.ALV: activities[2]}
            for meeting in meetings:
                by_body[meeting.body.kind].meetings.add(meeting)
            for n, event in enumerate(events):
                activities[3 + n % (ACTIVITIES_PER_YEAR - 3)].events.add(event)
            ProgressReport.objects.bulk_create(
                ProgressReport(
                    activity=activity,
                    half=half,
                    light=["green", "orange", "red"][(n + half) % 3],
                    text=(
                        f"Voortgang van activiteit {n + 1} in het {half}e halfjaar: "
                        "op koers, met een kanttekening."
                    ),
                )
                for n, activity in enumerate(activities)
                for half in (1, 2)
            )
            report = AnnualReport.objects.create(
                year=year, status=AnnualReport.Status.PUBLISHED, published_at=at(year + 1, 6, 1)
            )
            AnnualReportSection.objects.bulk_create(
                AnnualReportSection(
                    report=report, order=n, title=title, body=f"{title} over {year}.\n\nDank aan alle leden."
                )
                for n, title in enumerate(["Voorwoord", "Financiën in het kort"])
            )
    return {
        "years": years,
        "last": last,
        "events": Event.objects.count(),
        "registrations": Registration.objects.count(),
        "meetings": Meeting.objects.count(),
        "activities": PlannedActivity.objects.count(),
        "deliveries": Delivery.objects.count(),
    }


# --- Rendering --------------------------------------------------------------------------------


def render(year: int) -> dict:
    django_setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from pypdf import PdfReader

    from governance.models import ReportVersion
    from governance.reports import services as report_services
    from vzhg.pdf import render_pdf

    kind = ReportVersion.Kind.ANNUAL_REPORT
    version = ReportVersion(kind=kind, year=year, version=1, requested_at=timezone.now())

    def once() -> bytes:
        context = {**report_services.document_context(kind=kind, year=year), "pdf": True, "version": version}
        return render_pdf(template_name=report_services.PDF_TEMPLATES[kind], context=context, language="nl")

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    timings = []
    for _run in range(1 + WARM_RUNS):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            pdf = once()
            timings.append(time.perf_counter() - started)
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    once()
    _current, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    reader = PdfReader(io.BytesIO(pdf))
    return {
        "cold_s": timings[0],
        "warm_s": statistics.median(timings[1:]),
        "queries": len(queries),
        "pages": len(reader.pages),
        "pdf_kb": len(pdf) / 1024,
        "rss_before_mb": rss_before / 1024,
        "peak_rss_mb": rss_after / 1024,
        "traced_peak_mb": traced_peak / 1024 / 1024,
    }


# --- Driver -----------------------------------------------------------------------------------


def run_json(args: list[str], env: dict) -> dict:
    result = subprocess.run(
        [str(PYTHON), str(Path(__file__).resolve()), *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"bench: {' '.join(args)} failed")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    ensure_services()
    import psycopg

    base_url = os.environ["DATABASE_URL"]
    template = urlsplit(base_url).path.lstrip("/")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "vzhg.settings.test", "PYTHONUNBUFFERED": "1"}
    print("Preparing: migrating the template database ...", flush=True)
    subprocess.run(
        [str(PYTHON), "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )

    admin = psycopg.connect(with_database(base_url, "postgres"), autocommit=True)
    names = {size: f"bench_reports_{size}" for size in SIZES}
    rows = []
    try:
        for size in SIZES:
            admin.execute(f'DROP DATABASE IF EXISTS "{names[size]}"')
            admin.execute(f'CREATE DATABASE "{names[size]}" TEMPLATE "{template}"')
            size_env = {**env, "DATABASE_URL": with_database(base_url, names[size])}
            started = time.perf_counter()
            data = run_json(["--generate", str(size)], size_env)
            print(
                f"  {size:>2} year(s): {data['events']} events, {data['registrations']} registrations, "
                f"{data['meetings']} meetings, {data['deliveries']} deliveries written in "
                f"{time.perf_counter() - started:.0f} s; rendering ...",
                flush=True,
            )
            rows.append({**data, **run_json(["--render", str(data["last"])], size_env)})
    finally:
        for name in names.values():
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()

    print(
        "\nAnnual report PDF (document_context + render_pdf of pdf/annual_report.html, PDF/UA) "
        "for the latest year,\n"
        f"PostgreSQL, one fresh subprocess per size; warm = median of {WARM_RUNS} renders "
        "after the cold one"
    )
    header = (
        f"{'years':>5} {'events':>6} {'regs':>6} {'pages':>5} {'queries':>7} {'cold s':>7} {'warm s':>7} "
        f"{'RSS base MB':>11} {'peak RSS MB':>11} {'traced MB':>9} {'PDF kB':>7}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row['years']:>5} {row['events']:>6} {row['registrations']:>6} {row['pages']:>5} "
            f"{row['queries']:>7} {row['cold_s']:>7.2f} {row['warm_s']:>7.2f} "
            f"{row['rss_before_mb']:>11.0f} {row['peak_rss_mb']:>11.0f} "
            f"{row['traced_peak_mb']:>9.1f} {row['pdf_kb']:>7.0f}"
        )
    first, last = rows[0], rows[-1]
    print(
        f"\nGrowth from {first['years']} to {last['years']} years of data "
        f"(x{last['registrations'] / first['registrations']:.0f} rows): "
        f"warm render x{last['warm_s'] / first['warm_s']:.2f}, "
        f"peak RSS x{last['peak_rss_mb'] / first['peak_rss_mb']:.2f}, "
        f"traced peak x{last['traced_peak_mb'] / first['traced_peak_mb']:.2f}, "
        f"queries {first['queries']} -> {last['queries']}, "
        f"pages {first['pages']} -> {last['pages']}"
    )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--generate":
        print(json.dumps(generate(int(sys.argv[2]))))
    elif len(sys.argv) == 3 and sys.argv[1] == "--render":
        print(json.dumps(render(int(sys.argv[2]))))
    else:
        main()
