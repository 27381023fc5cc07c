"""Thin Celery tasks of the board room: they take ids and call one service.

Their names stay "governance.tasks.…" (the queue routes, the beat schedule and tasks already in
the broker use them); governance/tasks.py imports this module so the worker registers them.
"""

from celery import shared_task

from . import convocation, packs, services

# Acknowledged late, never redelivered when their worker process dies (reject_on_worker_lost):
# a render that gets the worker killed for memory would otherwise be delivered again and again.
# The row stays "building"; the sweep puts it back to pending a limited number of times.
PDF_TASK_OPTIONS = {"acks_late": True, "reject_on_worker_lost": False}


@shared_task(
    name="governance.tasks.meeting_pack_build_task", time_limit=600, soft_time_limit=540, **PDF_TASK_OPTIONS
)
def meeting_pack_build_task(pack_id: int) -> int:
    return packs.meeting_pack_build(pack_id=pack_id).pk


@shared_task(name="governance.tasks.meeting_reminders_task", time_limit=300, soft_time_limit=240)
def meeting_reminders_task() -> int:
    return services.meeting_reminders_send()


@shared_task(
    name="governance.tasks.meeting_convocation_send_task",
    time_limit=300,
    soft_time_limit=240,
    acks_late=True,
)
def meeting_convocation_send_task(
    meeting_id: int, kind: str, round: int, organisation_ids: list[int] | None = None
) -> int:
    return convocation.meeting_convocation_send(
        meeting_id=meeting_id, kind=kind, round=round, organisation_ids=organisation_ids
    )


@shared_task(name="governance.tasks.convocations_sweep_task", time_limit=120, soft_time_limit=90)
def convocations_sweep_task() -> int:
    return convocation.convocations_sweep()
