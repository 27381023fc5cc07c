"""Messaging's Celery tasks. Thin: they take ids and call one service (messaging.sending)."""

from celery import shared_task

from . import sending


@shared_task(time_limit=300, soft_time_limit=240, acks_late=True)
def message_send_task(message_id: int) -> int:
    """Prepare one message's outbox rows, batch by batch, and hand them to the mail worker.
    Out of time: back to pending, handed over again, resumed where it stopped."""
    from celery.exceptions import SoftTimeLimitExceeded

    try:
        return sending.message_deliver(message_id=message_id).recipient_count
    except SoftTimeLimitExceeded:
        sending.message_send_release(message_id=message_id)
        return -1


@shared_task(time_limit=120, soft_time_limit=90)
def messages_sweep_task() -> int:
    """Every minute: hand pending messages to the worker again, resume ones a dead worker left."""
    return sending.messages_sweep()
