"""Thin Celery tasks: they take ids and call one service.

The board's tasks live in governance/board/tasks.py (the board never imports the reports); they
are imported here so the worker, which looks for `<app>.tasks`, registers them. The PDF tasks
(pack, report version) acknowledge late but are not redelivered when their worker process dies;
their row stays "building" and the sweep below puts it back to pending a limited number of
times, then marks it failed for staff to see.
"""

from celery import shared_task

from governance.board import packs as board_packs
from governance.board import tasks as board_tasks
from governance.reports import services as report_services

__all__ = ["board_tasks", "pdf_builds_sweep", "report_version_build_task"]


@shared_task(time_limit=900, soft_time_limit=840, **board_tasks.PDF_TASK_OPTIONS)
def report_version_build_task(version_id: int) -> int:
    return report_services.report_version_build(version_id=version_id).pk


@shared_task(time_limit=120, soft_time_limit=90)
def pdf_builds_sweep() -> int:
    """Every minute (beat): hand pending packs and PDF versions to the worker again and recover
    the ones a dead worker left building."""
    return board_packs.meeting_packs_sweep() + report_services.report_versions_sweep()
