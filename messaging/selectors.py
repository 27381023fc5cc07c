"""Reads of messaging: who a message reaches, what it does not reach, how its sending goes."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from members.models import Organisation, Person
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


def message_recipients(*, message: Message) -> list[Person]:
    """The people the message goes to: one per e-mail address (the first of several who share
    one), people without an address left out; in name order."""
    seen: set[str] = set()
    people = []
    for person in message_people(message=message):
        address = (person.email or "").strip().lower()
        if address and address not in seen:
            seen.add(address)
            people.append(person)
    return sorted(people, key=lambda p: (p.last_name, p.first_name, p.pk))


def municipalities_not_reached(*, people: list[Person]) -> list[Organisation]:
    """The member municipalities none of `people` belongs to."""
    reached = {person.organisation_id for person in people if person.organisation_id}
    return list(Organisation.objects.member_municipalities().exclude(pk__in=reached).order_by("name"))


def message_progress(*, message: Message) -> dict[str, int]:
    """How many of the message's outbox rows are queued, sending, sent and failed."""
    statuses = OutgoingMail.Status
    counts = MessageRecipient.objects.filter(message=message).aggregate(
        total=Count("pk"),
        **{status.value: Count("pk", filter=Q(mail__status=status.value)) for status in statuses},
    )
    return counts


def message_failures(*, message: Message) -> QuerySet[MessageRecipient]:
    return (
        MessageRecipient.objects.filter(message=message, mail__status=OutgoingMail.Status.FAILED)
        .select_related("mail", "person")
        .order_by("email")
    )


def messages_about(*, source: str) -> QuerySet[Message]:
    """The messages about one object ("events.event:42"), newest first."""
    return Message.objects.filter(source=source).order_by("-created_at")


def messages_to_person(*, person: Person) -> QuerySet[MessageRecipient]:
    return (
        MessageRecipient.objects.filter(person=person)
        .select_related("message", "mail")
        .order_by("-message__sent_at")
    )
