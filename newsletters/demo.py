"""Demo newsletters: two sent editions and one concept, written in our own words after the
association's real newsletters, and subscriptions for the demo people plus a few outsiders.

Idempotent: editions are found by slug, subscriptions by address; a second run creates nothing.
Dates are relative to today. Sent editions get their Delivery rows marked sent directly (no mail
leaves at `make run`). All names are fictional.
"""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from members.models import Person

from .models import Delivery, Item, Newsletter, Section, Subscription

EXTERNAL_SUBSCRIBERS = [
    "redactie@lokaalnieuws-demo.nl",
    "m.vermeulen@adviesbureau-demo.nl",
    "info@dorpsraad-demo.nl",
    "s.bakker@hogeschool-demo.nl",
]


def _moment(day, hour):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _editions(today):
    spring = today - timedelta(days=150)
    autumn = today - timedelta(days=40)
    return [
        {
            "slug": "nieuwsbrief-voorjaar",
            "title": "VZHG Nieuwsbrief – voorjaar",
            "date": spring,
            "status": Newsletter.Status.SENT,
            "intro": (
                "Beste lezer,\n\n"
                "Het bestuur heeft voor dit jaar een handvol thema's gekozen waar we ons extra voor inzetten: "
                "brede welvaart, asiel en migratie, grip op regionale samenwerking en de ruimtelijke puzzel. "
                "In deze nieuwsbrief lees je wat er de afgelopen maanden op die thema's is gebeurd.\n\n"
                "Vergeet je niet aan te melden voor de bestuurdersdag? We zien je graag."
            ),
            "agenda": [
                {
                    "kind": "event",
                    "starts_at": _moment(spring + timedelta(days=21), 10).isoformat(),
                    "title": "Bestuurdersdag en algemene ledenvergadering",
                    "where": "Den Haag",
                    "url": "",
                },
                {
                    "kind": "meeting",
                    "starts_at": _moment(spring + timedelta(days=35), 15).isoformat(),
                    "title": "Vergadering algemeen bestuur",
                    "where": "Provinciehuis",
                    "url": "",
                },
            ],  # fmt: skip
            "sections": [
                (
                    "Vanuit het bestuur",
                    [
                        (
                            "Rondetafel over brede welvaart",
                            "Goed beleid kijkt verder dan economische groei alleen. Tijdens een rondetafelgesprek "
                            "verkenden bestuurders hoe gemeenten ook sociale en ecologische waarden kunnen meewegen, "
                            "nu en voor volgende generaties.",
                            "https://vng.nl/publicaties/aan-de-slag-met-brede-welvaart-als-gemeente",
                            "Handreiking van de VNG",
                        ),
                        (
                            "Zorgen over de ruimtelijke puzzel",
                            "Het bestuur sprak met de gedeputeerde over de verdeling van de ruimte in de provincie. "
                            "Niet elke gemeente wordt even goed betrokken; dat hebben we duidelijk gemaakt.",
                            "",
                            "",
                        ),
                    ],
                ),
                (
                    "Provincie Zuid-Holland",
                    [
                        (
                            "Samen werken aan de Zuid-Holland Academie",
                            "De provincie en de VZHG organiseren samen bijeenkomsten voor raadsleden, wethouders en "
                            "ambtenaren. Het programma voor het najaar wordt binnenkort bekend.",
                            "https://www.zuid-holland.nl",
                            "Naar de provincie",
                        ),
                    ],
                ),
                (
                    "VNG",
                    [
                        (
                            "Tijdelijke commissie asiel en migratie",
                            "De VNG heeft een tijdelijke commissie ingesteld voor opvang en huisvesting. Een van onze "
                            "bestuursleden neemt zitting namens de Zuid-Hollandse gemeenten.",
                            "https://vng.nl",
                            "Meer bij de VNG",
                        ),
                    ],
                ),
                ("Overig", []),
            ],  # fmt: skip
        },
        {
            "slug": "nieuwsbrief-najaar",
            "title": "VZHG Nieuwsbrief – najaar",
            "date": autumn,
            "status": Newsletter.Status.SENT,
            "intro": (
                "Beste lezer,\n\n"
                "Het reces is voorbij en we werken toe naar de gemeenteraadsverkiezingen. De rijksbegroting "
                "brengt gemeenten wat lucht, met extra geld voor de jeugdzorg, maar de financiële toekomst "
                "blijft onzeker. Grote opgaven zoals woningbouw en energie vragen om een slagvaardig Rijk.\n\n"
                "Noteer je ons najaarscongres alvast? Het thema is **een weerbaar Zuid-Holland**."
            ),
            "agenda": [
                {
                    "kind": "event",
                    "starts_at": _moment(autumn + timedelta(days=30), 9).isoformat(),
                    "title": "Najaarscongres: Een weerbaar Zuid-Holland",
                    "where": "Provinciehuis, Den Haag",
                    "url": "",
                },
                {
                    "kind": "event",
                    "starts_at": _moment(autumn + timedelta(days=12), 16).isoformat(),
                    "title": "Klankbordbijeenkomst Sociaal domein (online)",
                    "where": "",
                    "url": "",
                },
            ],  # fmt: skip
            "sections": [
                (
                    "Vanuit het bestuur",
                    [
                        (
                            "Najaarscongres over weerbaarheid",
                            "Samen met de provincie en de Zuid-Holland Academie organiseren we het najaarscongres. "
                            "Twee sprekers uit de wereld van veiligheid openen de ochtend; daarna volgen workshops "
                            "over een weerbare samenleving en weerbaar bestuur.",
                            "",
                            "",
                        ),
                        (
                            "Terugblik klankbord Europa en internationaal",
                            "Bestuurders spraken online met Zuid-Hollandse leden van de VNG-commissie over de "
                            "Europese begroting en over veiligheid. Hun signalen nemen de commissieleden mee naar Den Haag "
                            "en Brussel.",
                            "",
                            "",
                        ),
                    ],
                ),
                (
                    "Provincie Zuid-Holland",
                    [
                        (
                            "Nieuwe ronde voor de regiodeals",
                            "De provincie opent een nieuwe ronde voor samenwerkingsprojecten tussen gemeenten. "
                            "Aanvragen kunnen tot het einde van het jaar worden ingediend.",
                            "https://www.zuid-holland.nl",
                            "Lees de regeling",
                        ),
                    ],
                ),
                (
                    "VNG",
                    [
                        (
                            "Ledenraadpleging over de Hervormingsagenda",
                            "De VNG vraagt gemeenten om hun mening over de afspraken in de jeugdzorg. "
                            "Reageren kan via het ledenportaal.",
                            "https://vng.nl",
                            "Naar de VNG",
                        ),
                    ],
                ),
                (
                    "Overig",
                    [
                        (
                            "Training voor nieuwe griffiers",
                            "Na de verkiezingen begint een nieuwe leergang voor griffiers en raadsadviseurs. "
                            "Er zijn nog enkele plaatsen vrij.",
                            "",
                            "",
                        ),
                    ],
                ),
            ],  # fmt: skip
        },
        {
            "slug": "nieuwsbrief-winter-concept",
            "title": "VZHG Nieuwsbrief – winter",
            "date": today + timedelta(days=10),
            "status": Newsletter.Status.CONCEPT,
            "intro": "Beste lezer,\n\nHet jaar loopt ten einde. In deze nieuwsbrief blikken we terug op het najaarscongres.",
            "agenda": [],
            "sections": [
                (
                    "Vanuit het bestuur",
                    [
                        (
                            "Terugblik najaarscongres",
                            "Ruim tweehonderd deelnemers kwamen naar het congres. De presentaties staan binnenkort online.",
                            "",
                            "",
                        ),
                    ],
                ),
                ("Provincie Zuid-Holland", []),
                ("VNG", []),
                ("Overig", []),
            ],  # fmt: skip
        },
    ]


