"""Sending the results of an applied allocation: recorded by the request, prepared by a worker.

The secretariat's Send (`workshop_allocation_send`) locks the run, records one AllocationSend
(pending), raises the event's .ics SEQUENCE once and returns at once; after commit
`events.tasks.workshop_allocation_send_task` claims it (running) and renders and bulk-inserts the
outbox rows batch by batch, each batch in its own transaction together with the AllocationMail
rows that record who got their mail, so a re-run, a second task or a killed worker never mails
anyone twice. Celery beat runs `workshop_allocation_sends_sweep` every minute for sends the broker
or a dead worker left behind (vzhg.tasks).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from vzhg.errors import ServiceError
from vzhg.mail.models import OutgoingMail
from vzhg.mail.services import mail_reference

from .models import AllocationMail, AllocationRun, AllocationSend, Registration, SessionChoice

SEND_BATCH_SIZE = 100
# A send still "running" this long after it started was cut off (its task's hard time limit is
# 300 s); the sweep puts it back to pending and it resumes with the registrants not yet mailed.
SEND_STALE_AFTER = datetime.timedelta(seconds=360)
SEND_PENDING_REDISPATCH_AFTER = datetime.timedelta(seconds=60)
SEND_HANDED_REDISPATCH_AFTER = datetime.timedelta(minutes=10)
SEND_MAX_ATTEMPTS = 5


def _recipients(run: AllocationRun):
    """The registrants of an allocation who are mailed: confirmed, in the run's result."""
    return Registration.objects.filter(
        event_id=run.event_id, status=Registration.Status.CONFIRMED, pk__in=[int(pk) for pk in run.result]
    )


def workshop_allocation_send(*, run: AllocationRun, actor, now=None) -> int:
    """The secretariat's Send: record it (once per run: the run row is locked, and the send is
    unique per run) and hand it to the worker after commit; no mail is rendered here. The event's
    .ics SEQUENCE is raised once for the whole send. A send the worker gave up on (failed) is
    resumed instead. Returns the number of registrants to mail."""
    from .lifecycle import event_ics_sequence_bump

    now = now or timezone.now()
    with transaction.atomic():
        run = AllocationRun.objects.select_for_update().select_related("event").get(pk=run.pk)
        if run.applied_at is None:
            raise ServiceError(_("Apply the allocation before sending it."), "not_applied")
        earlier = AllocationSend.objects.filter(run=run).first()
        if earlier is not None and earlier.status == AllocationSend.Status.FAILED and run.sent_at is None:
            # Sending again after the worker gave up: the same send resumes with those not yet
            # mailed (their AllocationMail rows), the SEQUENCE was raised for it already.
            earlier.status, earlier.attempts, earlier.error = AllocationSend.Status.PENDING, 0, ""
            earlier.started_at = earlier.dispatched_at = earlier.finished_at = None
            earlier.requested_at = now
            earlier.save()
            _send_dispatch(send_id=earlier.pk, on_commit=True)
            return earlier.total - earlier.processed
        if run.sent_at is not None or earlier is not None:
            raise ServiceError(_("This allocation has already been sent."), "already_sent")
        send = AllocationSend.objects.create(
            run=run,
            total=_recipients(run).count(),
            requested_at=now,
            requested_by=actor if getattr(actor, "pk", None) else None,
        )
        event_ics_sequence_bump(event=run.event)  # once for all: the calendars get the workshops
        _send_dispatch(send_id=send.pk, on_commit=True)
    return send.total


def _send_dispatch(*, send_id: int, on_commit: bool) -> bool:
    from vzhg.tasks import task_dispatch, task_dispatch_on_commit

    from .tasks import workshop_allocation_send_task

    def note() -> None:
        AllocationSend.objects.filter(pk=send_id, status=AllocationSend.Status.PENDING).update(
            dispatched_at=timezone.now()
        )

    if on_commit:
        task_dispatch_on_commit(workshop_allocation_send_task, args=(send_id,), on_handed=note)
        return True
    return task_dispatch(workshop_allocation_send_task, args=(send_id,), on_handed=note)


