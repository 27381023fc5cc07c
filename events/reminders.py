"""Reminders: confirmed registrants are mailed `reminder_days` before their event, exactly once."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from vzhg.mail.services import mail_queue, mail_reference

from .emails import event_context, staff_mail_render
from .models import Event, Registration


def reminders_send(*, now: datetime.datetime | None = None, batch: int = 500) -> int:
    """Mail confirmed registrants of events that start within their reminder_days, exactly once.

    Per event, the due registrations are locked with SKIP LOCKED, each gets its mail queued and
    reminder_sent_at set in the same transaction: two beat runs at once split the work, and a
    registration once marked is never reminded again. Returns how many reminders were queued.
    """
    now = now or timezone.now()
    events = Event.objects.filter(
        status=Event.Status.PUBLISHED, reminder_days__isnull=False, starts_at__gt=now
    ).order_by("starts_at")
    queued = 0
    for event in events:
        if event.starts_at - datetime.timedelta(days=event.reminder_days) > now:
            continue
        context = event_context(event)
        while True:
            with transaction.atomic():
                due = list(
                    Registration.objects.select_for_update(skip_locked=True, of=("self",))
                    .filter(
                        event=event,
                        status=Registration.Status.CONFIRMED,
                        reminder_sent_at__isnull=True,
                        person__isnull=False,
                    )
                    .select_related("person")
                    .order_by("pk")[:batch]
                )
                for registration in due:
                    rendered = staff_mail_render(
                        "reminder", {**context, "person": registration.person, "registration": registration}
                    )
                    mail_queue(
                        to=registration.person.email,
                        subject=rendered.subject,
                        text=rendered.text,
                        html=rendered.html,
                        kind="events.reminder",
                        reference=mail_reference(registration),
                    )
                Registration.objects.filter(pk__in=[r.pk for r in due]).update(reminder_sent_at=now)
            queued += len(due)
            if len(due) < batch:
                break
    return queued
