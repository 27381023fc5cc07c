"""The allocation's results with the real services (Redis, a Celery worker, an SMTP sink; run by
scripts/test): every registrant gets exactly one mail, also when the worker is killed (SIGKILL)
halfway through the send — after its first batch, while the mail worker delivers it."""

import datetime
import time

import pytest
from django.db import connection
from django.utils import timezone

from events import allocation_send, workshops
from events.models import AllocationMail, AllocationSend, Registration
from tests.conftest import wait_until
from tests.fixtures.worker_kill import finish_after_restart, kill_halfway
from vzhg.mail.models import OutgoingMail
from vzhg.mail.services import mail_sweep

from .test_allocation import closing_event

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

PEOPLE = 250  # three batches of 100
KEPT = 20  # the sink keeps this many, then holds every further delivery in DATA
KIND = "events.workshop.allocated"


def _confirmations_sent() -> bool:
    return not OutgoingMail.objects.exclude(kind=KIND).filter(status__in=["queued", "sending"]).exists()


def test_the_results_arrive_exactly_once_even_when_the_worker_is_killed(celery_worker_process, smtp_sink):
    assert connection.vendor == "postgresql"
    event = closing_event(people=PEOPLE, towns=3, session_capacity=100)
    run = workshops.workshop_allocation_run(event=event, actor=None, seed=3)
    workshops.workshop_allocation_apply(run=run, actor=None)
    # The registration confirmations went through the worker: let them arrive, then forget them.
    wait_until(lambda: _confirmations_sent(), timeout=180, what="the confirmations sent", interval=0.5)
    celery_worker_process.wait_idle(timeout=120)
    smtp_sink.clear()
    addresses = sorted(
        Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED).values_list(
            "person__email", flat=True
        )
    )
    smtp_sink.hold(after=KEPT)

    # The request records the send and hands it to the worker (after commit: at once here).
    assert workshops.workshop_allocation_send(run=run, actor=None) == PEOPLE
    send = AllocationSend.objects.get(run=run)

    # Killed halfway (tests/fixtures/worker_kill.py): the send's row lock holds the worker's
    # next batch.
    killed = kill_halfway(
        worker=celery_worker_process,
        sink=smtp_sink,
        kind=KIND,
        kept=KEPT,
        total=PEOPLE,
        first_batch_done=lambda: AllocationSend.objects.filter(pk=send.pk, processed__gt=0).exists(),
        lock=lambda: AllocationSend.objects.select_for_update().get(pk=send.pk),
        prepared=lambda: AllocationMail.objects.filter(send=send).count(),
    )
    send.refresh_from_db()
    assert (send.status, send.attempts) == (AllocationSend.Status.RUNNING, 1)

    # After the restart the allocation sweep hands the send left running over again; it mails
    # only those without an AllocationMail row.
    after_stale = timezone.now() + allocation_send.SEND_STALE_AFTER + datetime.timedelta(seconds=1)
    finish_after_restart(
        worker=celery_worker_process,
        sink=smtp_sink,
        kind=KIND,
        total=PEOPLE,
        killed=killed,
        sweep=lambda: allocation_send.workshop_allocation_sends_sweep(now=after_stale),
        finished=lambda: AllocationSend.objects.filter(
            pk=send.pk, status=AllocationSend.Status.DONE
        ).exists(),
    )

    recipients = sorted(r for m in smtp_sink.messages for r in m.recipients)
    assert recipients == addresses  # each registrant exactly once
    send.refresh_from_db()
    assert (send.status, send.attempts, send.processed) == (AllocationSend.Status.DONE, 2, PEOPLE)
    assert AllocationMail.objects.filter(send=send).count() == PEOPLE
    run.refresh_from_db()
    assert run.sent_at is not None

    # Another sweep mails nobody.
    assert allocation_send.workshop_allocation_sends_sweep(now=after_stale) == 0
    mail_sweep()
    celery_worker_process.wait_idle(timeout=60)
    time.sleep(1)
    assert len(smtp_sink.messages) == PEOPLE
