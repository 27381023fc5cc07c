from celery import current_app, shared_task
from django.conf import settings

from .services import batches, sending


# Idempotent (every delivery is sent only while queued, under its row lock), so it may be
# redelivered when its worker is lost or the broker blinked.
@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=600, soft_time_limit=540)
def newsletter_send_batch(newsletter_id: int) -> dict:
    """One batch of an edition; then the next one is queued until nothing is left."""
    result = batches.newsletter_send_batch(newsletter_id=newsletter_id)
    if result.remaining:
        if result.retry_in is not None:
            # Inline (eager) tasks cannot wait: the periodic sweep picks the edition up later.
            if not current_app.conf.task_always_eager:
                # Never longer than Redis' visibility timeout allows; the sweep covers the rest.
                countdown = min(result.retry_in, settings.TASK_MAX_COUNTDOWN_SECONDS)
                sending.newsletter_dispatch(newsletter_id=newsletter_id, countdown=countdown)
        elif result.sent or result.failed:
            sending.newsletter_dispatch(newsletter_id=newsletter_id)
        # Sent nothing, no wait: the remaining rows are held by another batch, which goes on.
    return {"sent": result.sent, "failed": result.failed, "remaining": result.remaining}


@shared_task(time_limit=120, soft_time_limit=90)
def newsletter_sweep() -> dict:
    return sending.newsletter_sweep()
