"""The web process hands committed outbox rows to the worker together (vzhg/mail/handover.py):
one task for what many requests committed within MAIL_HANDOVER_SECONDS, never a row lost or
handed over twice, a broker outage logged (the rows stay queued for the sweep)."""

import threading
import time

import pytest

from vzhg.mail import handover
from vzhg.mail.models import OutgoingMail
from vzhg.mail.services import mail_queue_lazy

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager():
    """Set Celery's task_always_eager (what delay() does) for a test; restored after."""
    from vzhg.celery import app

    saved = app.conf.task_always_eager

    def set_eager(value: bool) -> None:
        app.conf.task_always_eager = value

    yield set_eager
    app.conf.task_always_eager = saved


@pytest.fixture
def tasks(monkeypatch, settings, eager):
    """The task's hand-overs, recorded instead of sent to a broker (with real, not eager, tasks)."""
    from vzhg.mail import tasks as mail_tasks

    eager(False)
    settings.MAIL_HANDOVER_SECONDS = 0.2
    settings.MAIL_BATCH_SIZE = 50
    sent: list[list[int]] = []
    monkeypatch.setattr(mail_tasks.mail_send_batch_task, "delay", lambda ids: sent.append(list(ids)))
    handover.mail_handover_flush()
    yield sent
    handover.mail_handover_flush()


def wait_for(condition, seconds=5.0):
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)
    return condition()


def test_rows_of_many_requests_go_to_the_worker_in_one_task(tasks):
    requests = [threading.Thread(target=handover.mail_hand_over, args=([n],)) for n in range(1, 31)]
    for request in requests:
        request.start()
    for request in requests:
        request.join()
    assert tasks == []  # nothing yet: the requests only noted their rows
    assert wait_for(lambda: tasks)
    time.sleep(0.3)
    assert len(tasks) == 1 and sorted(tasks[0]) == list(range(1, 31))  # one task, each row once

    handover.mail_hand_over([99])  # the thread keeps serving later rows
    assert wait_for(lambda: [99] in tasks)


def test_a_row_is_handed_over_after_its_commit_only(tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        mail = mail_queue_lazy(to="lid@delft.nl", subject="Aanmelding", kind="test.lazy", build={})
        assert handover._handover._ids == []  # not before the commit
    assert wait_for(lambda: tasks == [[mail.pk]])


def test_a_broker_outage_is_logged_and_the_rows_stay_for_the_sweep(monkeypatch, settings, caplog, eager):
    from vzhg.mail import tasks as mail_tasks

    eager(False)
    settings.MAIL_HANDOVER_SECONDS = 0.05

    def broker_down(ids):
        raise ConnectionError("Redis is away")

    monkeypatch.setattr(mail_tasks.mail_send_batch_task, "delay", broker_down)
    mail = OutgoingMail.objects.create(kind="test.lazy", to="lid@delft.nl", subject="Aanmelding", build={})
    handover.mail_hand_over([mail.pk])
    assert wait_for(lambda: "stays queued for the sweep" in caplog.text)
    mail.refresh_from_db()
    assert mail.status == OutgoingMail.Status.QUEUED
    assert handover.mail_handover_flush() == 0  # nothing left over, nothing raised


def test_with_eager_tasks_or_no_interval_the_rows_go_at_once(monkeypatch, settings, eager):
    from vzhg.mail import tasks as mail_tasks

    sent = []
    monkeypatch.setattr(mail_tasks.mail_send_batch_task, "delay", lambda ids: sent.append(list(ids)))
    eager(True)
    settings.MAIL_HANDOVER_SECONDS = 0.2
    handover.mail_hand_over([5])
    eager(False)
    settings.MAIL_HANDOVER_SECONDS = 0
    handover.mail_hand_over([6])
    assert sent == [[5], [6]]
