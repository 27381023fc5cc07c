"""Factories for the events tests of the secretariat's side (admin, invitations, check-in ...)."""

import datetime

import factory
from django.utils import timezone

from events.models import Event, Invitation, ProgrammeItem, Registration, Round, Session, SessionChoice
from tests.factories import MemberFactory


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"Netwerkbijeenkomst {n:03d}")
    slug = factory.Sequence(lambda n: f"netwerkbijeenkomst-{n:03d}")
    kind = Event.Kind.NETWORK
    status = Event.Status.PUBLISHED
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=3))
    venue_name = "Stadhuis"
    venue_address = "Markt 1, Gouda"


class ProgrammeItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeItem

    event = factory.SubFactory(EventFactory)
    starts_at = datetime.time(14, 0)
    title = factory.Sequence(lambda n: f"Programmaonderdeel {n}")


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round

    event = factory.SubFactory(EventFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.LazyAttribute(lambda o: f"Ronde {o.number}")


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    round = factory.SubFactory(RoundFactory)
    title = factory.Sequence(lambda n: f"Workshop {n:03d}")
    room = "Zaal 1"


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A confirmed registration written straight to the table (the registration services are
    the core side's; these tests are about what the secretariat does with registrations)."""

    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    person = factory.SubFactory(MemberFactory)
    organisation = factory.LazyAttribute(lambda o: o.person.organisation if o.person else None)
    status = Registration.Status.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)


class SessionChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionChoice

    session = factory.SubFactory(SessionFactory)
    registration = factory.SubFactory(
        RegistrationFactory, event=factory.SelfAttribute("..session.round.event")
    )
    round = factory.LazyAttribute(lambda o: o.session.round)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    event = factory.SubFactory(EventFactory)
    person = factory.SubFactory(MemberFactory)


def nl(msgid: str, **values) -> str:
    """A message as a Dutch page shows it (the catalogue's translation, or the msgid until then)."""
    from django.utils import translation

    with translation.override("nl"):
        return translation.gettext(msgid) % values if values else translation.gettext(msgid)


def nl_plural(singular: str, plural: str, count: int, **values) -> str:
    from django.utils import translation

    with translation.override("nl"):
        return translation.ngettext(singular, plural, count) % {"counter": count, "count": count, **values}
