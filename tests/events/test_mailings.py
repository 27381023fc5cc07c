"""Invitations and cancellation notices are prepared by a worker task, not in the web request
(issue 11, item 8), and survive a broker outage (issue 10, item 5): the request records an
EventMailing and returns; the task renders and bulk-inserts the outbox rows batch by batch;
nobody is mailed twice, also when a mailing is re-run or resumed after a dead worker."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events import invitations, mailings
from events.models import Event, EventMailing, Invitation, Registration
from members import services as member_services
from tests.conftest import wait_until
from tests.events.staff_factories import EventFactory, RegistrationFactory
from tests.factories import MemberFactory, MunicipalityFactory, PersonFactory, UserFactory
from vzhg.mail.models import OutgoingMail
from vzhg.mail.services import mail_sweep


@pytest.fixture
def secretariat(client):
    user = UserFactory(is_staff=True, email="secretariaat@vzhg.nl")
    user.groups.add(member_services.secretariat_group_ensure())
    client.force_login(user)
    return user


def members(count):
    municipality = MunicipalityFactory()
    return [PersonFactory(organisation=municipality, email=f"lid{n:03d}@example.org") for n in range(count)]


def a_minute_later():
    return timezone.now() + datetime.timedelta(seconds=61)


@pytest.mark.django_db
def test_the_request_neither_renders_mail_nor_locks_the_event():
    event = EventFactory()
    people = members(3)

    with CaptureQueriesContext(connection) as queries:
        result = invitations.invitation_send(event=event, people=people, actor=None)  # on_commit not run

    sql = [q["sql"] for q in queries.captured_queries]
    assert not any("FOR UPDATE" in q and '"events_event"' in q for q in sql), sql
    assert not any('INSERT INTO "mail_outgoingmail"' in q for q in sql)
    assert (result.created, result.skipped) == (3, 0)
    mailing = EventMailing.objects.get()
    assert (mailing.kind, mailing.status, mailing.total, mailing.processed) == ("invitation", "pending", 3, 0)
    assert not Invitation.objects.exists() and not OutgoingMail.objects.exists()


@pytest.mark.django_db
def test_a_mailing_run_twice_and_an_overlapping_one_mail_each_person_once(
    django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(mailings, "MAILING_BATCH_SIZE", 2)  # several batches with five people
    event = EventFactory()
    people = members(5)
    first = invitations.invitation_send(event=event, people=people[:3], actor=None).mailing
    second = invitations.invitation_send(event=event, people=people, actor=None).mailing  # 3 overlap

    with django_capture_on_commit_callbacks(execute=True):
        mailings.event_mailing_send(mailing_id=first.pk)
        mailings.event_mailing_send(mailing_id=first.pk)  # a second task for the same mailing
        mailings.event_mailing_send(mailing_id=second.pk)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.processed, first.queued, first.skipped) == ("done", 3, 3, 0)
    assert (second.status, second.processed, second.queued, second.skipped) == ("done", 5, 2, 3)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert Invitation.objects.filter(event=event).count() == OutgoingMail.objects.count() == 5


@pytest.mark.django_db
def test_a_mailing_a_dead_worker_left_running_resumes_where_it_stopped(
    django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(mailings, "MAILING_BATCH_SIZE", 2)
    event = EventFactory()
    people = members(5)
    mailing = invitations.invitation_send(event=event, people=people, actor=None).mailing
    # The worker handled one batch, then died: the mailing stays "running".
    claimed = mailings._mailing_claim(mailing_id=mailing.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert mailings._mailing_batch(mailing_id=mailing.pk, started_at=claimed.started_at) is True
    assert len(mail.outbox) == 2
    EventMailing.objects.filter(pk=mailing.pk).update(started_at=timezone.now() - datetime.timedelta(hours=1))

    with django_capture_on_commit_callbacks(execute=True):
        assert mailings.event_mailings_sweep() == 1  # pending again, handed over (inline here)

    mailing.refresh_from_db()
    assert (mailing.status, mailing.processed, mailing.attempts) == ("done", 5, 2)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert OutgoingMail.objects.count() == 5


@pytest.mark.django_db
def test_the_page_shows_a_send_that_is_being_prepared(client, secretariat):
    event = EventFactory()
    invitations.invitation_send(event=event, people=members(2), actor=secretariat)  # on_commit not run

    page = client.get(reverse("admin:events_event_invitations", args=[event.pk]))

    content = page.content.decode()
    assert page.context["mailings"][0].status == "pending"
    assert "wacht op verwerking: 0 van 2 verwerkt" in content
    assert "De e-mail wordt op de achtergrond klaargezet." in content


@pytest.mark.django_db
def test_one_cancellation_mailing_per_event():
    from django.db import IntegrityError, transaction

    event = EventFactory()
    EventMailing.objects.create(event=event, kind="cancellation", total=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        EventMailing.objects.create(event=event, kind="cancellation", total=0)


# --- with the broker down: real Redis (stopped), worker and SMTP sink ------------------------------


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_inviting_with_the_broker_down(client, secretariat, celery_worker_process, smtp_sink, redis_server):
    event = EventFactory(title="Voorjaarscongres")
    people = members(3)
    url = reverse("admin:events_event_invitations", args=[event.pk])
    redis_server.stop()

    response = client.post(url, {"audience": "people", "people": [p.pk for p in people], "send": "yes"})

    assert (response.status_code, response["Location"]) == (302, url)
    mailing = EventMailing.objects.get()
    assert (mailing.status, mailing.dispatched_at, mailing.total) == ("pending", None, 3)
    assert mailings.event_mailings_sweep() == 0  # within the minute it is left alone

    redis_server.start()
    celery_worker_process.wait_ready()
    assert mailings.event_mailings_sweep(now=a_minute_later()) == 1

    smtp_sink.wait_for(3, timeout=60)
    celery_worker_process.wait_idle()
    assert sorted(r for m in smtp_sink.messages for r in m.recipients) == sorted(p.email for p in people)
    mailing.refresh_from_db()
    assert (mailing.status, mailing.queued) == ("done", 3)
    assert mailings.event_mailings_sweep(now=a_minute_later()) == 0
    mail_sweep()
    celery_worker_process.wait_idle()
    assert len(smtp_sink.messages) == 3


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_cancelling_with_the_broker_down(client, secretariat, celery_worker_process, smtp_sink, redis_server):
    event = EventFactory(title="Najaarscongres")
    registrations = [RegistrationFactory(event=event, person=MemberFactory()) for _ in range(2)]
    RegistrationFactory(event=event, status=Registration.Status.CANCELLED)
    redis_server.stop()

    response = client.post(
        reverse("admin:events_event_changelist"),
        {"action": "cancel_events", "_selected_action": [event.pk], "post": "yes"},
    )

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    mailing = EventMailing.objects.get(event=event)
    assert (mailing.kind, mailing.status, mailing.total) == ("cancellation", "pending", 2)

    redis_server.start()
    celery_worker_process.wait_ready()
    assert mailings.event_mailings_sweep(now=a_minute_later()) == 1

    smtp_sink.wait_for(2, timeout=60)
    celery_worker_process.wait_idle()
    assert sorted(r for m in smtp_sink.messages for r in m.recipients) == sorted(
        r.person.email for r in registrations
    )
    wait_until(
        lambda: EventMailing.objects.filter(pk=mailing.pk, status="done").exists(), timeout=10, what="done"
    )
