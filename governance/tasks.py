"""Thin Celery tasks: they take ids and call one service."""

from celery import shared_task

from . import services


@shared_task(time_limit=600, soft_time_limit=540)
def meeting_pack_build_task(meeting_id: int) -> int:
    return services.meeting_pack_build(meeting_id=meeting_id).pk


@shared_task(time_limit=300, soft_time_limit=240)
def meeting_reminders_task() -> int:
    return services.meeting_reminders_send()
