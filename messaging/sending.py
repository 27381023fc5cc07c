"""The worker's part of sending a message, for audiences of thousands.

The request (services.message_send) only records the send: the message becomes pending, and
after commit `messaging.tasks.message_send_task` is handed the message's id (vzhg.tasks). The
task claims it (pending → sending) and prepares it batch by batch, each batch in one short
transaction: the next people of the audience in person id order (never all of them in memory),
one MessageRecipient per new address — with its outbox row, or marked undeliverable and skipped
— and the place reached (`last_person_id`) advanced in the same transaction. A task that is cut
off therefore resumes after the last batch it committed, and the (message, address) constraint
keeps every address to one row: nobody gets a second mail. The outbox rows are handed to the
mail worker after each batch commits. Celery beat runs `messages_sweep` every minute for
messages the broker (down when Send was pressed) or a dead worker left behind.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vzhg.mail.attachments import attachments_for_row
from vzhg.mail.bounces import undeliverable_exists
from vzhg.mail.models import OutgoingMail
from vzhg.mail.services import mail_reference
from vzhg.markdown import markdown_to_html
from vzhg.tasks import handoff_claim, handoff_owned

from .audiences import source_parse
from .models import Message, MessageRecipient
from .selectors import message_people
from .services import message_attachments, message_headers, message_render

BATCH_SIZE = 200
# A message still "sending" this long after it was claimed was cut off (its task's hard time
# limit is 300 s); the sweep puts it back to pending and it resumes where it stopped.
STALE_AFTER = datetime.timedelta(seconds=360)
PENDING_REDISPATCH_AFTER = datetime.timedelta(seconds=60)
HANDED_REDISPATCH_AFTER = datetime.timedelta(minutes=10)
MAX_ATTEMPTS = 5


def message_dispatch(*, message_id: int, on_commit: bool) -> bool:
    """Hand the message to the worker (after commit, or now); a broker outage only leaves it
    pending for the sweep."""
    from vzhg.tasks import task_dispatch, task_dispatch_on_commit

    from .tasks import message_send_task

    def note() -> None:
        Message.objects.filter(pk=message_id, status=Message.Status.PENDING).update(
            dispatched_at=timezone.now()
        )

    if on_commit:
        task_dispatch_on_commit(message_send_task, args=(message_id,), on_handed=note)
        return True
    return task_dispatch(message_send_task, args=(message_id,), on_handed=note)


def message_deliver(*, message_id: int) -> Message:
    """The worker's part: claim the message (pending → sending), then batch after batch until
    every person of the audience is handled. A second task for the same message finds it no
    longer pending and does nothing."""
    message = handoff_claim(
        queryset=Message.objects.all(),
        pk=message_id,
        pending_status=Message.Status.PENDING,
        running_status=Message.Status.SENDING,
    )
    if message is None:
        return Message.objects.get(pk=message_id)
    markdown_html = markdown_to_html(message.body)
    while _batch(message_id=message.pk, started_at=message.started_at, markdown_html=markdown_html):
        pass
    return Message.objects.get(pk=message_id)


def _batch(*, message_id: int, started_at, markdown_html: str) -> bool:
    """One batch in one short transaction. Returns whether more is left."""
    from vzhg.mail.services import mail_dispatch

    with transaction.atomic():
        message = handoff_owned(
            queryset=Message.objects.all(),
            pk=message_id,
            running_status=Message.Status.SENDING,
            started_at=started_at,
        )
        if message is None:
            return False  # taken over by the sweep (thought dead) or finished elsewhere
        people = list(
            message_people(message=message)
            .filter(pk__gt=message.last_person_id)
            .annotate(is_undeliverable=undeliverable_exists("email"))[:BATCH_SIZE]
        )
        if not people:
            _finish(message)
            return False
        addresses = {(person.email or "").strip().lower() for person in people} - {""}
        recorded = set(
            MessageRecipient.objects.filter(message=message, email__in=addresses).values_list(
                "email", flat=True
            )
        )
        chosen, skipped = [], []
        for person in people:  # in id order: the first of several who share an address
            address = (person.email or "").strip().lower()
            if not address or address in recorded:
                continue
            recorded.add(address)
            (skipped if person.is_undeliverable else chosen).append((person, address))
        mails = OutgoingMail.objects.bulk_create(
            _outgoing(message, chosen, markdown_html=markdown_html, kind="messaging.message.sent")
        )
        MessageRecipient.objects.bulk_create(
            [
                MessageRecipient(message=message, person=person, email=address, mail=mail)
                for (person, address), mail in zip(chosen, mails, strict=True)
            ]
            + [
                MessageRecipient(message=message, person=person, email=address, undeliverable=True)
                for person, address in skipped
            ]
        )
        message.last_person_id = people[-1].pk
        message.save(update_fields=["last_person_id"])
        if mails:
            ids = [mail.pk for mail in mails]
            transaction.on_commit(lambda: mail_dispatch(mail_ids=ids), robust=True)
    return True


def _outgoing(message: Message, chosen, *, markdown_html: str, kind: str) -> list[OutgoingMail]:
    """The outbox rows of one batch, as vzhg.mail.services.mail_queue stores them (queued)."""
    if not chosen:
        return []
    source = source_parse(message.source)
    headers = message_headers(message)
    attachments = attachments_for_row(message_attachments(message))
    reference = mail_reference(message)
    rows = []
    for person, address in chosen:
        rendered = message_render(message=message, person=person, source=source, markdown_html=markdown_html)
        rows.append(
            OutgoingMail(
                kind=kind,
                to=address,
                subject=rendered.subject,
                body_text=rendered.text,
                body_html=rendered.html,
                headers=headers,
                attachments=attachments,
                reference=reference,
            )
        )
    return rows


def _finish(message: Message) -> None:
    """Every person handled: the message is sent; its counts are what was prepared."""
    rows = MessageRecipient.objects.filter(message=message)
    message.recipient_count = rows.filter(undeliverable=False).count()
    message.skipped_count = rows.filter(undeliverable=True).count()
    message.status = Message.Status.SENT
    message.finished_at = timezone.now()
    message.save(update_fields=["recipient_count", "skipped_count", "status", "finished_at"])


def message_send_release(*, message_id: int) -> bool:
    """A task ran out of time: the message goes back to pending and is handed over again; it
    resumes where it stopped."""
    updated = Message.objects.filter(pk=message_id, status=Message.Status.SENDING).update(
        status=Message.Status.PENDING, started_at=None, dispatched_at=None
    )
    return bool(updated) and message_dispatch(message_id=message_id, on_commit=False)


def messages_sweep(*, now: datetime.datetime | None = None) -> int:
    """Run by Celery beat every minute: hand pending messages to the worker again (never handed:
    after a minute; handed but never started: after HANDED_REDISPATCH_AFTER) and put messages a
    dead worker left sending back to pending (stopped after MAX_ATTEMPTS). Returns how many it
    handed over."""
    from vzhg.tasks import handoffs_sweep

    def give_up(message: Message, now) -> list[str]:
        message.status = Message.Status.FAILED
        message.error = _(
            "Stopped %(count)d times without finishing; the recipients prepared so far were sent. "
            "Not tried again."
        ) % {"count": message.attempts}
        message.finished_at = now
        return ["status", "error", "finished_at"]

    return handoffs_sweep(
        queryset=Message.objects.all(),
        running_status=Message.Status.SENDING,
        pending_status=Message.Status.PENDING,
        stale_after=STALE_AFTER,
        pending_after=PENDING_REDISPATCH_AFTER,
        handed_after=HANDED_REDISPATCH_AFTER,
        max_attempts=MAX_ATTEMPTS,
        give_up=give_up,
        dispatch=lambda message_id: message_dispatch(message_id=message_id, on_commit=False),
        now=now or timezone.now(),
        label="message",
    )
