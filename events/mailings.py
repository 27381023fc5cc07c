"""Mailings: invitations and an event's cancellation notice, prepared by a worker task.

The request records one EventMailing (pending) with the recipients' ids; after commit
`events.tasks.event_mailing_send_task` claims it (running) and renders, bulk-inserts and hands the
outbox rows to the mail worker batch by batch, advancing `processed` in the same transaction, so a
task that is cut off resumes where it stopped and nobody gets a second mail. Celery beat runs
`event_mailings_sweep` every minute for mailings the broker or a dead worker left behind.
"""

from __future__ import annotations

import base64
import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Person
from vzhg.mail.bounces import undeliverable_exists
from vzhg.mail.models import OutgoingMail
from vzhg.mail.services import mail_reference
from vzhg.tasks import handoff_claim

from .emails import RenderedMail, event_context, staff_mail_render
from .invitation_mail import invitation_mails_render, invitation_texts_prepare
from .models import Event, EventMailing, Invitation, Registration


def cancellation_mail_render(*, event: Event, registration: Registration) -> RenderedMail:
    """The mail that tells one registrant the event is cancelled."""
    return staff_mail_render(
        "cancelled", {**event_context(event), "person": registration.person, "registration": registration}
    )


# --- mailings: invitations and cancellation notices, prepared by a worker task ----------------------

MAILING_BATCH_SIZE = 200
# A mailing still "running" this long after it started was cut off (its task's hard time limit is
# 300 s); the sweep puts it back to pending and it resumes where it stopped.
MAILING_STALE_AFTER = datetime.timedelta(seconds=360)
MAILING_PENDING_REDISPATCH_AFTER = datetime.timedelta(seconds=60)
MAILING_HANDED_REDISPATCH_AFTER = datetime.timedelta(minutes=10)
MAILING_MAX_ATTEMPTS = 5


def event_mailing_record(
    *, event: Event, kind: str, recipient_ids: list[int], actor, subject: str = "", body: str = ""
) -> EventMailing:
    """Store the mailing (in the caller's transaction) and hand it to the worker after commit.
    `subject` and `body`: an invitation's own subject and text, rendered per person by the worker."""
    mailing = EventMailing.objects.create(
        event=event,
        kind=kind,
        recipient_ids=list(recipient_ids),
        total=len(recipient_ids),
        created_by=actor if getattr(actor, "pk", None) else None,
        subject=subject,
        body=body,
    )
    _mailing_dispatch(mailing_id=mailing.pk, on_commit=True)
    return mailing


def _mailing_dispatch(*, mailing_id: int, on_commit: bool) -> bool:
    from vzhg.tasks import task_dispatch, task_dispatch_on_commit

    from .tasks import event_mailing_send_task

    def note() -> None:
        EventMailing.objects.filter(pk=mailing_id, status=EventMailing.Status.PENDING).update(
            dispatched_at=timezone.now()
        )

    if on_commit:
        task_dispatch_on_commit(event_mailing_send_task, args=(mailing_id,), on_handed=note)
        return True
    return task_dispatch(event_mailing_send_task, args=(mailing_id,), on_handed=note)


def _mailing_claim(*, mailing_id: int) -> EventMailing | None:
    return handoff_claim(
        queryset=EventMailing.objects,
        pk=mailing_id,
        pending_status=EventMailing.Status.PENDING,
        running_status=EventMailing.Status.RUNNING,
    )


def _outgoing(
    rendered: RenderedMail,
    *,
    to: str,
    kind: str,
    reference: str,
    attachments: list[tuple[str, bytes, str]] = (),
) -> OutgoingMail:
    """An outbox row as vzhg.mail.services.mail_queue stores it (queued), for bulk_create; the
    reference names the row the mail is about, so retention finds it (mail_references_anonymise)."""
    return OutgoingMail(
        kind=kind,
        to=to,
        subject=rendered.subject,
        body_text=rendered.text,
        body_html=rendered.html,
        reference=reference,
        attachments=[
            {"filename": name, "mimetype": mimetype, "content": base64.b64encode(content).decode()}
            for name, content, mimetype in attachments
        ],
    )


def _cancellation_attachments(*, event: Event, registration: Registration) -> list[tuple[str, bytes, str]]:
    """Confirmed registrants had the event in their calendar: METHOD:CANCEL (same UID, a higher
    SEQUENCE) removes it. People on the waiting list never had it, so they get no .ics."""
    from . import ics

    if registration.status != Registration.Status.CONFIRMED:
        return []
    registration.event = event
    return [
        (
            "afmelding.ics",
            ics.registration_ics(registration=registration, method="CANCEL"),
            ics.content_type("CANCEL"),
        )
    ]


