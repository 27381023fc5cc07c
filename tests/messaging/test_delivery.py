"""The promise of a message to thousands, with the real services (Redis, a Celery worker, an SMTP
sink; run by scripts/test): every recipient gets exactly one mail, also when the worker is
killed (SIGKILL) while it is preparing the message's outbox rows and delivering the first ones."""

import datetime
import time

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from members.models import Person
from messaging import sending, services
from messaging.models import Message, MessageRecipient
from tests.conftest import wait_until
from tests.factories import MunicipalityFactory, UserFactory
from vzhg.mail import services as mail_services
from vzhg.mail.models import OutgoingMail
from vzhg.mail.services import mail_sweep

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

COUNT = 2000
KEPT = 40  # the sink keeps this many, then holds every further delivery in DATA


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
    return OutgoingMail.objects.filter(kind="messaging.message.sent", status=status).count()


def test_a_message_to_thousands_arrives_exactly_once_even_when_the_worker_is_killed(
    celery_worker_process, smtp_sink
):
    assert connection.vendor == "postgresql"
    message, addresses = _audience(COUNT)
    smtp_sink.hold(after=KEPT)
    staff = message.created_by

    # The request records the send and hands it to the worker (after commit: at once here).
    assert services.message_send(message_id=message.pk, actor=staff) == COUNT

    # Once the worker has committed its first batch, the test takes the message's row lock: the
    # worker's next batch waits for it, so the kill below finds the preparation half done. (The
    # sender's row lock is what a second task for the message would wait on, too.)
    wait_until(
        lambda: Message.objects.filter(pk=message.pk, last_person_id__gt=0).exists(),
        timeout=120,
        what="the first batch to be prepared",
        interval=0.005,
    )
    with transaction.atomic():
        Message.objects.select_for_update().get(pk=message.pk)
        prepared = MessageRecipient.objects.filter(message=message).count()
        assert 0 < prepared < COUNT, prepared

        # Meanwhile the other pool process delivers what was prepared, until the sink holds one
        # in DATA. Kill when every message the sink kept is recorded as sent, so that none is
        # half delivered (kept by the relay, not yet marked sent: the one window no outbox can
        # close).
        def _killable() -> bool:
            return smtp_sink.held >= 1 and _mails("sent") == len(smtp_sink.messages) == KEPT

        wait_until(_killable, timeout=120, what="the first mails sent and one held in DATA")
        celery_worker_process.kill()  # SIGKILL: the preparation and the held delivery are cut off
        smtp_sink.release()
    assert len(smtp_sink.messages) == KEPT

    message.refresh_from_db()
    assert (message.status, message.attempts) == (Message.Status.SENDING, 1)
    assert MessageRecipient.objects.filter(message=message).count() == prepared
    # The delivery cut off in DATA was handed to the relay ("sending"): nobody knows whether it
    # kept it. The rest of what was prepared is plainly queued.
    in_flight = list(OutgoingMail.objects.filter(kind="messaging.message.sent", status="sending"))
    assert len(in_flight) <= 2
    assert _mails("queued") + len(in_flight) == prepared - KEPT

    celery_worker_process.restart()
    # What Celery beat does every minute: the message left "sending" by the dead worker goes back
    # to pending and is handed over; it resumes after the last batch the dead worker committed.
    after_stale = timezone.now() + sending.STALE_AFTER + datetime.timedelta(seconds=1)
    assert sending.messages_sweep(now=after_stale) == 1
    wait_until(
        lambda: Message.objects.filter(pk=message.pk, status=Message.Status.SENT).exists(),
        timeout=300,
        what="the rest of the message prepared",
        interval=0.5,
    )
    celery_worker_process.wait_idle(timeout=300)
    # The mail tasks the dead worker had taken are gone with it (Redis hands them out again only
    # after its visibility timeout): the mail sweep hands their rows over again. A row is sent
    # only while it is still queued, so a second hand-over is harmless.
    mail_sweep()
    wait_until(
        lambda: _mails("sent") == COUNT - len(in_flight),
        timeout=120,
        what="every queued mail sent",
        interval=0.5,
    )
    celery_worker_process.wait_idle(timeout=120)
    # Later the mail sweep decides about the deliveries in flight (MAIL_RESEND_INTERRUPTED=False:
    # failed, "may or may not have arrived"); the secretariat resends them.
    later = timezone.now() + datetime.timedelta(seconds=settings.MAIL_SENDING_STALE_SECONDS + 1)
    assert mail_services.mail_interrupted_settle(now=later) == len(in_flight)
    assert mail_services.mail_resend(mail_ids=[mail.pk for mail in in_flight]) == len(in_flight)
    smtp_sink.wait_for(COUNT, timeout=120)
    celery_worker_process.wait_idle(timeout=120)
    time.sleep(1)

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
