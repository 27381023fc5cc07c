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
        logger.warning("Broker unavailable: %s%s stays pending for the sweep", task.name, tuple(args), exc_info=True)
        return False
    if on_handed is not None:
        try:
            on_handed()
        except Exception:  # noqa: BLE001 - the task is handed; a failed note only means a second hand-off
            logger.exception("Could not record that %s%s was handed to the worker", task.name, tuple(args))
    return True


def task_dispatch_on_commit(task, *, args: Sequence = (), on_handed: Callable[[], object] | None = None) -> None:
    """`task_dispatch` once the surrounding transaction commits (at once outside a transaction).

    A worker never looks for a row that is not committed yet, and a broker outage after the
    commit never turns a saved request into an error page."""
    robust = not task.app.conf.task_always_eager
    transaction.on_commit(lambda: task_dispatch(task, args=args, on_handed=on_handed), robust=robust)