def demo_load(*, stdout) -> None:
    today = timezone.localdate()
    created_editions = 0
    with transaction.atomic():
        now = timezone.now()
        people = list(Person.objects.exclude(email="").order_by("pk"))
        existing = set(Subscription.objects.values_list("email", flat=True))
        new = [
            Subscription(
                email=person.email.lower(),
                person=person,
                status=Subscription.Status.CONFIRMED,
                source=Subscription.Source.STAFF,
                confirmed_at=now,
            )  # fmt: skip
            for person in people
            if person.email.lower() not in existing
        ]
        new += [
            Subscription(
                email=email,
                status=Subscription.Status.CONFIRMED,
                source=Subscription.Source.PUBLIC,
                confirmed_at=now,
            )
            for email in EXTERNAL_SUBSCRIBERS
            if email not in existing
        ]
        Subscription.objects.bulk_create(new, ignore_conflicts=True)
        for spec in _editions(today):
            if Newsletter.objects.filter(slug=spec["slug"]).exists():
                continue
            created_editions += 1
            newsletter = Newsletter.objects.create(
                slug=spec["slug"], title=spec["title"], date=spec["date"], intro=spec["intro"],
                status=spec["status"], agenda=spec["agenda"],
                sent_at=_moment(spec["date"], 10) if spec["status"] == Newsletter.Status.SENT else None,
            )  # fmt: skip
            for order, (title, items) in enumerate(spec["sections"], start=1):
                section = Section.objects.create(newsletter=newsletter, title=title, order=order * 10)
                Item.objects.bulk_create(
                    [
                        Item(
                            section=section,
                            order=number,
                            title=item_title,
                            text=text,
                            link=link,
                            link_label=label,
                        )
                        for number, (item_title, text, link, label) in enumerate(items)
                    ]
                )
            if newsletter.status == Newsletter.Status.SENT:
                Delivery.objects.bulk_create(
                    [
                        Delivery(
                            newsletter=newsletter,
                            subscription=subscription,
                            status=Delivery.Status.SENT,
                            attempts=1,
                            sent_at=newsletter.sent_at,
                        )  # fmt: skip
                        for subscription in Subscription.objects.filter(status=Subscription.Status.CONFIRMED)
                    ],
                    ignore_conflicts=True,
                )
    stdout.write(
        f"Newsletters: {Newsletter.objects.count()} editions ({created_editions} new), "
        f"{Subscription.objects.count()} subscriptions ({len(new)} new)"
    )
