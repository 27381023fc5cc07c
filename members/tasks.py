"""Periodic work for members, run by Celery beat (see CELERY_BEAT_SCHEDULE). Thin: one service each."""

from celery import shared_task

from . import services


@shared_task(time_limit=300, soft_time_limit=240)
def people_deleted_history_purge() -> int:
    """Remove the history of people deleted more than PEOPLE_DELETED_HISTORY_DAYS ago."""
    return services.people_deleted_history_purge()
