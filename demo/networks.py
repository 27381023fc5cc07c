"""Networks and kringen demo (issue 16): the strategennetwerk, the juristennetwerk with its
expertise tags, the kring gemeentesecretarissen and the kring griffiers, with the demo people of
their functions as members (the first two of each are trekkers). Run after demo.newsletter_lists.

Idempotent: networks are found by slug, tags by name, memberships by network and person. Two of
the demo jurists stay out of the juristennetwerk, so one can try joining from their profile.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from events.models import Event
from members.models import Person
from networks.models import ExpertiseTag, Network, NetworkMembership
from newsletters.models import NewsletterList

from .content import load_json


def _network_ensure(spec: dict, tags: dict[str, ExpertiseTag]) -> tuple[Network, bool]:
    network, created = Network.objects.get_or_create(
        slug=spec["slug"],
        defaults={
            "name": spec["name"],
            "kind": spec["kind"],
            "purpose": spec["purpose"],
            "target_size": spec["target_size"],
            "meeting_frequency": spec["meeting_frequency"],
            "signup_email": spec["signup_email"],
            "open_for_signup": spec["open_for_signup"],
            "newsletter_list": NewsletterList.objects.filter(slug=spec["newsletter_list"]).first()
            if spec["newsletter_list"]
            else None,
            "order": spec["order"],
        },
    )
    if created:
        network.expertise_tags.set([tags[name] for name in spec["tags"]])
    return network, created


def _members_ensure(network: Network, spec: dict, joined_on: datetime.date) -> int:
    people = list(Person.objects.filter(function__in=spec["functions"]).order_by("pk")[: spec["members"]])
    existing = set(network.memberships.active().values_list("person_id", flat=True))
    tags = list(network.expertise_tags.order_by("order", "name"))
    new = 0
    for number, person in enumerate(people):
        if person.pk in existing:
            continue
        membership = NetworkMembership.objects.create(
            network=network,
            person=person,
            role=NetworkMembership.Role.LEAD if number < 2 else NetworkMembership.Role.MEMBER,
            joined_on=joined_on,
        )
        if tags:  # two tags each, spread over the five
            membership.expertise_tags.set([tags[number % len(tags)], tags[(number + 2) % len(tags)]])
        new += 1
    return new


def demo_load(*, stdout, today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    data = load_json("networks.json")
    networks_new = members_new = 0
    with transaction.atomic():
        tags = {}
        for order, name in enumerate(data["tags"], start=1):
            tags[name], _created = ExpertiseTag.objects.get_or_create(
                name=name, defaults={"order": order * 10}
            )
        by_slug = {}
        for spec in data["networks"]:
            network, created = _network_ensure(spec, tags)
            by_slug[spec["slug"]] = network
            networks_new += created
            members_new += _members_ensure(network, spec, today.replace(month=1, day=15))
            # Its meetings: events with the network as audience (only its members register).
            Event.objects.filter(slug__in=spec.get("meetings", []), network__isnull=True).update(
                network=network, network_only=spec.get("meetings_members_only", False)
            )
        for first, second in data["partners"]:
            by_slug[first].partners.add(by_slug[second])
    stdout.write(
        f"Networks: {Network.objects.count()} networks ({networks_new} new), "
        f"{members_new} memberships new ({networks_new + members_new} new)"
    )
