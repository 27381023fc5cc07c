"""Big audiences: the request records the send, a worker task prepares the outbox rows batch by
batch; a send the broker or a dead worker left behind is picked up by the sweep; every address
gets one mail, also when the task runs twice or two sends race; undeliverable addresses are
skipped and counted."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import Person
from messaging import selectors, sending, services
from messaging.models import Message, MessageRecipient
from tests.factories import MunicipalityFactory, PersonFactory, UserFactory, secretariat_user
from vzhg.errors import ServiceError
from vzhg.mail.bounce_models import BouncedAddress
from vzhg.mail.models import OutgoingMail

SENT = "messaging.message.sent"


@pytest.fixture
def staff():
    return UserFactory(is_staff=True)


def people(count, prefix="lid"):
    municipality = MunicipalityFactory()
    return [
        PersonFactory(organisation=municipality, first_name=f"Lid{n}", email=f"{prefix}{n:03d}@example.org")
        for n in range(count)
    ]


def message_to(chosen, staff, **fields):
    message = services.message_create(
        audience="people", subject=fields.pop("subject", "Hallo {voornaam}"), body="{aanhef},", actor=staff
    )
    message.people.set(chosen)
    return message


def undeliverable(*addresses):
    for address in addresses:
        BouncedAddress.objects.create(email=address, hard_bounces=1, undeliverable_since=timezone.now())


def later(**delta):
    return timezone.now() + datetime.timedelta(**(delta or {"seconds": 61}))


@pytest.mark.django_db
def test_the_request_only_records_the_send(staff):
    message = message_to(people(3), staff)

    with CaptureQueriesContext(connection) as queries:
        assert services.message_send(message_id=message.pk, actor=staff) == 3  # on_commit not run

    sql = [q["sql"] for q in queries.captured_queries]
    assert not any('"mail_outgoingmail"' in q or 'INTO "messaging_messagerecipient"' in q for q in sql)
    message.refresh_from_db()
    assert (message.status, message.recipient_count, message.sent_by) == ("pending", 3, staff)
    assert message.requested_at is not None and message.dispatched_at is None
    assert not OutgoingMail.objects.exists() and not MessageRecipient.objects.exists()


@pytest.mark.django_db
def test_a_pending_send_is_picked_up_by_the_sweep(staff, django_capture_on_commit_callbacks):
    """The task was lost (broker down when Send was pressed): within the minute the sweep leaves
    the message alone, then it hands it over and every recipient gets one mail."""
    chosen = people(3)
    message = message_to(chosen, staff)
    services.message_send(message_id=message.pk, actor=staff)  # the hand-over after commit is lost

    assert sending.messages_sweep() == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert sending.messages_sweep(now=later()) == 1
        assert sending.messages_sweep(now=later()) == 0  # sent: nothing left to hand over

    message.refresh_from_db()
    assert (message.status, message.recipient_count, message.attempts) == ("sent", 3, 1)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in chosen)
    assert [m.subject for m in mail.outbox if m.to == [chosen[0].email]] == ["Hallo Lid0"]


@pytest.mark.django_db
def test_a_send_a_dead_worker_left_resumes_where_it_stopped(
    staff, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(sending, "BATCH_SIZE", 2)
    chosen = people(5)
    message = message_to(chosen, staff)
    services.message_send(message_id=message.pk, actor=staff)
    # The worker claimed it, prepared one batch, then died: the message stays "sending".
    claimed = sending.handoff_claim(
        queryset=Message.objects.all(), pk=message.pk, pending_status="pending", running_status="sending"
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert sending._batch(message_id=message.pk, started_at=claimed.started_at, markdown_html="") is True
    assert len(mail.outbox) == 2
    assert sending.messages_sweep(now=later()) == 0  # running, not yet stale
    Message.objects.filter(pk=message.pk).update(started_at=timezone.now() - datetime.timedelta(hours=1))

    with django_capture_on_commit_callbacks(execute=True):
        assert sending.messages_sweep() == 1  # pending again, handed over (inline here)
        # The dead worker's task, if it ever came back, finds the message taken over.
        assert sending._batch(message_id=message.pk, started_at=claimed.started_at, markdown_html="") is False

    message.refresh_from_db()
    assert (message.status, message.attempts, message.recipient_count) == ("sent", 2, 5)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in chosen)
    assert OutgoingMail.objects.filter(kind=SENT).count() == MessageRecipient.objects.count() == 5


@pytest.mark.django_db
def test_a_task_run_twice_mails_each_address_once_across_batches(
    staff, monkeypatch, django_capture_on_commit_callbacks
):
    """Two people whose addresses differ only in spaces and case, in different batches, get one
    mail (the first by id)."""
    monkeypatch.setattr(sending, "BATCH_SIZE", 2)
    chosen = people(4)
    shared = PersonFactory()  # a later id, a later batch
    Person.objects.filter(pk=shared.pk).update(email=f" {chosen[0].email.upper()} ")
    without = PersonFactory()
    Person.objects.filter(pk=without.pk).update(email="")
    message = message_to([*chosen, shared, without], staff)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.message_send(message_id=message.pk, actor=staff) == 4
        sending.message_deliver(message_id=message.pk)  # a second task for the same message
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in chosen)
    assert MessageRecipient.objects.get(email=chosen[0].email).person == chosen[0]
    with pytest.raises(ServiceError) as refusal:
        services.message_send(message_id=message.pk, actor=staff)
    assert refusal.value.code == "already_sent"


@pytest.mark.django_db
def test_undeliverable_addresses_are_skipped_counted_and_listed(client, django_capture_on_commit_callbacks):
    secretariat = secretariat_user(email="secretariaat@vzhg.nl")
    client.force_login(secretariat)
    chosen = people(5)
    undeliverable(*(p.email.upper() for p in chosen[:3]))
    message = message_to(chosen, secretariat)
    url = reverse("admin:messaging_message_send", args=[message.pk])

    page = client.get(url).content.decode()
    assert "2 ontvangers" in page and "3 adressen onbestelbaar, overgeslagen." in page
    assert chosen[0].email in page  # named before sending

    with django_capture_on_commit_callbacks(execute=True):  # the worker's part (inline here)
        client.post(url, {"send": "1"})
    content = client.get(url).content.decode()
    assert "verstuurd aan 2 ontvangers. 3 adressen onbestelbaar, overgeslagen." in content
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in chosen[3:])
    message.refresh_from_db()
    assert (message.status, message.recipient_count, message.skipped_count) == ("sent", 2, 3)
    skipped = MessageRecipient.objects.filter(message=message, undeliverable=True)
    assert sorted(skipped.values_list("email", flat=True)) == sorted(p.email for p in chosen[:3])
    assert not skipped.filter(mail__isnull=False).exists()
    assert 'id="skipped-list"' in content and all(p.email in content for p in chosen[:3])
    assert selectors.message_progress(message=message)["skipped"] == 3
    person_page = client.get(reverse("admin:members_person_change", args=[chosen[0].pk])).content.decode()
    assert "Hallo {voornaam}" in person_page and "overgeslagen: onbestelbaar" in person_page


@pytest.mark.django_db
def test_a_message_that_only_reaches_undeliverable_addresses_is_refused(staff):
    chosen = people(2)
    undeliverable(*(p.email for p in chosen))
    message = message_to(chosen, staff)
    with pytest.raises(ServiceError) as refusal:
        services.message_send(message_id=message.pk, actor=staff)
    assert refusal.value.code == "empty"
    assert Message.objects.get(pk=message.pk).status == "draft"


@pytest.mark.django_db
def test_the_page_shows_a_send_that_is_being_prepared(client):
    secretariat = secretariat_user(email="secretariaat@vzhg.nl")
    client.force_login(secretariat)
    message = message_to(people(2), secretariat)
    services.message_send(message_id=message.pk, actor=secretariat)  # on_commit not run

    page = client.get(reverse("admin:messaging_message_send", args=[message.pk])).content.decode()
    assert 'id="message-preparing"' in page and "0 van 2 klaar" in page
    assert 'id="send-button"' not in page


# The claim (4, with its savepoint); one batch (9): lock the message, read the people, the
# addresses already recorded, the attachments, insert the outbox rows, insert the recipients, note
# how far it got; the last batch (7): lock, the empty read, two counts, the status; the result (1).
QUERIES_DELIVER = 21


@pytest.mark.parametrize("size", [5, 50])
@pytest.mark.django_db
def test_preparing_a_batch_does_not_grow_with_its_recipients(staff, django_assert_num_queries, size):
    message = message_to(people(size), staff)
    services.message_send(message_id=message.pk, actor=staff)
    with django_assert_num_queries(QUERIES_DELIVER):
        sending.message_deliver(message_id=message.pk)
    assert OutgoingMail.objects.filter(kind=SENT).count() == size


# Session, user, permissions (2), message with its sender, skipped, attachments, progress, failures.
QUERIES_PROGRESS_PAGE = 9


@pytest.mark.parametrize("size", [5, 50])
@pytest.mark.django_db
def test_the_progress_page_queries_do_not_grow(client, django_assert_num_queries, size):
    secretariat = secretariat_user(email="secretariaat@vzhg.nl")
    client.force_login(secretariat)
    chosen = people(size)
    undeliverable(chosen[0].email)
    message = message_to(chosen, secretariat)
    services.message_send(message_id=message.pk, actor=secretariat)
    sending.message_deliver(message_id=message.pk)
    url = reverse("admin:messaging_message_send", args=[message.pk])
    client.get(url)  # warm the session and permission caches
    with django_assert_num_queries(QUERIES_PROGRESS_PAGE):
        assert client.get(url).status_code == 200


# --- on PostgreSQL: two sends of one message at the same moment ------------------------------------


def _race(target, count=2):
    """Run `target()` in `count` threads released together; returns their results or errors."""
    barrier = threading.Barrier(count)
    results: list = []

    def run():
        try:
            barrier.wait()
            results.append(target())
        except Exception as error:  # noqa: BLE001 - the refusal is the result
            results.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_sends_of_one_message_at_once_mail_each_address_once(staff, django_capture_on_commit_callbacks):
    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL (scripts/test)")
    chosen = people(30)
    message = message_to(chosen, staff)

    results = _race(lambda: services.message_send(message_id=message.pk, actor=staff))

    assert [r for r in results if not isinstance(r, Exception)] == [30]
    assert [getattr(r, "code", r) for r in results if isinstance(r, Exception)] == ["already_sent"]
    assert OutgoingMail.objects.filter(kind=SENT).count() == 30  # the winner's task ran inline
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in chosen)


@pytest.mark.django_db(transaction=True)
def test_two_tasks_of_one_message_at_once_mail_each_address_once(staff, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL (scripts/test)")
    monkeypatch.setattr(sending, "BATCH_SIZE", 5)
    chosen = people(40)
    message = message_to(chosen, staff)
    Message.objects.filter(pk=message.pk).update(
        status="pending", requested_at=timezone.now(), recipient_count=40
    )  # recorded, the hand-over not yet made

    _race(lambda: sending.message_deliver(message_id=message.pk), count=3)

    message.refresh_from_db()
    assert (message.status, message.attempts, message.recipient_count) == ("sent", 1, 40)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in chosen)
    assert OutgoingMail.objects.filter(kind=SENT).count() == 40
