"""Periodic work for events, run by Celery beat (see CELERY_BEAT_SCHEDULE). Thin: one service each."""

from celery import shared_task

from . import staff


@shared_task(time_limit=300, soft_time_limit=240)
def events_reminders_send() -> int:
    """Mail confirmed registrants reminder_days before their event, exactly once."""
    return staff.reminders_send()


@shared_task(time_limit=300, soft_time_limit=240)
def events_registrations_anonymise() -> int:
    """Anonymise registrations older than EVENTS_RETENTION_MONTHS after their event."""
    return staff.registrations_anonymise()
