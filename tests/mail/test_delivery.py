"""Mail is delivered by the real Celery worker through Redis: exactly once, and not lost when the
broker is down.

These run on the services scripts/test starts (PostgreSQL, Redis), with a real worker process
sending to an SMTP sink on loopback (tests/conftest.py). Transactional: the worker is another
process and must see the committed rows.
"""

import pytest
from django.contrib.auth import get_user
from django.urls import reverse

from tests.factories import UserFactory
from vzhg.mail import services
from vzhg.mail.models import OutgoingMail
from vzhg.mail.tasks import mail_sweep

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _pending_login_code(client) -> str:
    """The login code allauth keeps in the session for the login it is waiting to confirm."""
    state = client.session["account_login"]["state"]
    return state["stages"]["login_by_code"]["data"]["code"]


def _request_login_code(client, email: str):
    return client.post(reverse("account_request_login_code"), {"email": email})


def test_login_code_mail_is_sent_by_the_worker_after_commit(client, celery_worker_process, smtp_sink):
    user = UserFactory(email="anna.jansen@gouda.nl")

    response = _request_login_code(client, user.email)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_confirm_login_code")
    [received] = smtp_sink.wait_for(1)
    celery_worker_process.wait_idle()
    assert len(smtp_sink.messages) == 1
    assert received.recipients == [user.email]
    code = _pending_login_code(client)
    assert code in received.text
    mail = OutgoingMail.objects.get()
    assert (mail.kind, mail.to, mail.status, mail.attempts) == ("account", user.email, "sent", 1)
    assert mail.sent_at is not None

    response = client.post(reverse("account_confirm_login_code"), {"code": code})

    assert response.status_code == 302
    assert get_user(client) == user


def test_broker_outage_loses_no_mail(client, celery_worker_process, smtp_sink, redis_server):
    user = UserFactory(email="bram.de.vries@leiden.nl")
    redis_server.stop()

    response = _request_login_code(client, user.email)

    # The request succeeds without the broker; the mail waits as a queued row.
    assert response.status_code == 302
    assert response["Location"] == reverse("account_confirm_login_code")
    mail = OutgoingMail.objects.get()
    assert (mail.status, mail.attempts) == ("queued", 0)
    assert smtp_sink.messages == []

    redis_server.start()
    celery_worker_process.wait_ready()  # the worker has reconnected on its own
    mail_sweep.delay()  # what Celery beat does every minute

    [received] = smtp_sink.wait_for(1)
    celery_worker_process.wait_idle()
    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == ("sent", 1)
    assert received.recipients == [user.email]
    assert _pending_login_code(client) in received.text
    # Sweeping again finds nothing left to hand over, and nothing more arrives.
    assert services.mail_sweep() == 0
    celery_worker_process.wait_idle()
    assert len(smtp_sink.messages) == 1


def test_mail_dispatched_three_times_is_sent_once(celery_worker_process, smtp_sink):
    # The row as mail_queue stores it, before it is handed over (that happens on commit).
    mail = OutgoingMail.objects.create(to="carla@zoetermeer.nl", subject="Agenda", body_text="Tot dan.")
    smtp_sink.delay = 0.5  # the first send holds the row while the other tasks arrive

    assert services.mail_dispatch(mail_ids=[mail.pk, mail.pk, mail.pk]) == 3

    [received] = smtp_sink.wait_for(1)
    celery_worker_process.wait_idle()
    assert len(smtp_sink.messages) == 1
    assert received.message["Subject"] == "Agenda"
    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == ("sent", 1)


def test_permanent_refusal_fails_the_mail_without_retrying(celery_worker_process, smtp_sink):
    mail = services.mail_queue(to="bounce@delft.nl", subject="Uitnodiging", text="Welkom.")

    celery_worker_process.wait_idle()

    mail.refresh_from_db()
    assert mail.status == "failed"
    assert mail.attempts == 1
    assert "550" in mail.error
    assert "Mailbox does not exist" in mail.error
    assert smtp_sink.messages == []
