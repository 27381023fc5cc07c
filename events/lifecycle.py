"""The secretariat's changes to an event as a whole: publish, cancel (and tell the registrants),
duplicate a year later, and tell confirmed registrants a new time or place.
"""

from __future__ import annotations

import datetime
import re

from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext

from vzhg.history import history_note
from vzhg.mail.language import mail_translation
from vzhg.mail.services import mail_queue, mail_reference
from vzhg.site import absolute_url

from . import extensions, ics
from .mailings import event_mailing_record
from .models import Event, EventMailing, ProgrammeItem, Registration, Round, Session
from .services import event_lock
from .tokens import cancel_token_make

# --- publish / cancel / duplicate -----------------------------------------------------------------


def event_publish(*, event: Event, actor) -> bool:
    """Draft → published, recorded in the event's history as done by `actor`. Returns False (and
    changes nothing) for a cancelled or published event."""
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        published = locked.status == Event.Status.DRAFT
        if published:
            locked.status = Event.Status.PUBLISHED
            history_note(locked, actor=actor)
            locked.save(update_fields=["status", "updated_at"])
    event.refresh_from_db()
    return published


def event_cancel(*, event: Event, actor) -> int:
    """Cancel the event and record one mailing that tells everyone who registered (confirmed or
    waiting) by e-mail; a worker task renders and queues those mails after commit
    (`event_mailing_send`), so the Event row is locked only for the status change.

    Returns how many will be told. Cancelling twice tells nobody twice: the second call finds the
    event cancelled already and returns 0 (and the database allows one cancellation mailing per
    event).
    """
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.status == Event.Status.CANCELLED:
            return 0
        now = timezone.now()
        locked.status = Event.Status.CANCELLED
        locked.cancelled_at = now
        history_note(locked, actor=actor)
        locked.save(update_fields=["status", "cancelled_at", "updated_at"])
        # Registrants' calendars hold the event: the cancellation's .ics must be a newer version.
        event_ics_sequence_bump(event=locked)
        registration_ids = list(
            Registration.objects.filter(
                event=locked,
                person__isnull=False,
                status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITLISTED],
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if registration_ids:
            event_mailing_record(
                event=locked,
                kind=EventMailing.Kind.CANCELLATION,
                recipient_ids=registration_ids,
                actor=actor,
            )
    event.refresh_from_db()
    return len(registration_ids)


def _unique_slug(base: str) -> str:
    base = slugify(base)[:190] or "evenement"
    slug, n = base, 2
    taken = set(Event.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    return slug


def _next_year_same_weekday(day: datetime.date) -> datetime.date:
    """The same weekday in the same ISO week a year later: a Thursday congress stays on a
    Thursday. Week 53 becomes week 52 in a year that has no week 53."""
    year, week, weekday = day.isocalendar()
    try:
        return datetime.date.fromisocalendar(year + 1, week, weekday)
    except ValueError:
        return datetime.date.fromisocalendar(year + 1, 52, weekday)


def _shifted(value: datetime.datetime | None, days: int) -> datetime.datetime | None:
    """`days` later at the same local clock time (summer and winter time apart)."""
    if value is None:
        return None
    local = timezone.localtime(value)
    return timezone.make_aware(
        datetime.datetime.combine(local.date() + datetime.timedelta(days=days), local.time())
    )


def _title_next_year(title: str, year: int) -> str:
    """ "Najaarscongres 2026" → "Najaarscongres 2027": the year in the title follows the date."""
    return re.sub(rf"(?<!\d){year}(?!\d)", str(year + 1), title)


def event_duplicate(*, event: Event, actor) -> Event:
    """A draft copy a year later on the same weekday (same ISO week; the year in the title
    follows), with its programme, rounds and workshops (no registrations); apps that hang on to
    the event (governance: the meeting held there) copy theirs through extensions.EVENT_DUPLICATED."""
    with transaction.atomic():
        copy = Event.objects.get(pk=event.pk)
        copy.pk = None
        copy._state.adding = True
        copy.status = Event.Status.DRAFT
        copy.cancelled_at = None
        copy.ics_sequence = 0
        start_day = timezone.localtime(event.starts_at).date()
        days = (_next_year_same_weekday(start_day) - start_day).days
        for field in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
            setattr(copy, field, _shifted(getattr(event, field), days))
        copy.title = _title_next_year(event.title, start_day.year)
        new_year = f"{timezone.localtime(copy.starts_at):%Y}"
        copy.slug = _unique_slug(copy.title if new_year in copy.title else f"{copy.title} {new_year}")
        copy.full_clean()
        history_note(copy, actor=actor)
        copy.save()
        ProgrammeItem.objects.bulk_create(
            ProgrammeItem(
                event=copy,
                starts_at=item.starts_at,
                ends_at=item.ends_at,
                title=item.title,
                speaker=item.speaker,
                description=item.description,
                order=item.order,
            )
            for item in event.programme.all()
        )
        for round_ in event.rounds.prefetch_related("sessions"):
            new_round = Round.objects.create(
                event=copy,
                number=round_.number,
                title=round_.title,
                starts_at=round_.starts_at,
                ends_at=round_.ends_at,
            )
            Session.objects.bulk_create(
                Session(
                    round=new_round,
                    title=session.title,
                    description=session.description,
                    speaker=session.speaker,
                    room=session.room,
                    capacity=session.capacity,
                    places_per_municipality=session.places_per_municipality,
                )
                for session in round_.sessions.all()
            )
        for hook in extensions.EVENT_DUPLICATED:
            hook(original=event, copy=copy, actor=actor)
    return copy


# --- changes the registrants' calendars must follow ------------------------------------------------

# The fields of an event that its calendar entry shows: a change to one of them is an update.
EVENT_CALENDAR_FIELDS = ("starts_at", "ends_at", "venue_name", "venue_address", "online_url")


def event_ics_sequence_bump(*, event: Event) -> int:
    """Raise the event's calendar version (the .ics SEQUENCE) by one, in the database, so it only
    grows whoever else changes the event at the same time. Returns the new value."""
    Event.objects.filter(pk=event.pk).update(ics_sequence=F("ics_sequence") + 1)
    event.ics_sequence = Event.objects.values_list("ics_sequence", flat=True).get(pk=event.pk)
    return event.ics_sequence


def event_update_notify(*, event: Event) -> int:
    """The event's time or place changed: raise its calendar version and mail every confirmed
    registrant the new details with the .ics (METHOD:REQUEST, the same UID, a higher SEQUENCE),
    so their calendar moves the entry. One transaction; the mails leave after commit. Returns how
    many were told (none for a cancelled event)."""
    with transaction.atomic():
        event = event_lock(event)
        if event.status == Event.Status.CANCELLED or event.ends_at <= timezone.now():
            return 0
        event_ics_sequence_bump(event=event)
        registrations = (
            Registration.objects.filter(
                event=event, status=Registration.Status.CONFIRMED, person__isnull=False
            )
            .select_related("person", "event__host")
            .prefetch_related("choices__session", "choices__round")
            .order_by("pk")
        )
        told = 0
        for registration in registrations:
            person = registration.person
            if not person.email:
                continue
            registration.event = event
            with mail_translation(recipient=person):
                context = {
                    "person": person,
                    "event": event,
                    "registration": registration,
                    "choices": sorted(registration.choices.all(), key=lambda choice: choice.round.number),
                    "event_url": absolute_url(event.get_absolute_url()),
                    "cancel_url": absolute_url(
                        reverse(
                            "events:cancel_token",
                            kwargs={"token": cancel_token_make(registration=registration)},
                        )
                    ),
                    "show_online_url": bool(event.online_url),
                }
                subject = gettext("Changed: %(title)s") % {"title": event.title}
                context["subject"] = subject
                text = render_to_string("events/email/event_updated.txt", context)
                html = render_to_string("events/email/event_updated.html", context)
                description = render_to_string("events/email/ics_description.txt", context).strip()
                attachment = ics.registration_ics(
                    registration=registration, method="REQUEST", description=description
                )
            mail_queue(
                to=person.email,
                subject=subject,
                text=text,
                html=html,
                attachments=[("uitnodiging.ics", attachment, ics.content_type("REQUEST"))],
                kind="events.updated",
                reference=mail_reference(registration),
            )
            told += 1
    return told
