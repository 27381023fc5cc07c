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
from vzhg.mail.models import OutgoingMail, RelayState
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
    assert (mail.kind, mail.to, mail.status, mail.attempts) == ("members.account", user.email, "sent", 1)
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


# --- the relay down, failed mail resent ------------------------------------------------------


def _beat_until(condition, *, what: str, timeout: float = 90):
    """Play Celery beat (mail_sweep every half second) until `condition()` holds."""
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out after {timeout:.0f} s waiting for {what}")
        mail_sweep.delay()
        time.sleep(0.5)


def _secretariat_client(client):
    from members import services as member_services

    user = UserFactory(is_staff=True, email="secretariaat-test@vzhg.nl")
    user.groups.add(member_services.secretariat_group_ensure())
    client.force_login(user)
    return client


def test_relay_down_longer_than_the_old_retry_span_then_back_delivers_everything_once(
    celery_worker_process, smtp_sink
):
    smtp_sink.down()
    addresses = [f"lid{n}@katwijk.nl" for n in range(5)]
    for address in addresses:
        services.mail_queue(to=address, subject="Uitnodiging ALV", text="Welkom.")

    # The old task gave up after 1 + 5 attempts (10+20+40+80+160 s). Keep the relay down well
    # past that many attempts: nothing may fail, nothing is lost.
    _beat_until(
        lambda: OutgoingMail.objects.filter(attempts__gte=8).exists(),
        what="eight attempts on the relay while it is down",
    )
    assert set(OutgoingMail.objects.values_list("status", flat=True)) <= {"queued", "sending"}
    assert smtp_sink.messages == []

    smtp_sink.up()
    _beat_until(lambda: len(smtp_sink.messages) >= len(addresses), what="every mail after the relay is back")
    celery_worker_process.wait_idle()
    mail_sweep.delay()
    celery_worker_process.wait_idle()

    assert sorted(r for m in smtp_sink.messages for r in m.recipients) == sorted(addresses)
    assert set(OutgoingMail.objects.values_list("status", flat=True)) == {"sent"}
    assert not RelayState.objects.filter(failing_since__isnull=False).exists()


def test_attempts_and_error_are_visible_while_the_relay_is_down(client, celery_worker_process, smtp_sink):
    smtp_sink.down()
    mail = services.mail_queue(to="dirk@westland.nl", subject="Code", text="123456")
    services.mail_queue(to="eva@westland.nl", subject="Code", text="654321")

    _beat_until(
        lambda: OutgoingMail.objects.filter(pk=mail.pk, attempts__gte=2).exists(),
        what="two recorded attempts during the outage",
    )
    mail.refresh_from_db()
    assert mail.status == "queued"
    assert "Connection refused" in mail.error
    assert mail.next_attempt_at is not None
    # The other one waits for the relay's next try and says why.
    assert "Connection refused" in OutgoingMail.objects.exclude(pk=mail.pk).get().error

    page = _secretariat_client(client).get(reverse("admin:mail_outgoingmail_changelist")).content.decode()
    assert "Mailserver onbereikbaar sinds" in page
    assert "2 berichten wachten, volgende poging" in page

    smtp_sink.up()
    _beat_until(lambda: len(smtp_sink.messages) >= 2, what="both mails after the relay is back")
    celery_worker_process.wait_idle()
    assert len(smtp_sink.messages) == 2
    page = client.get(reverse("admin:mail_outgoingmail_changelist")).content.decode()
    assert "Mailserver onbereikbaar" not in page


def test_resending_failed_mail_sends_each_once(client, celery_worker_process, smtp_sink):
    failed = [
        OutgoingMail.objects.create(
            to=f"raad{n}@leiden.nl",
            subject="Agenda",
            body_text="Tot dan.",
            status="failed",
            attempts=6,
            error="Gave up after 3 days of trying: ConnectionRefusedError(111, 'Connection refused')",
        )  # fmt: skip
        for n in range(3)
    ]
    delivered = OutgoingMail.objects.create(
        to="sent@leiden.nl", subject="Agenda", body_text="x", status="sent"
    )
    smtp_sink.delay = 0.3  # the second click arrives while the first resend is still going out
    staff = _secretariat_client(client)
    selection = {"action": "resend_failed", "_selected_action": [m.pk for m in [*failed, delivered]]}

    first = staff.post(reverse("admin:mail_outgoingmail_changelist"), selection, follow=True)
    second = staff.post(reverse("admin:mail_outgoingmail_changelist"), selection, follow=True)

    assert first.status_code == second.status_code == 200
    smtp_sink.wait_for(3)
    celery_worker_process.wait_idle()
    assert sorted(r for m in smtp_sink.messages for r in m.recipients) == sorted(m.to for m in failed)
    assert set(OutgoingMail.objects.exclude(pk=delivered.pk).values_list("status", flat=True)) == {"sent"}
