"""The allocation's results with the real services (Redis, a Celery worker, an SMTP sink; run by
scripts/test): every registrant gets exactly one mail, also when the worker is killed (SIGKILL)
halfway through the send — after its first batch, while the mail worker delivers it."""

import datetime
import time

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from events import allocation_send, workshops
from events.models import AllocationMail, AllocationSend, Registration
from tests.conftest import wait_until
from vzhg.mail import services as mail_services
from vzhg.mail.models import OutgoingMail
from vzhg.mail.services import mail_sweep

from .test_allocation import closing_event

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

PEOPLE = 250  # three batches of 100
KEPT = 20  # the sink keeps this many, then holds every further delivery in DATA
KIND = "events.workshop.allocated"


def _mails(status: str) -> int:
    return OutgoingMail.objects.filter(kind=KIND, status=status).count()


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

    # Once the first batch is committed, the test takes the send's row lock: the worker's next
    # batch waits for it, so the kill finds the send half done.
    wait_until(
        lambda: AllocationSend.objects.filter(pk=send.pk, processed__gt=0).exists(),
        timeout=120,
        what="the first batch to be prepared",
        interval=0.005,
    )
    with transaction.atomic():
        AllocationSend.objects.select_for_update().get(pk=send.pk)
        prepared = AllocationMail.objects.filter(send=send).count()
        assert 0 < prepared < PEOPLE, prepared

        # Kill when every message the sink kept is recorded as sent and one is held in DATA.
        def _killable() -> bool:
            return smtp_sink.held >= 1 and _mails("sent") == len(smtp_sink.messages) == KEPT

        wait_until(_killable, timeout=120, what="the first mails sent and one held in DATA")
        celery_worker_process.kill()  # SIGKILL: the send and the held delivery are cut off
        smtp_sink.release()
    assert len(smtp_sink.messages) == KEPT

    send.refresh_from_db()
    assert (send.status, send.attempts) == (AllocationSend.Status.RUNNING, 1)
    assert AllocationMail.objects.filter(send=send).count() == prepared
    in_flight = list(OutgoingMail.objects.filter(kind=KIND, status="sending"))
    assert len(in_flight) <= 2
    assert _mails("queued") + len(in_flight) == prepared - KEPT

    celery_worker_process.restart()
    # What Celery beat does every minute: the send left running by the dead worker goes back to
    # pending and is handed over; it mails only those without an AllocationMail row.
    after_stale = timezone.now() + allocation_send.SEND_STALE_AFTER + datetime.timedelta(seconds=1)
    assert allocation_send.workshop_allocation_sends_sweep(now=after_stale) == 1
    wait_until(
        lambda: AllocationSend.objects.filter(pk=send.pk, status=AllocationSend.Status.DONE).exists(),
        timeout=300,
        what="the rest of the send prepared",
        interval=0.5,
    )
    celery_worker_process.wait_idle(timeout=300)
    mail_sweep()  # the dead worker's mail tasks: their rows are handed over again
    wait_until(
        lambda: _mails("sent") == PEOPLE - len(in_flight),
        timeout=120,
        what="every queued mail sent",
        interval=0.5,
    )
    celery_worker_process.wait_idle(timeout=120)
    # The deliveries cut off in flight: settled as failed ("may or may not have arrived") and
    # resent by the secretariat.
    later = timezone.now() + datetime.timedelta(seconds=settings.MAIL_SENDING_STALE_SECONDS + 1)
    assert mail_services.mail_interrupted_settle(now=later) == len(in_flight)
    assert mail_services.mail_resend(mail_ids=[mail.pk for mail in in_flight]) == len(in_flight)
    smtp_sink.wait_for(PEOPLE, timeout=120)
    celery_worker_process.wait_idle(timeout=120)
    time.sleep(1)

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
