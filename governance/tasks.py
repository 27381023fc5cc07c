"""Thin Celery tasks: they take ids and call one service."""

from celery import shared_task

from . import services


@shared_task(time_limit=600, soft_time_limit=540)
def meeting_pack_build_task(meeting_id: int) -> int:
    return services.meeting_pack_build(meeting_id=meeting_id).pk


@shared_task(time_limit=300, soft_time_limit=240)
def meeting_reminders_task() -> int:
    return services.meeting_reminders_send()


@shared_task(time_limit=900, soft_time_limit=840)
def report_version_build_task(version_id: int) -> int:
    from . import report_services

    return report_services.report_version_build(version_id=version_id).pk
