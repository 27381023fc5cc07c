"""Newsletters demo: two sent editions and one concept around today, written in our own words
after the association's real newsletters, last year's two sent editions (which last year's
annual report counts), and subscriptions for the demo people plus a few outsiders.

Idempotent: editions are found by slug, subscriptions by address; a second run creates nothing.
Dates are relative to today. Sent editions get their Delivery rows marked sent directly (no mail
leaves at `make run`). All names are fictional; the texts are in demo/data/newsletters.json.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from members.models import Person
from newsletters.models import Delivery, Item, Newsletter, Section, Subscription

from .content import at, load_json, weekday


def current_editions(today: datetime.date) -> list[dict]:
    """The editions around `today`, as Newsletter field values plus their sections and items."""
    editions = []
    for row in load_json("newsletters.json")["current"]:
        day = today + datetime.timedelta(days=row["days"])
        agenda = [
            {
                "kind": entry["kind"],
                "starts_at": at(
                    day + datetime.timedelta(days=entry["days_after"]), entry["hour"]
                ).isoformat(),
                "title": entry["title"],
                "where": entry["where"],
                "url": entry["url"],
            }
            for entry in row["agenda"]
        ]
        editions.append({**row, "date": day, "agenda": agenda})
    return editions


def last_year_editions(today: datetime.date) -> list[dict]:
    """Last year's two sent editions, each with its items in the first section."""
    data = load_json("newsletters.json")
    year = today.year - 1
    editions = []
    for row in data["last_year"]:
        day = weekday(datetime.date(year, row["month"], 8))
        sections = [{"title": title, "items": []} for title in data["last_year_sections"]]
        sections[0]["items"] = [{**item, "link": "", "link_label": ""} for item in row["items"]]
        editions.append(
            {
                "slug": f"nieuwsbrief-{row['season']}-{year}",
                "title": f"VZHG Nieuwsbrief – {row['season']} {year}",
                "date": day,
                "status": Newsletter.Status.SENT,
                "intro": row["intro"],
                "agenda": [],
                "sections": sections,
            }
        )
    return editions


def _subscriptions_ensure(now: datetime.datetime) -> int:
    people = list(Person.objects.exclude(email="").order_by("pk"))
    existing = set(
        Subscription.objects.filter(newsletter_list__is_general=True).values_list("email", flat=True)
    )
    new = [
        Subscription(
            email=person.email.lower(),
            person=person,
            status=Subscription.Status.CONFIRMED,
            source=Subscription.Source.STAFF,
            confirmed_at=now,
        )
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
        for email in load_json("newsletters.json")["external_subscribers"]
        if email not in existing
    ]
    Subscription.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def _edition_create(spec: dict) -> None:
    sent = spec["status"] == Newsletter.Status.SENT
    newsletter = Newsletter.objects.create(
        slug=spec["slug"],
        title=spec["title"],
        date=spec["date"],
        intro=spec["intro"],
        status=spec["status"],
        agenda=spec["agenda"],
        sent_at=at(spec["date"], 10) if sent else None,
    )
    for order, section_spec in enumerate(spec["sections"], start=1):
        section = Section.objects.create(newsletter=newsletter, title=section_spec["title"], order=order * 10)
        Item.objects.bulk_create(
            [Item(section=section, order=number, **item) for number, item in enumerate(section_spec["items"])]
        )
    if sent:
        Delivery.objects.bulk_create(
            [
                Delivery(
                    newsletter=newsletter,
                    subscription=subscription,
                    status=Delivery.Status.SENT,
                    attempts=1,
                    sent_at=newsletter.sent_at,
                )
                for subscription in Subscription.objects.filter(
                    newsletter_list=newsletter.newsletter_list, status=Subscription.Status.CONFIRMED
                )
            ],
            ignore_conflicts=True,
        )


def _editions_ensure(specs: list[dict]) -> int:
    created = 0
    for spec in specs:
        if Newsletter.objects.filter(slug=spec["slug"]).exists():
            continue
        _edition_create(spec)
        created += 1
    return created


def demo_load(*, stdout, today: datetime.date | None = None) -> None:
    """The subscriptions and the editions around today. `today` is for trying the demo on another
    day of the year; it defaults to today."""
    today = today or timezone.localdate()
    with transaction.atomic():
        new_subscriptions = _subscriptions_ensure(timezone.now())
        created_editions = _editions_ensure(current_editions(today))
    stdout.write(
        f"Newsletters: {Newsletter.objects.count()} editions ({created_editions} new), "
        f"{Subscription.objects.count()} subscriptions ({new_subscriptions} new)"
    )


def last_year_load(*, stdout, today: datetime.date | None = None) -> None:
    """Last year's two sent editions, delivered to today's confirmed subscriptions (run after
    demo_load): the annual report counts them."""
    today = today or timezone.localdate()
    with transaction.atomic():
        created = _editions_ensure(last_year_editions(today))
    stdout.write(f"Newsletters of last year: {created} editions added")
