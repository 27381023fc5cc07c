"""Who a message can go to: named audiences that apps register.

An audience is a function of the object the message is about (an event, a meeting; or nothing)
returning the people it stands for. messaging builds on events, so it registers the event
audiences itself (`event_audiences_register`); governance, above messaging, registers "members of
the body" of a meeting from its AppConfig.ready(). The audience "people" is the people chosen by
hand (the people list's action, pasted addresses) and is kept on the message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from members.models import Person, member_municipality_q

PEOPLE = "people"

# Who receives a message for a member municipality that has no registration: the people who
# speak for it (the mayor, the municipal secretary and the council clerk).
DESIGNATED_FUNCTIONS = (
    Person.Function.BURGEMEESTER,
    Person.Function.GEMEENTESECRETARIS,
    Person.Function.GRIFFIER,
)


@dataclass(frozen=True)
class Audience:
    key: str
    label: str | Promise
    source_model: str  # "events.event", "governance.meeting"
    people: Callable[[int], QuerySet[Person]]
    merge_fields: frozenset[str] = frozenset()  # the fields about the source this audience offers


_audiences: dict[str, Audience] = {}


def audience_register(audience: Audience) -> None:
    _audiences[audience.key] = audience


def audience_get(key: str) -> Audience | None:
    return _audiences.get(key)


def audiences_for(source_model: str) -> list[Audience]:
    return [audience for audience in _audiences.values() if audience.source_model == source_model]


def source_parse(source: str):
    """'events.event:42' → the Event 42 (None when empty or gone)."""
    if not source or ":" not in source:
        return None
    label, _sep, pk = source.partition(":")
    try:
        model = apps.get_model(label)
        return model._default_manager.filter(pk=int(pk)).first()
    except (LookupError, ValueError):
        return None


# --- events --------------------------------------------------------------------------------------

EVENT_FIELDS = frozenset({"evenement", "datum", "mijn-aanmelding"})


def _registered(status: str, **extra):
    from events.models import Registration

    def people(event_id: int) -> QuerySet[Person]:
        rows = Registration.objects.filter(event_id=event_id, status=status, **extra)
        return Person.objects.filter(pk__in=rows.values("person_id"))

    return people


def _municipalities_not_registered(event_id: int) -> QuerySet[Person]:
    from events.models import Registration

    registered = Registration.objects.filter(event_id=event_id).exclude(status=Registration.Status.CANCELLED)
    return Person.objects.filter(
        member_municipality_q(prefix="organisation__"), function__in=DESIGNATED_FUNCTIONS
    ).exclude(organisation__in=registered.filter(organisation__isnull=False).values("organisation_id"))


def event_audiences_register() -> None:
    from events.models import Registration

    confirmed = Registration.Status.CONFIRMED
    for key, label, people in (
        ("events.confirmed", _("confirmed registrants"), _registered(confirmed)),
        ("events.waitlist", _("the waiting list"), _registered(Registration.Status.WAITLISTED)),
        ("events.attended", _("attendees (checked in)"), _registered(confirmed, attended=True)),
        (
            "events.no_show",
            _("no-shows (registered, not checked in)"),
            _registered(confirmed, attended=False),
        ),
        (
            "events.not_registered",
            _("member municipalities without a registration (mayor, secretary, clerk)"),
            _municipalities_not_registered,
        ),
    ):
        audience_register(
            Audience(
                key=key, label=label, source_model="events.event", people=people, merge_fields=EVENT_FIELDS
            )
        )
