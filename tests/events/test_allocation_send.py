"""Sending an allocation's results in a worker task: the Send request only records it; the task
mails each registrant exactly once (run twice, or cut off and resumed by the sweep); a send whose
task was lost (broker away) is picked up by the sweep; two Sends at once make one set of mails."""

import datetime
import threading

import pytest
from django.conf import settings
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from events import allocation_send, workshops
from events.models import AllocationMail, AllocationSend, Event, Registration
from events.tasks import workshop_allocation_send_task
from members import services as member_services
from tests.factories import UserFactory
from vzhg.errors import ServiceError
from vzhg.mail.models import OutgoingMail

from .test_allocation import closing_event

KIND = "events.workshop.allocated"


def applied(people: int):
    event = closing_event(people=people, towns=3)
    run = workshops.workshop_allocation_run(event=event, actor=None, seed=3)
    workshops.workshop_allocation_apply(run=run, actor=None)
    return event, run


def one_mail_each(event) -> None:
    emails = list(
        Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED).values_list(
            "person__email", flat=True
        )
    )
    mails = list(OutgoingMail.objects.filter(kind=KIND).values_list("to", flat=True))
    assert sorted(mails) == sorted(emails)


@pytest.mark.django_db
def test_the_request_only_records_the_send(django_capture_on_commit_callbacks):
    event, run = applied(5)
    sequence = Event.objects.get(pk=event.pk).ics_sequence
    actor = UserFactory(is_staff=True)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert workshops.workshop_allocation_send(run=run, actor=actor) == 5
    assert len(callbacks) == 1  # the hand-over to the worker, after commit
    assert not OutgoingMail.objects.filter(kind=KIND).exists()  # nothing rendered in the request
    send = AllocationSend.objects.get(run=run)
    assert (send.status, send.total, send.processed, send.requested_by) == ("pending", 5, 0, actor)
    assert Event.objects.get(pk=event.pk).ics_sequence == sequence + 1

    with django_capture_on_commit_callbacks(execute=True):
        callbacks[0]()  # the worker's task
    one_mail_each(event)
    send.refresh_from_db()
    assert (send.status, send.processed, send.queued) == ("done", 5, 5)
    run.refresh_from_db()
    assert run.sent_at is not None
    assert Event.objects.get(pk=event.pk).ics_sequence == sequence + 1  # raised once per send


@pytest.mark.django_db
def test_running_the_task_twice_mails_each_once(django_capture_on_commit_callbacks):
    event, run = applied(4)
    with django_capture_on_commit_callbacks(execute=False):
        workshops.workshop_allocation_send(run=run, actor=None)
    send = AllocationSend.objects.get(run=run)
    with django_capture_on_commit_callbacks(execute=True):
        assert workshop_allocation_send_task(send.pk) == 4
        assert workshop_allocation_send_task(send.pk) == 4  # a second hand-over does nothing
    one_mail_each(event)
    assert AllocationMail.objects.filter(send=send).count() == 4


