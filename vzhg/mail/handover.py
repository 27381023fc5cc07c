"""Handing committed outbox rows to the Celery worker, gathered per process (issue 15).

A registration rush commits hundreds of outbox rows a second; one broker message per request
costs the request more than its INSERT. With MAIL_HANDOVER_SECONDS above 0 a request only notes
its rows after commit; a thread of the web process hands everything noted within that interval to
the worker at once (mail_dispatch: one task per MAIL_BATCH_SIZE rows). Nothing is lost when the
process dies first: the rows are committed as queued, and the sweep (every minute) hands them
over. With eager tasks (development, the test suite) or 0 seconds the rows go at once, in the
request, as before.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)


class _Handover:
    def __init__(self) -> None:
        self._reset()
        os.register_at_fork(after_in_child=self._reset)  # a gunicorn worker starts afresh
        atexit.register(self.flush)  # a worker that stops hands over what it noted

    def _reset(self) -> None:
        self._lock = threading.Lock()
        self._ids: list[int] = []
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def add(self, mail_ids: list[int], seconds: float) -> None:
        with self._lock:
            self._ids.extend(mail_ids)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, args=(seconds,), name="mail-handover", daemon=True
                )
                self._thread.start()
        self._wake.set()

    def _run(self, seconds: float) -> None:
        while True:
            self._wake.wait()
            time.sleep(seconds)  # what the other requests commit meanwhile goes along
            self.flush()
            connections.close_all()  # none is opened here; should a task ever run here, not kept

    def flush(self) -> int:
        """Hand over what was noted (in this thread). Returns how many rows were handed over."""
        from .services import mail_dispatch

        with self._lock:
            ids, self._ids = self._ids, []
            self._wake.clear()
        if not ids:
            return 0
        try:
            return mail_dispatch(mail_ids=ids)
        except Exception:  # a thread must not die of it: the rows stay queued for the sweep
            logger.exception("Mail %s not handed over; the sweep sends it", ids)
            return 0


_handover = _Handover()


def mail_hand_over(mail_ids: list[int]) -> None:
    """After commit: hand these queued rows to the worker, now (eager tasks, or
    MAIL_HANDOVER_SECONDS 0) or with the others of this process within that interval."""
    from .tasks import mail_send_batch_task

    seconds = settings.MAIL_HANDOVER_SECONDS
    # Eager (what delay() does is Celery's setting, read from Django's when the app starts):
    # the task runs here, in the request's transaction and on its connection.
    if seconds <= 0 or mail_send_batch_task.app.conf.task_always_eager:
        from .services import mail_dispatch

        mail_dispatch(mail_ids=mail_ids)
        return
    _handover.add(list(mail_ids), seconds)


def mail_handover_flush() -> int:
    """Hand over at once what this process noted (tests; a worker's exit does it by itself)."""
    return _handover.flush()
