"""Periodic work for events, run by Celery beat (see CELERY_BEAT_SCHEDULE). Thin: one service each."""

from celery import shared_task

from . import mailings, reminders, retention


@shared_task(time_limit=300, soft_time_limit=240)
def events_reminders_send() -> int:
    """Mail confirmed registrants reminder_days before their event, exactly once."""
    return reminders.reminders_send()


@shared_task(time_limit=300, soft_time_limit=240)
def events_registrations_anonymise() -> int:
    """Anonymise registrations older than EVENTS_RETENTION_MONTHS after their event."""
    return retention.registrations_anonymise()


@shared_task(time_limit=300, soft_time_limit=240, acks_late=True)
def event_mailing_send_task(mailing_id: int) -> int:
    """Prepare one mailing (invitations or a cancellation notice): render, bulk-insert and hand
    the outbox rows to the mail worker, batch by batch. Out of time: back to pending, resumed."""
    from celery.exceptions import SoftTimeLimitExceeded

    try:
        return mailings.event_mailing_send(mailing_id=mailing_id).processed
    except SoftTimeLimitExceeded:
        mailings.event_mailing_release(mailing_id=mailing_id)
        return -1


@shared_task(time_limit=120, soft_time_limit=90)
def event_mailings_sweep() -> int:
    """Every minute: hand pending mailings to the worker again, resume ones a dead worker left."""
    return mailings.event_mailings_sweep()


@shared_task(time_limit=300, soft_time_limit=240, acks_late=True)
def workshop_allocation_send_task(send_id: int) -> int:
    """Mail the results of an applied allocation, batch by batch, exactly once per registrant.
    Out of time: back to pending, resumed with those not yet mailed."""
    from celery.exceptions import SoftTimeLimitExceeded

    from . import allocation_send

    try:
        return allocation_send.workshop_allocation_send_run(send_id=send_id).processed
    except SoftTimeLimitExceeded:
        allocation_send.workshop_allocation_send_release(send_id=send_id)
        return -1


@shared_task(time_limit=120, soft_time_limit=90)
def workshop_allocation_sends_sweep() -> int:
    """Every minute: hand pending allocation sends to the worker again, resume ones a dead worker left."""
    from . import allocation_send

    return allocation_send.workshop_allocation_sends_sweep()
