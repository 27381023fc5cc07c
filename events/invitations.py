"""Invitations: who an audience choice stands for, and sending them invitations (through a mailing).

The invitation page (events/staff_views.py) previews the mail with `invitation_mail_render`,
tests it with `invitation_test_send` and sends with `invitation_send`; the mails themselves are
prepared by a worker (events/mailings.py). The secretariat's own subject and text are stored on
the mailing and rendered per person (events/invitation_mail.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Person, Region, member_municipality_q
from vzhg.errors import ServiceError
from vzhg.mail.bounces import undeliverable_exists
from vzhg.mail.services import mail_queue, mail_reference
from vzhg.periods import active_on_q

from . import extensions, invitation_mail
from .invitation_mail import InvitationMail, invitation_texts_check, invitation_texts_prepare
from .mailings import event_mailing_record
from .models import Event, EventMailing, Invitation


def invitation_mail_render(
    *, event: Event, person: Person, subject: str = "", body: str = ""
) -> InvitationMail:
    """The invitation as `person` gets it, with the own subject and text if given (the preview)."""
    texts = invitation_texts_prepare(subject=subject, body=body)
    return invitation_mail.invitation_mail_render(event=event, person=person, texts=texts)


def _texts_refuse(*, subject: str, body: str) -> None:
    """An unknown merge field in the own subject or text: a refusal naming the known ones."""
    try:
        invitation_texts_check(subject=subject, body=body)
    except ValidationError as error:
        raise ServiceError(" ".join(error.messages), "unknown_merge_field") from error


def invitation_test_send(
    *, event: Event, person: Person, to: str, actor, subject: str = "", body: str = ""
) -> None:
    """The invitation as `person` gets it, to `to` (the secretariat itself), marked as a test.
    Nobody is invited by it."""
    _texts_refuse(subject=subject, body=body)
    if not (to or "").strip():
        raise ServiceError(_("Your account has no e-mail address to send the test to."), "no_address")
    rendered = invitation_mail_render(event=event, person=person, subject=subject, body=body)
    mail_queue(
        to=to.strip(),
        subject=_("[Test] %(subject)s") % {"subject": rendered.subject},
        text=rendered.text,
        html=rendered.html,
        kind="events.invitation.test",
        reference=mail_reference(person),  # it carries their name: erasure finds it
    )


# --- invitations ---------------------------------------------------------------------------------


class Audience:
    ALL_MEMBERS = "all_members"
    FUNCTION = "function"
    REGION = "region"
    BODY = "body"
    PEOPLE = "people"
    NETWORK = "network"


def invitation_audience(
    *,
    kind: str,
    functions: list[str] | None = None,
    region: Region | None = None,
    body=None,
    people: list[Person] | QuerySet[Person] | None = None,
    network_id: int | None = None,
) -> QuerySet[Person]:
    """The people an audience choice stands for, in name order.

    all_members: everyone in a member municipality; function: those of them with one of the
    functions; region: those of them in the region or a region inside it; body: everyone with a
    mandate in that governance body today (board members of any organisation); people: exactly
    the people picked (any organisation — guests can be invited by hand); network: the members
    of the event's network today (any organisation; events.extensions).
    """
    members = Person.objects.filter(member_municipality_q(prefix="organisation__"))
    if kind == Audience.ALL_MEMBERS:
        chosen = members
    elif kind == Audience.FUNCTION:
        chosen = members.filter(function__in=functions or [])
    elif kind == Audience.REGION:
        chosen = (
            members.filter(organisation__region__in=Region.objects.within(region))
            if region
            else members.none()
        )
    elif kind == Audience.BODY:
        today = timezone.localdate()
        chosen = (
            Person.objects.filter(pk__in=body.mandates.filter(active_on_q(today)).values("person_id"))
            if body
            else members.none()
        )
    elif kind == Audience.PEOPLE:
        chosen = Person.objects.filter(pk__in=[p.pk for p in people or []])
    elif kind == Audience.NETWORK:
        found = extensions.network_people(network_id)
        chosen = found if found is not None else members.none()
    else:
        raise ValueError(f"unknown audience {kind!r}")
    return chosen.select_related("organisation").order_by("last_name", "first_name", "pk")


@dataclass
class InvitationResult:
    created: int  # people who will get an invitation (the mailing prepares and queues them)
    skipped: int  # people invited before: no second mail
    mailing: EventMailing | None = None
    undeliverable: int = 0  # of `created`: their address bounced, so the mailing skips them


def invitation_send(*, event: Event, people, actor, subject: str = "", body: str = "") -> InvitationResult:
    """Record a send of invitations to the people not invited yet, and return at once.

    The web request neither renders nor stores a mail and does not lock the Event row (people
    registering for the event never wait for it): it stores one EventMailing with the people's
    ids; after commit a worker task renders the mails and inserts the Invitation and outbox rows
    in batches (`event_mailing_send`). Nobody is invited twice: the task skips people with an
    invitation (the unique constraint on (event, person) holds the rule in the database too).
    With the broker down the mailing stays pending and `event_mailings_sweep` hands it over.
    `subject` and `body`: the secretariat's own (merge fields checked), stored on the mailing so
    every mail is rendered from what was chosen now; empty, the standard invitation.
    """
    _texts_refuse(subject=subject, body=body)
    person_ids = sorted({p.pk for p in people})
    if Event.objects.filter(pk=event.pk, status=Event.Status.CANCELLED).exists():
        raise ServiceError(_("This event is cancelled; nobody can be invited to it."), "event_cancelled")
    # One query: who was invited before, and whose address bounced (the mailing skips them).
    found = Person.objects.filter(pk__in=person_ids).annotate(
        invited=Exists(Invitation.objects.filter(event_id=event.pk, person_id=OuterRef("pk"))),
        undeliverable=undeliverable_exists("email"),
    )
    already, bounced = set(), set()
    for pk, invited, undeliverable_address in found.values_list("pk", "invited", "undeliverable"):
        if invited:
            already.add(pk)
        elif undeliverable_address:
            bounced.add(pk)
    todo = [pk for pk in person_ids if pk not in already]
    mailing = None
    if todo:
        with transaction.atomic():
            mailing = event_mailing_record(
                event=event,
                kind=EventMailing.Kind.INVITATION,
                recipient_ids=todo,
                actor=actor,
                subject=" ".join((subject or "").split()),
                body=(body or "").strip(),
            )
    return InvitationResult(
        created=len(todo) - len(bounced), skipped=len(already), mailing=mailing, undeliverable=len(bounced)
    )
