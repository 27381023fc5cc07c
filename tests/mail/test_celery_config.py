"""The task layer: three queues, acknowledgement per task, a visibility timeout above every
countdown, and running tasks never cut off by a lost broker connection."""

import pytest
from django.conf import settings

from vzhg.celery import app


@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("vzhg.mail.tasks.mail_send_task", "mail"),
        ("vzhg.mail.tasks.mail_sweep", "mail"),
        ("members.tasks.anything_unrouted", "mail"),
        ("newsletters.tasks.newsletter_send_batch", "bulk"),
        ("events.tasks.invitations_send_task", "bulk"),
        ("events.tasks.event_cancel_task", "bulk"),
        ("governance.tasks.meeting_pack_build_task", "pdf"),
        ("governance.tasks.report_version_build_task", "pdf"),
    ],
)
def test_tasks_go_to_their_own_queue(task, queue):
    route = app.amqp.router.route({}, task)

    assert route["queue"].name == queue


def test_sending_tasks_ack_late_and_are_redelivered_but_nothing_else_by_default():
    from newsletters.tasks import newsletter_send_batch
    from vzhg.mail.tasks import mail_send_task, mail_sweep

    assert settings.CELERY_TASK_ACKS_LATE is False
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is False
    for task in (mail_send_task, newsletter_send_batch):
        assert (task.acks_late, task.reject_on_worker_lost) == (True, True), task.name
    assert mail_sweep.acks_late is False
    # A delivered message must not be cut off (and sent again) because the broker blinked.
    assert settings.CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS is False


def test_visibility_timeout_is_above_every_countdown_and_time_limit():
    app.loader.import_default_modules()
    longest_task = max(task.time_limit or 0 for task in app.tasks.values())
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]

    assert visibility > settings.TASK_MAX_COUNTDOWN_SECONDS
    assert visibility > longest_task
    assert visibility > settings.MAIL_RETRY_MAX_SECONDS
