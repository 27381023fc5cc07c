"""The promise of a message to thousands, with the real services (Redis, a Celery worker, an SMTP
sink; run by scripts/test): every recipient gets exactly one mail, also when the worker is
killed (SIGKILL) while it is preparing the message's outbox rows and delivering the first ones."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from members.models import Person
from messaging import sending, services
from messaging.models import Message, MessageRecipient
from tests.factories import MunicipalityFactory, UserFactory
from tests.fixtures.worker_kill import finish_after_restart, kill_halfway, mails
from vzhg.mail.services import mail_sweep

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

COUNT = 2000
KEPT = 40  # the sink keeps this many, then holds every further delivery in DATA
KIND = "messaging.message.sent"


def _audience(count: int) -> tuple[Message, list[str]]:
    municipality = MunicipalityFactory()
    Person.objects.bulk_create(
        Person(first_name=f"Lid{i:04d}", last_name="Test", email=f"lid{i:04d}@example.org",
               organisation=municipality)
        for i in range(count)
    )  # fmt: skip
    staff = UserFactory(is_staff=True)
    message = services.message_create(
        audience="people", subject="Bericht voor {voornaam}", body="{aanhef},\n\nEen bericht.", actor=staff
    )
    ids = Person.objects.filter(organisation=municipality).values_list("pk", flat=True)
    Message.people.through.objects.bulk_create(
        Message.people.through(message_id=message.pk, person_id=pk) for pk in ids
    )
    return message, [f"lid{i:04d}@example.org" for i in range(count)]


def _mails(status: str) -> int:
    return mails(KIND, status)


def test_a_message_to_thousands_arrives_exactly_once_even_when_the_worker_is_killed(
    celery_worker_process, smtp_sink
):
    assert connection.vendor == "postgresql"
    message, addresses = _audience(COUNT)
    smtp_sink.hold(after=KEPT)
    staff = message.created_by

    # The request records the send and hands it to the worker (after commit: at once here).
    assert services.message_send(message_id=message.pk, actor=staff) == COUNT

    # Killed halfway (tests/fixtures/worker_kill.py): the message's row lock holds the worker's
    # next batch (the sender's row lock is what a second task for the message would wait on, too).
    killed = kill_halfway(
        worker=celery_worker_process,
        sink=smtp_sink,
        kind=KIND,
        kept=KEPT,
        total=COUNT,
        first_batch_done=lambda: Message.objects.filter(pk=message.pk, last_person_id__gt=0).exists(),
        lock=lambda: Message.objects.select_for_update().get(pk=message.pk),
        prepared=lambda: MessageRecipient.objects.filter(message=message).count(),
    )
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Message.Status.SENDING, 1)

    # After the restart the message sweep resumes after the last batch the dead worker committed.
    after_stale = timezone.now() + sending.STALE_AFTER + datetime.timedelta(seconds=1)
    finish_after_restart(
        worker=celery_worker_process,
        sink=smtp_sink,
        kind=KIND,
        total=COUNT,
        killed=killed,
        sweep=lambda: sending.messages_sweep(now=after_stale),
        finished=lambda: Message.objects.filter(pk=message.pk, status=Message.Status.SENT).exists(),
    )

    recipients = [r for m in smtp_sink.messages for r in m.recipients]
    assert len(recipients) == COUNT
    assert sorted(recipients) == addresses
    message.refresh_from_db()
    assert (message.status, message.attempts, message.recipient_count) == (Message.Status.SENT, 2, COUNT)
    assert MessageRecipient.objects.filter(message=message, mail__isnull=False).count() == COUNT
    assert _mails("sent") == COUNT

    # Another sweep and another task for the message mail nobody.
    assert sending.messages_sweep(now=after_stale) == 0
    sending.message_dispatch(message_id=message.pk, on_commit=False)
    mail_sweep()
    celery_worker_process.wait_idle(timeout=60)
    assert len(smtp_sink.messages) == COUNT


def test_sending_with_the_broker_down(client, celery_worker_process, smtp_sink, redis_server):
    """Send pressed while Redis is down: no error page, the message waits (pending, not handed
    over); once Redis is back the sweep hands it over and every recipient gets one mail."""
    from django.urls import reverse

    from tests.factories import secretariat_user

    secretariat = secretariat_user(email="secretariaat@vzhg.nl")
    client.force_login(secretariat)
    message, addresses = _audience(3)
    url = reverse("admin:messaging_message_send", args=[message.pk])
    redis_server.stop()

    response = client.post(url, {"send": "1"})

    assert (response.status_code, response["Location"]) == (302, url)
    message.refresh_from_db()
    assert (message.status, message.dispatched_at, message.recipient_count) == ("pending", None, 3)
    assert sending.messages_sweep() == 0  # within the minute it is left alone

    redis_server.start()
    celery_worker_process.wait_ready()
    assert sending.messages_sweep(now=timezone.now() + datetime.timedelta(seconds=61)) == 1
    smtp_sink.wait_for(3, timeout=60)
    celery_worker_process.wait_idle()
    assert sorted(r for m in smtp_sink.messages for r in m.recipients) == addresses
    message.refresh_from_db()
    assert (message.status, message.recipient_count) == ("sent", 3)
    mail_sweep()
    celery_worker_process.wait_idle()
    assert len(smtp_sink.messages) == 3
