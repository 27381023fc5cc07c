"""Demo events around today's date, with registrations by fictional demo people.

Idempotent: events are found by slug; an event that exists already is left alone (with its
registrations), so a second run creates nothing. Registrations are written in bulk here (no
mails: nobody should get 100 confirmations at every `make run`), with the statuses the
registration service would have given them (the network meeting is full with a waiting list).
Speakers and people are fictional.
"""

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from members.models import Organisation, Person

from .models import Event, ProgrammeItem, Registration, Round, Session, SessionChoice

SEED = 2025
MEMBER_EMAIL = "lid@delft.nl"


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _weekday(day):
    """The day itself, or the Monday after it when it falls in a weekend (meetings are on weekdays)."""
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


def _events(today):
    congress_day = _weekday(today + timedelta(days=24))
    alv_day = _weekday(today + timedelta(days=130))
    return [
        {
            "slug": "najaarscongres-een-weerbaar-zuid-holland",
            "title": "Najaarscongres: Een weerbaar Zuid-Holland",
            "kind": Event.Kind.AUTUMN_CONGRESS,
            "summary": "Het jaarlijkse congres met de provincie en de Zuid-Holland Academie: twee keynotes "
            "over weerbaarheid, daarna twee rondes workshops.",
            "description": "Hoe blijven onze gemeenschappen overeind als het erop aankomt? Dit jaar staat het "
            "najaarscongres in het teken van een weerbaar Zuid-Holland. Twee sprekers uit de wereld van "
            "veiligheid en defensie openen de ochtend. Daarna kies je in elke ronde één workshop, van "
            "lokale netwerken in de crisisbeheersing tot digitale weerbaarheid van het gemeentehuis.\n\n"
            "Het congres is bedoeld voor bestuurders, griffiers, secretarissen en ambtenaren van de "
            "Zuid-Hollandse gemeenten.",
            "venue_name": "Provinciehuis Zuid-Holland",
            "venue_address": "Zuid-Hollandplein 1, 2596 AW Den Haag",
            "host": None,
            "starts_at": _at(congress_day, 9, 30),
            "ends_at": _at(congress_day, 12, 30),
            "capacity": 180,
            "audience": Event.Audience.OPEN,
            "registration_opens_at": _at(today - timedelta(days=20), 9),
            "registration_closes_at": _at(congress_day - timedelta(days=3), 17),
            "themes": "veiligheid, weerbaarheid",
            "programme": [
                (time(9, 0), time(9, 30), "Inloop met koffie", ""),
                (time(9, 30), time(9, 40), "Opening door de voorzitter", "Voorzitter VZHG"),
                (
                    time(9, 40),
                    time(10, 10),
                    "Keynote: weerbaarheid begint lokaal",
                    "Marijke Oudendijk, oud-coördinator crisisbeheersing",
                ),
                (time(10, 10), time(10, 40), "Keynote: samen paraat", "Generaal-majoor b.d. Ruud van Lier"),
                (time(10, 50), time(11, 35), "Workshopronde 1", ""),
                (time(11, 45), time(12, 20), "Workshopronde 2", ""),
                (time(12, 20), time(12, 30), "Afsluiting en lunch", ""),
            ],
            "rounds": [
                (
                    1,
                    "Ronde 1",
                    time(10, 50),
                    time(11, 35),
                    [
                        (
                            "Het lokale netwerk als vangnet",
                            "Hoe zet je bestaande netwerken in als het spannend wordt?",
                            "Anton Verbeek, burgemeester",
                            "Zaal Statenzaal",
                            45,
                            4,
                        ),
                        (
                            "Programma Weerbaar Bestuur in de praktijk",
                            "Het ministerie licht het programma toe aan de hand van casussen.",
                            "Ministerie van BZK",
                            "Zaal 2.14",
                            30,
                            None,
                        ),
                        (
                            "Digitale weerbaarheid van het gemeentehuis",
                            "Van phishing tot uitval: wat doe je morgen anders?",
                            "Sanne de Wit, informatiebeveiliger",
                            "Zaal 2.20",
                            30,
                            None,
                        ),
                        (
                            "Ondermijning en de raad",
                            "De rol van de gemeenteraad bij het weerbaar maken van het bestuur.",
                            "Griffiersnetwerk Zuid-Holland",
                            "Zaal 3.05",
                            25,
                            None,
                        ),
                    ],
                ),
                (
                    2,
                    "Ronde 2",
                    time(11, 45),
                    time(12, 20),
                    [
                        (
                            "Crisiscommunicatie met inwoners",
                            "Oefenen met een scenario: wat zeg je in het eerste uur?",
                            "Veiligheidsregio Haaglanden",
                            "Zaal Statenzaal",
                            45,
                            None,
                        ),
                        (
                            "Vitale infrastructuur en ruimte",
                            "Energie, water en wegen: weerbaarheid in de ruimtelijke puzzel.",
                            "Provincie Zuid-Holland",
                            "Zaal 2.14",
                            30,
                            None,
                        ),
                        (
                            "Weerbare ambtenaren",
                            "Omgaan met intimidatie en agressie tegen medewerkers.",
                            "Zuid-Holland Academie",
                            "Zaal 2.20",
                            30,
                            None,
                        ),
                        (
                            "Samenwerken met defensie in de regio",
                            "Wat vraagt de krijgsmacht van gemeenten, en wat kunnen gemeenten vragen?",
                            "Els Brouwer, regionaal militair commandant",
                            "Zaal 3.05",
                            25,
                            None,
                        ),
                    ],
                ),
            ],
            "registrations": 70,
        },
        {
            "slug": "alv-en-voorjaarscongres",
            "title": "ALV en voorjaarscongres",
            "kind": Event.Kind.ALV_CONGRESS,
            "summary": "De jaarlijkse Algemene Ledenvergadering met aansluitend het voorjaarscongres bij de gastgemeente.",
            "description": "In de ochtend de Algemene Ledenvergadering: jaarverslag, jaarrekening en de "
            "begroting. Na de lunch verzorgt de gastgemeente een middagprogramma met werkbezoeken in de "
            "binnenstad, en we sluiten af met een borrel.",
            "venue_name": "Goudse Schouwburg",
            "venue_address": "Boelekade 67, 2806 AJ Gouda",
            "host": "Gouda",
            "starts_at": _at(alv_day, 10, 0),
            "ends_at": _at(alv_day, 17, 0),
            "capacity": 150,
            "places_per_municipality": 5,
            "audience": Event.Audience.MEMBERS,
            "registration_opens_at": _at(alv_day - timedelta(days=60), 9),
            "registration_closes_at": _at(alv_day - timedelta(days=7), 17),
            "themes": "vereniging",
            "programme": [
                (time(10, 0), time(12, 0), "Algemene Ledenvergadering", ""),
                (time(12, 0), time(13, 0), "Lunch", ""),
                (
                    time(13, 0),
                    time(16, 0),
                    "Voorjaarscongres en werkbezoeken van de gastgemeente",
                    "Gemeente Gouda",
                ),
                (time(16, 0), time(17, 0), "Borrel", ""),
            ],
            "rounds": [],
            "registrations": 0,
        },
        {
            "slug": "klankbordbijeenkomst-tcam",
            "title": "Digitale klankbordbijeenkomst TCAM",
            "kind": Event.Kind.SOUNDING_BOARD,
            "summary": "De vicevoorzitter praat je bij over de VNG-commissie Toegang, Communicatie, Asiel en Migratie.",
            "description": "Een update over de belangrijkste onderwerpen uit de commissie, met volop ruimte "
            "voor vragen en input uit de Zuid-Hollandse gemeenten. De bijeenkomst vindt plaats in "
            "Microsoft Teams; de link staat in je bevestiging.",
            "online_url": "https://teams.microsoft.com/l/meetup-join/vzhg-demo-klankbord-tcam",
            "starts_at": _at(_weekday(today + timedelta(days=6)), 17, 0),
            "ends_at": _at(_weekday(today + timedelta(days=6)), 18, 0),
            "audience": Event.Audience.MEMBERS,
            "registration_closes_at": _at(_weekday(today + timedelta(days=6)), 12, 0),
            "themes": "asiel en migratie",
            "programme": [
                (time(17, 0), time(18, 0), "Update uit de commissie en gesprek", "Vicevoorzitter VZHG")
            ],
            "rounds": [],
            "registrations": 18,
            "demo_member": True,
        },
        {
            "slug": "klankbordbijeenkomst-bestuur-en-veiligheid",
            "title": "Digitale klankbordbijeenkomst Bestuur & Veiligheid",
            "kind": Event.Kind.SOUNDING_BOARD,
            "summary": "In gesprek met de Zuid-Hollandse leden van de VNG-commissie Bestuur & Veiligheid.",
            "description": "Wat speelt er in de commissie en wat wil je meegeven? Een uur online, in Teams.",
            "online_url": "https://teams.microsoft.com/l/meetup-join/vzhg-demo-klankbord-bv",
            "starts_at": _at(_weekday(today + timedelta(days=40)), 16, 30),
            "ends_at": _at(_weekday(today + timedelta(days=40)), 17, 30),
            "audience": Event.Audience.MEMBERS,
            "themes": "veiligheid",
            "programme": [],
            "rounds": [],
            "registrations": 9,
        },
        {
            "slug": "netwerkbijeenkomst-ruimtelijke-puzzel",
            "title": "Netwerkbijeenkomst ruimtelijke puzzel",
            "kind": Event.Kind.NETWORK,
            "summary": "Strategen uit de regio's bespreken drie centrale vragen over de ruimtelijke puzzel in Zuid-Holland.",
            "description": "Een kleine bijeenkomst voor vertegenwoordigers van de regio's: wonen, werken, "
            "energie en groen moeten allemaal een plek krijgen. Per gemeente is er één plaats.",
            "venue_name": "VNG-kantoor",
            "venue_address": "Nassaulaan 12, 2514 JS Den Haag",
            "starts_at": _at(_weekday(today + timedelta(days=12)), 14, 0),
            "ends_at": _at(_weekday(today + timedelta(days=12)), 16, 30),
            "capacity": 12,
            "places_per_municipality": 1,
            "audience": Event.Audience.MEMBERS,
            "registration_closes_at": _at(_weekday(today + timedelta(days=12)) - timedelta(days=2), 17, 0),
            "themes": "ruimte, wonen",
            "programme": [
                (time(14, 0), time(14, 15), "Welkom", ""),
                (time(14, 15), time(16, 0), "Drie vragen, drie tafels", ""),
                (time(16, 0), time(16, 30), "Terugkoppeling en vervolg", ""),
            ],
            "rounds": [],
            "registrations": 15,  # 12 places: three on the waiting list
        },
        {
            "slug": "zuid-holland-academie-raadsleden-en-de-regio",
            "title": "Zuid-Holland Academie: raadsleden en de regio",
            "kind": Event.Kind.ACADEMY,
            "summary": "Een avondsessie over grip op regionale samenwerking voor raadsleden en griffiers.",
            "description": "Hoe houdt de raad zicht op gemeenschappelijke regelingen? Praktische handvatten en "
            "ervaringen van collega's.",
            "venue_name": "Stadhuis Leiden",
            "venue_address": "Stadhuisplein 1, 2311 EJ Leiden",
            "host": "Leiden",
            "starts_at": _at(_weekday(today + timedelta(days=55)), 19, 0),
            "ends_at": _at(_weekday(today + timedelta(days=55)), 21, 30),
            "capacity": 60,
            "audience": Event.Audience.OPEN,
            "registration_opens_at": _at(_weekday(today + timedelta(days=14)), 9, 0),
            "themes": "democratie, regionale samenwerking",
            "programme": [],
            "rounds": [],
            "registrations": 0,
        },
        {
            "slug": "klankbordbijeenkomst-europa-en-internationaal",
            "title": "Digitale klankbordbijeenkomst Europa & Internationaal",
            "kind": Event.Kind.SOUNDING_BOARD,
            "summary": "Gemeentebestuurders in gesprek met de Zuid-Hollandse leden van de VNG-commissie Europa & Internationaal.",
            "description": "Twee Europese onderwerpen kwamen uitgebreid aan bod: het Meerjarig Financieel Kader en "
            "de gevolgen van Europese regels voor gemeenten.",
            "online_url": "https://teams.microsoft.com/l/meetup-join/vzhg-demo-klankbord-ei",
            "starts_at": _at(_weekday(today - timedelta(days=25)), 16, 0),
            "ends_at": _at(_weekday(today - timedelta(days=25)), 17, 0),
            "audience": Event.Audience.MEMBERS,
            "themes": "europa",
            "programme": [],
            "rounds": [],
            "registrations": 14,
        },
        {
            "slug": "heisessie-bestuur",
            "title": "Heisessie van het bestuur",
            "kind": Event.Kind.RETREAT,
            "summary": "Het bestuur blikt terug en kiest de speerpunten voor het komende jaar.",
            "description": "De jaarlijkse heisessie van het algemeen bestuur.",
            "venue_name": "Landgoed De Horst",
            "venue_address": "Amersfoortseweg 1, Driebergen",
            "starts_at": _at(_weekday(today - timedelta(days=45)), 10, 0),
            "ends_at": _at(_weekday(today - timedelta(days=45)), 16, 0),
            "capacity": 20,
            "audience": Event.Audience.MEMBERS,
            "themes": "vereniging",
            "programme": [],
            "rounds": [],
            "registrations": 0,
        },
    ]


