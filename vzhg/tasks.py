"""Handing work to Celery from a request, an admin action or a service: after commit, and never
failing because the broker is away.

Every hand-off follows the outbox's pattern (vzhg/mail): the work is a row with a pending state
before Celery hears of it; `task_dispatch_on_commit` tells Celery once the transaction has
committed and only logs a broker outage, so the request that asked for the work still succeeds
with its data saved; a periodic sweep (Celery beat) hands pending rows that were not taken up to
the worker again. The task itself only acts on a row that is still pending, so a task handed over
twice does the work once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


def task_dispatch(task, *, args: Sequence = (), on_handed: Callable[[], object] | None = None) -> bool:
    """Hand `task(*args)` to the broker now. Returns whether the broker took it.

    A broker that cannot be reached is logged, not raised: the caller's row stays pending for its
    sweep. `on_handed` runs only when the broker took the task (e.g. to note when it was handed).
    With tasks run inline (CELERY_TASK_ALWAYS_EAGER, development and unit tests) errors of the
    task itself are not swallowed here: they are the task's, not the broker's.
    """
    if task.app.conf.task_always_eager:
        task.apply_async(tuple(args))
        if on_handed is not None:
            on_handed()
        return True
    try:
        task.apply_async(tuple(args))
    except Exception:  # noqa: BLE001 - kombu and redis raise several kinds when the broker is away
        logger.warning(
            "Broker unavailable: %s%s stays pending for the sweep", task.name, tuple(args), exc_info=True
        )
        return False
    if on_handed is not None:
        try:
            on_handed()
        except Exception:  # noqa: BLE001 - the task is handed; a failed note only means a second hand-off
            logger.exception("Could not record that %s%s was handed to the worker", task.name, tuple(args))
    return True


def task_dispatch_on_commit(
    task, *, args: Sequence = (), on_handed: Callable[[], object] | None = None
) -> None:
    """`task_dispatch` once the surrounding transaction commits (at once outside a transaction).

    A worker never looks for a row that is not committed yet, and a broker outage after the
    commit never turns a saved request into an error page."""
    robust = not task.app.conf.task_always_eager
    transaction.on_commit(lambda: task_dispatch(task, args=args, on_handed=on_handed), robust=robust)


def handoffs_sweep(
    *,
    queryset,
    running_status: str,
    pending_status: str,
    stale_after,
    pending_after,
    handed_after,
    max_attempts: int,
    give_up: Callable[[Any, Any], list[str]],  # (row, now) -> the fields to save
    dispatch: Callable[[int], bool],
    now,
    label: str,
    limit: int = 100,
) -> int:
    """The sweep every hand-off row shares (meeting packs, PDF versions, event mailings), run by
    Celery beat. The rows have `status`, `requested_at`, `dispatched_at`, `started_at` and
    `attempts`.

    Rows a dead worker left running longer than `stale_after` go back to pending, or, after
    `max_attempts`, are given up (`give_up(row, now)` sets their failed state and returns the fields to
    save). Pending rows are handed to the worker again: never handed, after `pending_after`;
    handed but never started, after `handed_after`. Stops at the first hand-off the broker
    refuses. Returns how many it handed over.
    """
    from django.db.models import Q

    with transaction.atomic():
        stale = list(
            queryset.select_for_update(skip_locked=True).filter(
                status=running_status, started_at__lt=now - stale_after
            )
        )
        for row in stale:
            if row.attempts >= max_attempts:
                row.save(update_fields=give_up(row, now))
                logger.warning("%s %s stopped %s times; not tried again", label, row.pk, row.attempts)
                continue
            logger.warning("%s %s was left running by a stopped worker; pending again", label, row.pk)
            row.status, row.started_at, row.dispatched_at = pending_status, None, None
            row.save(update_fields=["status", "started_at", "dispatched_at"])
        due = list(
            queryset.filter(status=pending_status)
            .filter(
                Q(dispatched_at__isnull=True, requested_at__lte=now - pending_after)
                | Q(dispatched_at__lte=now - handed_after)
                | Q(pk__in=[row.pk for row in stale])
            )
            .order_by("requested_at")
            .values_list("pk", flat=True)[:limit]
        )
    handed = 0
    for pk in due:
        if not dispatch(pk):
            break
        handed += 1
    return handed


def handoff_claim(*, queryset, pk: int, pending_status: str, running_status: str):
    """The task's first step on a hand-off row, in one short transaction: a row still pending
    becomes running, `started_at` now, one attempt more. Returns the row, or None when it is not
    pending (done, failed, or claimed by another task: a second hand-over does nothing)."""
    from django.utils import timezone

    with transaction.atomic():
        row = queryset.select_for_update().filter(pk=pk, status=pending_status).first()
        if row is None:
            return None
        row.status, row.started_at = running_status, timezone.now()
        row.attempts += 1
        row.save(update_fields=["status", "started_at", "attempts"])
    return row


def handoff_owned(*, queryset, pk: int, running_status: str, started_at):
    """Inside the caller's transaction: the row, locked, while the claim that set `started_at`
    still owns it; None when the sweep took it over (its worker was thought dead) or it finished
    elsewhere. Each step of a long task checks this before it writes."""
    row = queryset.select_for_update().filter(pk=pk).first()
    if row is None or row.status != running_status or row.started_at != started_at:
        return None
    return row
