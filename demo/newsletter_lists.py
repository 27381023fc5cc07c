"""Newsletter lists demo (issue 14): the griffiers network (open to subscribe, archive for its
subscribers) and the strategennetwerk (closed: the secretariat adds people), each with the demo
people of their functions as subscribers and one sent edition. Run after demo.newsletters.

Idempotent: lists and editions are found by slug, subscriptions by list and address. The texts
are in demo/data/newsletter_lists.json; all names are fictional.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from members.models import Person
from newsletters.models import Delivery, Item, Newsletter, NewsletterList, Section, Subscription

from .content import at, load_json


def _list_ensure(spec: dict) -> tuple[NewsletterList, bool]:
    return NewsletterList.objects.get_or_create(
        slug=spec["slug"],
        defaults={
            "name": spec["name"],
            "description": spec["description"],
            "self_service": spec["self_service"],
            "public": spec["public"],
            "order": spec["order"],
        },
    )


def _subscribers_ensure(newsletter_list: NewsletterList, functions: list[str], now: datetime.datetime) -> int:
    existing = set(newsletter_list.subscriptions.values_list("email", flat=True))
    people = Person.objects.filter(function__in=functions).exclude(email="").order_by("pk")
    new = [
        Subscription(
            newsletter_list=newsletter_list,
            email=person.email.lower(),
            person=person,
            status=Subscription.Status.CONFIRMED,
            source=Subscription.Source.STAFF,
            confirmed_at=now,
        )
        for person in people
        if person.email.lower() not in existing
    ]
    Subscription.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def _edition_ensure(newsletter_list: NewsletterList, spec: dict, today: datetime.date) -> bool:
    if Newsletter.objects.filter(slug=spec["slug"]).exists():
        return False
    day = today + datetime.timedelta(days=spec["days"])
    newsletter = Newsletter.objects.create(
        newsletter_list=newsletter_list,
        slug=spec["slug"],
        title=spec["title"],
        date=day,
        intro=spec["intro"],
        status=Newsletter.Status.SENT,
        sent_at=at(day, 10),
    )
    for order, section_spec in enumerate(spec["sections"], start=1):
        section = Section.objects.create(newsletter=newsletter, title=section_spec["title"], order=order * 10)
        Item.objects.bulk_create(
            [Item(section=section, order=number, **item) for number, item in enumerate(section_spec["items"])]
        )
    Delivery.objects.bulk_create(
        [
            Delivery(
                newsletter=newsletter,
                subscription=subscription,
                status=Delivery.Status.SENT,
                attempts=1,
                sent_at=newsletter.sent_at,
            )
            for subscription in newsletter_list.subscriptions.filter(status=Subscription.Status.CONFIRMED)
        ],
        ignore_conflicts=True,
    )
    return True


def demo_load(*, stdout, today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    now = timezone.now()
    lists_new = subscriptions_new = editions_new = 0
    with transaction.atomic():
        for spec in load_json("newsletter_lists.json")["lists"]:
            newsletter_list, created = _list_ensure(spec)
            lists_new += created
            subscriptions_new += _subscribers_ensure(newsletter_list, spec["functions"], now)
            editions_new += _edition_ensure(newsletter_list, spec["edition"], today)
    stdout.write(
        f"Newsletter lists: {NewsletterList.objects.count()} lists ({lists_new} new), "
        f"{subscriptions_new} list subscriptions new, {editions_new} list editions new "
        f"({lists_new + subscriptions_new + editions_new} new)"
    )
