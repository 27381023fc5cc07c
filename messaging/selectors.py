"""Reads of messaging: who a message reaches, what it does not reach, how its sending goes."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Lower, Trim

from members.models import Organisation, Person
from vzhg.mail.bounces import undeliverable_exists
from vzhg.mail.models import OutgoingMail

from .audiences import PEOPLE, audience_get, source_parse
from .models import Message, MessageRecipient


def message_people(*, message: Message) -> QuerySet[Person]:
    """Everyone the message's audience stands for (before de-duplication by address)."""
    if message.audience == PEOPLE:
        chosen = message.people.all() if message.pk else Person.objects.none()
    else:
        audience = audience_get(message.audience)
        source = source_parse(message.source)
        if audience is None or source is None:
            return Person.objects.none()
        chosen = audience.people(source.pk)
    return Person.objects.filter(pk__in=chosen.values("pk")).select_related("organisation").order_by("pk")


def _first_per_address(message: Message) -> tuple[list[Person], list[Person]]:
    """One person per e-mail address (the first of several who share one), people without an
    address left out; split into those who get the message and those whose address is
    undeliverable (onbestelbaar: skipped), each in name order."""
    seen: set[str] = set()
    recipients: list[Person] = []
    undeliverable: list[Person] = []
    people = message_people(message=message).annotate(is_undeliverable=undeliverable_exists("email"))
    for person in people:
        address = (person.email or "").strip().lower()
        if address and address not in seen:
            seen.add(address)
            (undeliverable if person.is_undeliverable else recipients).append(person)

    def by_name(p: Person):
        return (p.last_name, p.first_name, p.pk)

    return sorted(recipients, key=by_name), sorted(undeliverable, key=by_name)


def message_recipients(*, message: Message) -> list[Person]:
    """The people the message goes to: one per e-mail address (the first of several who share
    one), people without an address and undeliverable addresses left out; in name order."""
    return _first_per_address(message)[0]


def message_reach(*, message: Message) -> tuple[list[Person], list[Person]]:
    """(recipients, undeliverable): who the message goes to, and who it skips because their
    address is undeliverable; one person per address, in name order (the composer's page)."""
    return _first_per_address(message)


@dataclass(frozen=True)
class ReachCount:
    recipients: int  # distinct deliverable addresses
    undeliverable: int  # distinct addresses skipped as undeliverable


def message_reach_count(*, message: Message) -> ReachCount:
    """How many addresses the message reaches and skips, counted in the database (two queries,
    however large the audience): what the confirmation of a send states."""
    addresses = (
        message_people(message=message).order_by().annotate(address=Lower(Trim("email"))).exclude(address="")
    )
    total = addresses.aggregate(n=Count("address", distinct=True))["n"]
    skipped = addresses.filter(undeliverable_exists("email")).aggregate(n=Count("address", distinct=True))[
        "n"
    ]
    return ReachCount(recipients=total - skipped, undeliverable=skipped)


def municipalities_not_reached(*, people: list[Person]) -> list[Organisation]:
    """The member municipalities none of `people` belongs to."""
    reached = {person.organisation_id for person in people if person.organisation_id}
    return list(Organisation.objects.member_municipalities().exclude(pk__in=reached).order_by("name"))


def message_progress(*, message: Message) -> dict[str, int]:
    """How many of the message's outbox rows are queued, sending, sent and failed; how many
    recipients were skipped as undeliverable (no row)."""
    statuses = OutgoingMail.Status
    counts = MessageRecipient.objects.filter(message=message).aggregate(
        total=Count("pk", filter=Q(undeliverable=False)),
        skipped=Count("pk", filter=Q(undeliverable=True)),
        # A message's rows are built when queued, so none ends "skipped" (vzhg/mail/builders.py):
        # that key is the undeliverable recipients' here.
        **{
            status.value: Count("pk", filter=Q(mail__status=status.value))
            for status in statuses
            if status != statuses.SKIPPED
        },
    )
    return counts


def message_failures(*, message: Message) -> QuerySet[MessageRecipient]:
    return (
        MessageRecipient.objects.filter(message=message, mail__status=OutgoingMail.Status.FAILED)
        .select_related("mail", "person")
        .order_by("email")
    )


def message_skipped(*, message: Message) -> QuerySet[MessageRecipient]:
    """The recipients skipped because their address was undeliverable when it was sent."""
    return MessageRecipient.objects.filter(message=message, undeliverable=True).order_by("email")


def messages_about(*, source: str) -> QuerySet[Message]:
    """The messages about one object ("events.event:42"), newest first."""
    return Message.objects.filter(source=source).order_by("-created_at")


def messages_to_person(*, person: Person) -> QuerySet[MessageRecipient]:
    return (
        MessageRecipient.objects.filter(person=person)
        .select_related("message", "mail")
        .order_by("-message__sent_at")
    )