@pytest.mark.django_db
def test_a_worker_killed_halfway_is_resumed_by_the_sweep_without_a_second_mail(
    monkeypatch, django_capture_on_commit_callbacks
):
    from vzhg.tasks import handoff_claim

    monkeypatch.setattr(allocation_send, "SEND_BATCH_SIZE", 2)
    event, run = applied(5)
    with django_capture_on_commit_callbacks(execute=False):
        workshops.workshop_allocation_send(run=run, actor=None)
    send = AllocationSend.objects.get(run=run)
    claimed = handoff_claim(
        queryset=AllocationSend.objects.all(), pk=send.pk, pending_status="pending", running_status="running"
    )
    assert allocation_send._send_batch(send_id=send.pk, started_at=claimed.started_at)  # then it dies
    assert OutgoingMail.objects.filter(kind=KIND).count() == 2

    later = timezone.now() + allocation_send.SEND_STALE_AFTER + datetime.timedelta(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert allocation_send.workshop_allocation_sends_sweep(now=later) == 1
    one_mail_each(event)
    send.refresh_from_db()
    assert (send.status, send.processed, send.attempts) == ("done", 5, 2)
    # the cut-off worker waking up writes nothing: the sweep took its send over
    assert not allocation_send._send_batch(send_id=send.pk, started_at=claimed.started_at)
    assert OutgoingMail.objects.filter(kind=KIND).count() == 5


@pytest.mark.django_db
def test_a_send_the_broker_lost_stays_pending_and_the_sweep_hands_it_over(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    user = UserFactory(is_staff=True)
    user.groups.add(member_services.secretariat_group_ensure())
    client.force_login(user)
    event, run = applied(3)
    url = reverse("admin:events_event_allocation", args=[event.pk])

    def broker_away(*args, **kwargs):
        raise OperationalError("connection refused")

    conf = workshop_allocation_send_task.app.conf
    with monkeypatch.context() as patch:
        patch.setattr(workshop_allocation_send_task, "apply_async", broker_away)
        conf.task_always_eager = False
        try:
            with django_capture_on_commit_callbacks(execute=True):
                response = client.post(url, {"send": "", "run": run.pk}, follow=True)
        finally:
            conf.task_always_eager = True
    assert response.status_code == 200  # no error page
    page = response.content.decode()
    assert "The allocation is being sent to 3 registrants." in page
    assert "0 of 3 sent." in page and 'name="send"' not in page
    send = AllocationSend.objects.get(run=run)
    assert (send.status, send.dispatched_at) == ("pending", None)
    assert not OutgoingMail.objects.filter(kind=KIND).exists()

    # the broker is back
    assert allocation_send.workshop_allocation_sends_sweep() == 0  # not yet: give the first a minute
    later = timezone.now() + allocation_send.SEND_PENDING_REDISPATCH_AFTER
    with django_capture_on_commit_callbacks(execute=True):
        assert allocation_send.workshop_allocation_sends_sweep(now=later) == 1
    one_mail_each(event)
    assert "Results sent on" in client.get(url).content.decode()


@pytest.mark.django_db
def test_the_page_shows_the_progress(client, django_capture_on_commit_callbacks):
    user = UserFactory(is_staff=True)
    user.groups.add(member_services.secretariat_group_ensure())
    client.force_login(user)
    event, run = applied(4)
    with django_capture_on_commit_callbacks(execute=False):
        workshops.workshop_allocation_send(run=run, actor=user)
    AllocationSend.objects.filter(run=run).update(status="running", processed=2)
    page = client.get(reverse("admin:events_event_allocation", args=[event.pk])).content.decode()
    assert "2 van 4 verstuurd." in page  # Dutch by default


@pytest.mark.django_db
@pytest.mark.parametrize("people", [4, 16])
def test_the_query_count_of_a_batch_does_not_grow(
    people, django_capture_on_commit_callbacks, django_assert_num_queries
):
    from vzhg.tasks import handoff_claim

    event, run = applied(people)
    with django_capture_on_commit_callbacks(execute=False):
        workshops.workshop_allocation_send(run=run, actor=None)
    send = AllocationSend.objects.get(run=run)
    claimed = handoff_claim(
        queryset=AllocationSend.objects.all(), pk=send.pk, pending_status="pending", running_status="running"
    )
    with django_capture_on_commit_callbacks(execute=False), django_assert_num_queries(9):
        assert not allocation_send._send_batch(send_id=send.pk, started_at=claimed.started_at)
    assert OutgoingMail.objects.filter(kind=KIND).count() == send.total >= people // 2  # one batch: all


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_sends_at_once_make_one_set_of_mails():
    assert connection.vendor == "postgresql"
    event, run = applied(4)
    sequence = Event.objects.get(pk=event.pk).ics_sequence
    barrier = threading.Barrier(2)
    outcomes, lock = [], threading.Lock()

    def click():
        try:
            barrier.wait(timeout=30)
            result = workshops.workshop_allocation_send(run=run, actor=None)
        except ServiceError as error:
            result = error.code
        except Exception as exc:  # noqa: BLE001 - any other error is a failure of the promise
            result = repr(exc)
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(outcomes, key=str) == sorted([4, "already_sent"], key=str)
    send = AllocationSend.objects.get(run=run)
    workshop_allocation_send_task(send.pk)  # the worker's part (a no-op if it already ran)
    one_mail_each(event)
    assert Event.objects.get(pk=event.pk).ics_sequence == sequence + 1


@pytest.mark.django_db
def test_a_send_the_worker_gave_up_on_can_be_sent_again_and_mails_only_the_rest(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    from vzhg.tasks import handoff_claim

    monkeypatch.setattr(allocation_send, "SEND_BATCH_SIZE", 2)
    user = UserFactory(is_staff=True)
    user.groups.add(member_services.secretariat_group_ensure())
    client.force_login(user)
    event, run = applied(5)
    sequence = Event.objects.get(pk=event.pk).ics_sequence
    url = reverse("admin:events_event_allocation", args=[event.pk])
    with django_capture_on_commit_callbacks(execute=False):
        workshops.workshop_allocation_send(run=run, actor=user)
    send = AllocationSend.objects.get(run=run)
    claimed = handoff_claim(
        queryset=AllocationSend.objects.all(), pk=send.pk, pending_status="pending", running_status="running"
    )
    allocation_send._send_batch(send_id=send.pk, started_at=claimed.started_at)  # 2 mailed, then dies
    AllocationSend.objects.filter(pk=send.pk).update(status="failed", error="Gestopt.")
    page = client.get(url).content.decode()
    assert "2 van 5 verstuurd. Gestopt." in page and 'name="send"' in page  # may be sent again

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"send": "", "run": run.pk}).status_code == 302
    one_mail_each(event)  # the three others, nobody twice
    send.refresh_from_db()
    assert (send.status, send.processed, send.error) == ("done", 5, "")
    assert Event.objects.get(pk=event.pk).ics_sequence == sequence + 1  # still once for this send
    page = client.get(url).content.decode()
    assert 'name="send"' not in page and 'id="sent"' in page