def _send_batch(*, send_id: int, started_at) -> bool:
    """One batch in one transaction: the next registrants not yet mailed, their mails rendered
    and bulk-inserted with their AllocationMail rows, the counters advanced; the outbox rows are
    handed to the mail worker after commit. Returns whether more is left. Never holds the Event
    row (only the send row is locked)."""
    from vzhg.mail.services import mail_dispatch

    from .emails import registration_mail_render
    from .mailings import _outgoing

    with transaction.atomic():
        send = (
            AllocationSend.objects.select_for_update(of=("self",))
            .select_related("run", "run__event")
            .filter(pk=send_id)
            .first()
        )
        if send is None or send.status != AllocationSend.Status.RUNNING or send.started_at != started_at:
            return False  # taken over by the sweep (thought dead) or finished elsewhere
        event = send.run.event
        registrations = list(
            _recipients(send.run)
            .exclude(allocation_mails__send=send)
            .select_related("person", "person__user", "organisation")
            .prefetch_related(
                Prefetch(
                    "choices",
                    queryset=SessionChoice.objects.select_related("session", "round").order_by(
                        "round__number"
                    ),
                )
            )
            .order_by("pk")[:SEND_BATCH_SIZE]
        )
        outgoing, handled = [], []
        for registration in registrations:
            registration.event = event
            person = registration.person
            if person is None or not person.email:
                handled.append((registration, None))
                continue
            rendered, attachments = registration_mail_render(
                registration=registration, kind="allocated", choices=list(registration.choices.all())
            )
            mail = _outgoing(
                rendered,
                to=person.email,
                kind="events.workshop.allocated",  # WORKSHOP_MAIL_KINDS["allocated"]
                reference=mail_reference(registration),
                attachments=attachments,
            )
            outgoing.append(mail)
            handled.append((registration, mail))
        if outgoing:
            OutgoingMail.objects.bulk_create(outgoing)
        if handled:
            AllocationMail.objects.bulk_create(
                AllocationMail(send=send, registration=registration, mail=mail)
                for registration, mail in handled
            )
        send.processed += len(handled)
        send.queued += len(outgoing)
        more = len(registrations) == SEND_BATCH_SIZE
        fields = ["processed", "queued"]
        if not more:
            now = timezone.now()
            send.status, send.finished_at = AllocationSend.Status.DONE, now
            fields += ["status", "finished_at"]
            AllocationRun.objects.filter(pk=send.run_id).update(sent_at=now)
        send.save(update_fields=fields)
        if outgoing:
            ids = [mail.pk for mail in outgoing]
            transaction.on_commit(lambda: mail_dispatch(mail_ids=ids), robust=True)
    return more


def workshop_allocation_send_run(*, send_id: int) -> AllocationSend:
    """The worker's part of a Send: claim it (pending → running), then batch after batch until
    every registrant is handled. A second task for the same send finds it no longer pending and
    does nothing; a resumed one mails only those without an AllocationMail row."""
    from vzhg.tasks import handoff_claim

    send = handoff_claim(
        queryset=AllocationSend.objects.all(),
        pk=send_id,
        pending_status=AllocationSend.Status.PENDING,
        running_status=AllocationSend.Status.RUNNING,
    )
    if send is not None:
        while _send_batch(send_id=send.pk, started_at=send.started_at):
            pass
    return AllocationSend.objects.get(pk=send_id)


def workshop_allocation_send_release(*, send_id: int) -> bool:
    """A task ran out of time: the send goes back to pending and is handed over again; it resumes
    with the registrants not yet mailed."""
    updated = AllocationSend.objects.filter(pk=send_id, status=AllocationSend.Status.RUNNING).update(
        status=AllocationSend.Status.PENDING, started_at=None, dispatched_at=None
    )
    return bool(updated) and _send_dispatch(send_id=send_id, on_commit=False)


def workshop_allocation_sends_sweep(*, now: datetime.datetime | None = None) -> int:
    """Run by Celery beat every minute: hand pending sends to the worker again (the broker was
    away at the Send, or the message was lost) and put sends a dead worker left running back to
    pending (failed after SEND_MAX_ATTEMPTS). Returns how many it handed over."""
    from vzhg.tasks import handoffs_sweep

    def give_up(send: AllocationSend, now) -> list[str]:
        send.status = AllocationSend.Status.FAILED
        send.error = _(
            "Stopped %(count)d times without finishing; %(done)d of %(total)d handled. Not tried again."
        ) % {"count": send.attempts, "done": send.processed, "total": send.total}
        send.finished_at = now
        return ["status", "error", "finished_at"]

    return handoffs_sweep(
        queryset=AllocationSend.objects.all(),
        running_status=AllocationSend.Status.RUNNING,
        pending_status=AllocationSend.Status.PENDING,
        stale_after=SEND_STALE_AFTER,
        pending_after=SEND_PENDING_REDISPATCH_AFTER,
        handed_after=SEND_HANDED_REDISPATCH_AFTER,
        max_attempts=SEND_MAX_ATTEMPTS,
        give_up=give_up,
        dispatch=lambda send_id: _send_dispatch(send_id=send_id, on_commit=False),
        now=now or timezone.now(),
        label="allocation send",
    )
