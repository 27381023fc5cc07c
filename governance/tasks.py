"""Thin Celery tasks: they take ids and call one service.

The PDF tasks (pack, report version) acknowledge late but are not redelivered when their worker
process dies (reject_on_worker_lost=False): a render that gets the worker killed for memory would
otherwise be delivered again and again. Their row stays "building"; the sweeps below put it back
to pending a limited number of times, then mark it failed for staff to see.
"""

from celery import shared_task

from governance.board import packs as board_packs
from governance.board import services as board_services

PDF_TASK_OPTIONS = {"acks_late": True, "reject_on_worker_lost": False}


@shared_task(time_limit=600, soft_time_limit=540, **PDF_TASK_OPTIONS)
def meeting_pack_build_task(pack_id: int) -> int:
    return board_packs.meeting_pack_build(pack_id=pack_id).pk


@shared_task(time_limit=300, soft_time_limit=240)
def meeting_reminders_task() -> int:
    return board_services.meeting_reminders_send()


@shared_task(time_limit=900, soft_time_limit=840, **PDF_TASK_OPTIONS)
def report_version_build_task(version_id: int) -> int:
    from governance.reports import services as report_services

    return report_services.report_version_build(version_id=version_id).pk


@shared_task(time_limit=120, soft_time_limit=90)
def pdf_builds_sweep() -> int:
    """Every minute (beat): hand pending packs and PDF versions to the worker again and recover
    the ones a dead worker left building."""
    from governance.reports import services as report_services

    return board_packs.meeting_packs_sweep() + report_services.report_versions_sweep()