def demo_load(*, stdout) -> None:
    today = timezone.localdate()
    rng = random.Random(SEED)
    organisations = {o.name: o for o in Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY)}
    people = list(
        Person.objects.select_related("organisation")
        .filter(organisation__kind=Organisation.Kind.MUNICIPALITY, organisation__member_until__isnull=True)
        .exclude(email=MEMBER_EMAIL)
        .order_by("pk")
    )
    member = Person.objects.filter(email=MEMBER_EMAIL).first()
    created_events = 0
    created_registrations = 0
    with transaction.atomic():
        for spec in _events(today):
            if Event.objects.filter(slug=spec["slug"]).exists():
                continue
            host = organisations.get(spec.get("host") or "")
            event = Event.objects.create(
                slug=spec["slug"],
                title=spec["title"],
                kind=spec["kind"],
                summary=spec["summary"],
                description=spec["description"],
                status=Event.Status.PUBLISHED,
                starts_at=spec["starts_at"],
                ends_at=spec["ends_at"],
                host=host,
                venue_name=spec.get("venue_name", ""),
                venue_address=spec.get("venue_address", ""),
                online_url=spec.get("online_url", ""),
                capacity=spec.get("capacity"),
                places_per_municipality=spec.get("places_per_municipality"),
                audience=spec["audience"],
                registration_opens_at=spec.get("registration_opens_at"),
                registration_closes_at=spec.get("registration_closes_at"),
                themes=spec.get("themes", ""),
            )
            created_events += 1
            ProgrammeItem.objects.bulk_create(
                ProgrammeItem(event=event, starts_at=s, ends_at=e, title=title, speaker=speaker, order=i)
                for i, (s, e, title, speaker) in enumerate(spec["programme"])
            )
            rounds = []
            for number, title, starts, ends, sessions in spec["rounds"]:
                round_ = Round.objects.create(
                    event=event, number=number, title=title, starts_at=starts, ends_at=ends
                )
                round_.demo_sessions = [
                    Session.objects.create(
                        round=round_,
                        title=t,
                        description=d,
                        speaker=sp,
                        room=room,
                        capacity=cap,
                        places_per_municipality=ppm,
                    )
                    for t, d, sp, room, cap, ppm in sessions
                ]
                rounds.append(round_)
            created_registrations += _register_people(
                event=event,
                rounds=rounds,
                people=people,
                count=spec["registrations"],
                rng=rng,
                member=member if spec.get("demo_member") else None,
            )
    stdout.write(
        f"Demo events: {Event.objects.count()} events and {Registration.objects.count()} registrations; "
        f"created now: {created_events} events, {created_registrations} registrations"
    )


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
    per_org: dict[int | None, int] = {}
    session_used: dict[int, int] = {}
    confirmed = 0
    created = 0
    for index, person in enumerate(chosen):
        picks = [rng.choice(round_.demo_sessions) for round_ in rounds]
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
            remarks=rng.choice(["", "", "", "Vegetarisch", "Glutenvrij", "Rolstoeltoegankelijke plek graag"]),
            attended=fits and event.ends_at < now,
        )
        Registration.objects.filter(pk=registration.pk).update(
            created_at=now - timedelta(hours=len(chosen) - index)
        )
        SessionChoice.objects.bulk_create(
            SessionChoice(registration=registration, session=s, round_id=s.round_id) for s in picks
        )
        if fits:
            confirmed += 1
            per_org[person.organisation_id] = per_org.get(person.organisation_id, 0) + 1
            for s in picks:
                session_used[s.pk] = session_used.get(s.pk, 0) + 1
        created += 1
    return created