def _mailing_batch(*, mailing_id: int, started_at) -> bool:
    """One batch in one short transaction: the next recipients' mails rendered and bulk-inserted,
    their invitations inserted, `processed` advanced, the outbox rows handed to the worker in one
    call after commit. Returns whether more is left. Mailings of the same event run one batch at
    a time (their rows are locked together), never holding the Event row."""
    from vzhg.mail.services import mail_dispatch

    with transaction.atomic():
        event_id = EventMailing.objects.values_list("event_id", flat=True).get(pk=mailing_id)
        locked = {
            row.pk: row
            for row in EventMailing.objects.select_for_update().filter(event_id=event_id).order_by("pk")
        }
        mailing = locked[mailing_id]
        if mailing.status != EventMailing.Status.RUNNING or mailing.started_at != started_at:
            return False  # taken over by the sweep (thought dead) or finished elsewhere
        chunk = mailing.recipient_ids[mailing.processed : mailing.processed + MAILING_BATCH_SIZE]
        event = Event.objects.get(pk=event_id)
        if mailing.kind == EventMailing.Kind.INVITATION:
            queued, skipped = _invitations_insert(event=event, mailing=mailing, person_ids=chunk)
        else:
            queued, skipped = _cancellations_insert(event=event, registration_ids=chunk)
        mailing.processed += len(chunk)
        mailing.queued += len(queued)
        mailing.skipped += skipped
        more = mailing.processed < mailing.total
        fields = ["processed", "queued", "skipped"]
        if not more:
            mailing.status = EventMailing.Status.DONE
            mailing.finished_at = timezone.now()
            mailing.recipient_ids = []  # done: the ids are in the invitations and outbox rows now
            fields += ["status", "finished_at", "recipient_ids"]
        mailing.save(update_fields=fields)
        if queued:
            ids = [mail.pk for mail in queued]
            transaction.on_commit(lambda: mail_dispatch(mail_ids=ids), robust=True)
    return more


def _invitations_insert(
    *, event: Event, mailing: EventMailing, person_ids: list[int]
) -> tuple[list[OutgoingMail], int]:
    if event.status == Event.Status.CANCELLED:
        return [], len(person_ids)
    already = set(
        Invitation.objects.filter(event=event, person_id__in=person_ids).values_list("person_id", flat=True)
    )
    people = list(
        Person.objects.filter(pk__in=[pk for pk in person_ids if pk not in already])
        .exclude(email="")
        .filter(~undeliverable_exists("email"))  # bounced: not invited (counted as skipped)
        .select_related("organisation")  # the merge field {gemeente} of an own text
        .order_by("pk")
    )
    texts = invitation_texts_prepare(subject=mailing.subject, body=mailing.body)  # once per batch
    rendered = invitation_mails_render(event=event, people=people, texts=texts)  # templates once per batch
    mails = OutgoingMail.objects.bulk_create(
        [
            _outgoing(mail, to=person.email, kind="events.invitation", reference=mail_reference(person))
            for person, mail in zip(people, rendered, strict=True)
        ]
    )
    Invitation.objects.bulk_create(
        Invitation(event=event, person=person, mail=mail, created_by_id=mailing.created_by_id)
        for person, mail in zip(people, mails, strict=True)
    )
    return mails, len(person_ids) - len(people)


def _cancellations_insert(*, event: Event, registration_ids: list[int]) -> tuple[list[OutgoingMail], int]:
    registrations = list(
        Registration.objects.filter(pk__in=registration_ids, person__isnull=False)
        .exclude(person__email="")
        .select_related("person")
        .order_by("pk")
    )
    mails = OutgoingMail.objects.bulk_create(
        [
            _outgoing(
                cancellation_mail_render(event=event, registration=registration),
                to=registration.person.email,
                kind="events.cancelled",
                reference=mail_reference(registration),
                attachments=_cancellation_attachments(event=event, registration=registration),
            )
            for registration in registrations
        ]
    )
    return mails, len(registration_ids) - len(registrations)


def event_mailing_send(*, mailing_id: int) -> EventMailing:
    """The worker's part of a mailing: claim it (pending → running), then batch after batch until
    done. A second task for the same mailing finds it no longer pending and does nothing."""
    mailing = _mailing_claim(mailing_id=mailing_id)
    if mailing is None:
        return EventMailing.objects.get(pk=mailing_id)
    while _mailing_batch(mailing_id=mailing.pk, started_at=mailing.started_at):
        pass
    return EventMailing.objects.get(pk=mailing_id)


def event_mailing_release(*, mailing_id: int) -> bool:
    """A task ran out of time: the mailing goes back to pending and is handed over again; it
    resumes where it stopped."""
    updated = EventMailing.objects.filter(pk=mailing_id, status=EventMailing.Status.RUNNING).update(
        status=EventMailing.Status.PENDING, started_at=None, dispatched_at=None
    )
    return bool(updated) and _mailing_dispatch(mailing_id=mailing_id, on_commit=False)


def event_mailings_sweep(*, now: datetime.datetime | None = None) -> int:
    """Run by Celery beat every minute: hand pending mailings to the worker again (never handed:
    after a minute; handed but never started: after MAILING_HANDED_REDISPATCH_AFTER) and put
    mailings a dead worker left running back to pending (failed after MAILING_MAX_ATTEMPTS).
    Returns how many it handed over."""
    from vzhg.tasks import handoffs_sweep

    def give_up(mailing: EventMailing, now) -> list[str]:
        mailing.status = EventMailing.Status.FAILED
        mailing.error = _(
            "Stopped %(count)d times without finishing; %(done)d of %(total)d handled. Not tried again."
        ) % {"count": mailing.attempts, "done": mailing.processed, "total": mailing.total}
        mailing.finished_at = now
        return ["status", "error", "finished_at"]

    return handoffs_sweep(
        queryset=EventMailing.objects.all(),
        running_status=EventMailing.Status.RUNNING,
        pending_status=EventMailing.Status.PENDING,
        stale_after=MAILING_STALE_AFTER,
        pending_after=MAILING_PENDING_REDISPATCH_AFTER,
        handed_after=MAILING_HANDED_REDISPATCH_AFTER,
        max_attempts=MAILING_MAX_ATTEMPTS,
        give_up=give_up,
        dispatch=lambda mailing_id: _mailing_dispatch(mailing_id=mailing_id, on_commit=False),
        now=now or timezone.now(),
        label="event mailing",
    )
