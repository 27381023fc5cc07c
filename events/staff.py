"""The secretariat's side of events: publish, cancel, duplicate, invite, check in, remind, forget.

Writes follow STYLE: keyword-only `<thing>_<verb>` functions, one transaction each, mail only
through the outbox (`vzhg.mail.services.mail_queue`), which hands a message to Celery after the
transaction commits. Reads that pages need (counts per municipality, invitation progress) are
here too, each a fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

import base64
import datetime
import re
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from members.models import Organisation, Person, Region
from members.selectors import member_municipalities
from vzhg.mail.language import mail_translation
from vzhg.mail.models import OutgoingMail
from vzhg.mail.services import mail_queue, mail_reference, mail_references_anonymise

from .models import Event, EventMailing, Invitation, ProgrammeItem, Registration, Round, Session

# --- mail rendering ------------------------------------------------------------------------------


@dataclass
class RenderedMail:
    subject: str
    text: str
    html: str


def _site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _render_mail(template: str, context: dict) -> RenderedMail:
    """templates/events/staff/mail/<template>_{subject,text,html}: personal, Dutch, multipart."""
    with mail_translation():
        base = f"events/staff/mail/{template}"
        subject = " ".join(render_to_string(f"{base}_subject.txt", context).split())
        context = {**context, "subject": subject}  # the HTML part's <title>
        return RenderedMail(
            subject=subject,
            text=render_to_string(f"{base}.txt", context),
            html=render_to_string(f"{base}.html", context),
        )


def _event_context(event: Event) -> dict:
    return {"event": event, "event_url": _site_url(event.get_absolute_url()), "site_url": settings.SITE_URL}


def invitation_mail_render(*, event: Event, person: Person) -> RenderedMail:
    return _render_mail("invitation", {**_event_context(event), "person": person})


# --- publish / cancel / duplicate -----------------------------------------------------------------


def event_publish(*, event: Event, actor) -> bool:
    """Draft → published. Returns False (and changes nothing) for a cancelled or published event."""
    with transaction.atomic():
        updated = Event.objects.filter(pk=event.pk, status=Event.Status.DRAFT).update(
            status=Event.Status.PUBLISHED, updated_at=timezone.now()
        )
    event.refresh_from_db()
    return bool(updated)


def event_cancel(*, event: Event, actor) -> int:
    """Cancel the event and record one mailing that tells everyone who registered (confirmed or
    waiting) by e-mail; a worker task renders and queues those mails after commit
    (`event_mailing_send`), so the Event row is locked only for the status change.

    Returns how many will be told. Cancelling twice tells nobody twice: the second call finds the
    event cancelled already and returns 0 (and the database allows one cancellation mailing per
    event).
    """
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.status == Event.Status.CANCELLED:
            return 0
        now = timezone.now()
        locked.status = Event.Status.CANCELLED
        locked.cancelled_at = now
        locked.save(update_fields=["status", "cancelled_at", "updated_at"])
        from .services import event_ics_sequence_bump

        # Registrants' calendars hold the event: the cancellation's .ics must be a newer version.
        event_ics_sequence_bump(event=locked)
        registration_ids = list(
            Registration.objects.filter(
                event=locked,
                person__isnull=False,
                status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITLISTED],
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if registration_ids:
            _mailing_record(
                event=locked,
                kind=EventMailing.Kind.CANCELLATION,
                recipient_ids=registration_ids,
                actor=actor,
            )
    event.refresh_from_db()
    return len(registration_ids)


def cancellation_mail_render(*, event: Event, registration: Registration) -> RenderedMail:
    """The mail that tells one registrant the event is cancelled."""
    return _render_mail(
        "cancelled", {**_event_context(event), "person": registration.person, "registration": registration}
    )


def _unique_slug(base: str) -> str:
    base = slugify(base)[:190] or "evenement"
    slug, n = base, 2
    taken = set(Event.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    return slug


def _next_year_same_weekday(day: datetime.date) -> datetime.date:
    """The same weekday in the same ISO week a year later: a Thursday congress stays on a
    Thursday. Week 53 becomes week 52 in a year that has no week 53."""
    year, week, weekday = day.isocalendar()
    try:
        return datetime.date.fromisocalendar(year + 1, week, weekday)
    except ValueError:
        return datetime.date.fromisocalendar(year + 1, 52, weekday)


def _shifted(value: datetime.datetime | None, days: int) -> datetime.datetime | None:
    """`days` later at the same local clock time (summer and winter time apart)."""
    if value is None:
        return None
    local = timezone.localtime(value)
    return timezone.make_aware(
        datetime.datetime.combine(local.date() + datetime.timedelta(days=days), local.time())
    )


def _title_next_year(title: str, year: int) -> str:
    """ "Najaarscongres 2026" → "Najaarscongres 2027": the year in the title follows the date."""
    return re.sub(rf"(?<!\d){year}(?!\d)", str(year + 1), title)


def event_duplicate(*, event: Event, actor) -> Event:
    """A draft copy a year later on the same weekday (same ISO week; the year in the title
    follows), with its programme, rounds and workshops (no registrations)."""
    with transaction.atomic():
        copy = Event.objects.get(pk=event.pk)
        copy.pk = None
        copy._state.adding = True
        copy.status = Event.Status.DRAFT
        copy.cancelled_at = None
        copy.ics_sequence = 0
        start_day = timezone.localtime(event.starts_at).date()
        days = (_next_year_same_weekday(start_day) - start_day).days
        for field in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
            setattr(copy, field, _shifted(getattr(event, field), days))
        copy.title = _title_next_year(event.title, start_day.year)
        new_year = f"{timezone.localtime(copy.starts_at):%Y}"
        copy.slug = _unique_slug(copy.title if new_year in copy.title else f"{copy.title} {new_year}")
        copy.full_clean()
        copy.save()
        ProgrammeItem.objects.bulk_create(
            ProgrammeItem(
                event=copy,
                starts_at=item.starts_at,
                ends_at=item.ends_at,
                title=item.title,
                speaker=item.speaker,
                description=item.description,
                order=item.order,
            )
            for item in event.programme.all()
        )
        for round_ in event.rounds.prefetch_related("sessions"):
            new_round = Round.objects.create(
                event=copy,
                number=round_.number,
                title=round_.title,
                starts_at=round_.starts_at,
                ends_at=round_.ends_at,
            )
            Session.objects.bulk_create(
                Session(
                    round=new_round,
                    title=session.title,
                    description=session.description,
                    speaker=session.speaker,
                    room=session.room,
                    capacity=session.capacity,
                    places_per_municipality=session.places_per_municipality,
                )
                for session in round_.sessions.all()
            )
    return copy


# --- invitations ---------------------------------------------------------------------------------


class Audience:
    ALL_MEMBERS = "all_members"
    FUNCTION = "function"
    REGION = "region"
    BODY = "body"
    PEOPLE = "people"


def _region_with_children(region: Region) -> set[int]:
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Region.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    wanted, todo = {region.pk}, [region.pk]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in wanted:
                wanted.add(child)
                todo.append(child)
    return wanted


def invitation_audience(
    *,
    kind: str,
    functions: list[str] | None = None,
    region: Region | None = None,
    body=None,
    people: list[Person] | QuerySet[Person] | None = None,
) -> QuerySet[Person]:
    """The people an audience choice stands for, in name order.

    all_members: everyone in a member municipality; function: those of them with one of the
    functions; region: those of them in the region or a region inside it; body: everyone with a
    mandate in that governance body today (board members of any organisation); people: exactly
    the people picked (any organisation — guests can be invited by hand).
    """
    members = Person.objects.filter(organisation__in=member_municipalities())
    if kind == Audience.ALL_MEMBERS:
        chosen = members
    elif kind == Audience.FUNCTION:
        chosen = members.filter(function__in=functions or [])
    elif kind == Audience.REGION:
        chosen = (
            members.filter(organisation__region__in=_region_with_children(region))
            if region
            else members.none()
        )
    elif kind == Audience.BODY:
        today = timezone.localdate()
        chosen = (
            Person.objects.filter(
                pk__in=body.mandates.filter(
                    Q(start__lte=today), Q(end__isnull=True) | Q(end__gte=today)
                ).values("person_id")
            )
            if body
            else members.none()
        )
    elif kind == Audience.PEOPLE:
        chosen = Person.objects.filter(pk__in=[p.pk for p in people or []])
    else:
        raise ValueError(f"unknown audience {kind!r}")
    return chosen.select_related("organisation").order_by("last_name", "first_name", "pk")


@dataclass
class InvitationResult:
    created: int  # people who will get an invitation (the mailing prepares and queues them)
    skipped: int  # people invited before: no second mail
    mailing: EventMailing | None = None


def invitation_send(*, event: Event, people, actor) -> InvitationResult:
    """Record a send of invitations to the people not invited yet, and return at once.

    The web request neither renders nor stores a mail and does not lock the Event row (people
    registering for the event never wait for it): it stores one EventMailing with the people's
    ids; after commit a worker task renders the mails and inserts the Invitation and outbox rows
    in batches (`event_mailing_send`). Nobody is invited twice: the task skips people with an
    invitation (the unique constraint on (event, person) holds the rule in the database too).
    With the broker down the mailing stays pending and `event_mailings_sweep` hands it over.
    """
    person_ids = sorted({p.pk for p in people})
    if Event.objects.filter(pk=event.pk, status=Event.Status.CANCELLED).exists():
        raise ValueError(_("This event is cancelled; nobody can be invited to it."))
    already = set(
        Invitation.objects.filter(event_id=event.pk, person_id__in=person_ids).values_list(
            "person_id", flat=True
        )
    )
    todo = [pk for pk in person_ids if pk not in already]
    mailing = None
    if todo:
        with transaction.atomic():
            mailing = _mailing_record(
                event=event, kind=EventMailing.Kind.INVITATION, recipient_ids=todo, actor=actor
            )
    return InvitationResult(created=len(todo), skipped=len(already), mailing=mailing)


# --- mailings: invitations and cancellation notices, prepared by a worker task ----------------------

MAILING_BATCH_SIZE = 200
# A mailing still "running" this long after it started was cut off (its task's hard time limit is
# 300 s); the sweep puts it back to pending and it resumes where it stopped.
MAILING_STALE_AFTER = datetime.timedelta(seconds=360)
MAILING_PENDING_REDISPATCH_AFTER = datetime.timedelta(seconds=60)
MAILING_HANDED_REDISPATCH_AFTER = datetime.timedelta(minutes=10)
MAILING_MAX_ATTEMPTS = 5


def _mailing_record(*, event: Event, kind: str, recipient_ids: list[int], actor) -> EventMailing:
    """Store the mailing (in the caller's transaction) and hand it to the worker after commit."""
    mailing = EventMailing.objects.create(
        event=event,
        kind=kind,
        recipient_ids=list(recipient_ids),
        total=len(recipient_ids),
        created_by=actor if getattr(actor, "pk", None) else None,
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
    with transaction.atomic():
        mailing = (
            EventMailing.objects.select_for_update()
            .filter(pk=mailing_id, status=EventMailing.Status.PENDING)
            .first()
        )
        if mailing is None:
            return None
        mailing.status = EventMailing.Status.RUNNING
        mailing.started_at = timezone.now()
        mailing.attempts += 1
        mailing.save(update_fields=["status", "started_at", "attempts"])
    return mailing


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
        .order_by("pk")
    )
    context = _event_context(event)
    mails = OutgoingMail.objects.bulk_create(
        [
            _outgoing(
                _render_mail("invitation", {**context, "person": person}),
                to=person.email,
                kind="events.invitation",
                reference=mail_reference(person),
            )
            for person in people
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


def event_mailings_recent(*, event: Event, limit: int = 10) -> list[EventMailing]:
    """The event's latest mailings for the progress page (one query, no recipient lists)."""
    return list(
        EventMailing.objects.filter(event=event)
        .defer("recipient_ids")
        .select_related("created_by")
        .order_by("-requested_at", "-pk")[:limit]
    )


@dataclass
class InvitationProgress:
    total: int
    queued: int
    sent: int
    failed: int
    failures: list[dict]

    @property
    def done(self) -> int:
        return self.sent + self.failed


def invitation_progress(*, event: Event, failures_limit: int = 50) -> InvitationProgress:
    """Queued / sent / failed of an event's invitations, from their outbox rows (two queries)."""
    counts = Invitation.objects.filter(event=event).aggregate(
        total=Count("pk"),
        queued=Count("pk", filter=Q(mail__status=OutgoingMail.Status.QUEUED)),
        sent=Count("pk", filter=Q(mail__status=OutgoingMail.Status.SENT)),
        failed=Count("pk", filter=Q(mail__status=OutgoingMail.Status.FAILED)),
    )
    failures = list(
        Invitation.objects.filter(event=event, mail__status=OutgoingMail.Status.FAILED)
        .order_by("person__last_name", "pk")
        .values(
            "person__first_name", "person__tussenvoegsel", "person__last_name", "mail__to", "mail__error"
        )[:failures_limit]
    )
    for row in failures:
        row["name"] = " ".join(
            part
            for part in (row["person__first_name"], row["person__tussenvoegsel"], row["person__last_name"])
            if part
        )
    return InvitationProgress(failures=failures, **counts)


# --- the day itself ------------------------------------------------------------------------------


def registration_check_in(*, registration: Registration, actor, present: bool = True) -> Registration:
    """Tick a registrant present (or undo it). Only confirmed registrations can be checked in."""
    with transaction.atomic():
        locked = Registration.objects.select_for_update().get(pk=registration.pk)
        if locked.status != Registration.Status.CONFIRMED:
            raise ValueError(_("Only confirmed registrations can be checked in."))
        if locked.attended != present:
            locked.attended = present
            locked.attended_at = timezone.now() if present else None
            locked.save(update_fields=["attended", "attended_at", "updated_at"])
    return locked


def checkin_counts(*, event: Event) -> dict:
    return Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED).aggregate(
        confirmed=Count("pk"), present=Count("pk", filter=Q(attended=True))
    )


# --- counts per municipality --------------------------------------------------------------------


@dataclass
class MunicipalityCount:
    organisation: Organisation
    confirmed: int
    waitlisted: int
    attended: int


def municipality_counts(*, event: Event) -> tuple[list[MunicipalityCount], list[Organisation]]:
    """Registrations per organisation (anonymised ones included) and the member municipalities
    that have no confirmed or waiting registration. Two queries."""
    by_org = (
        Registration.objects.filter(event=event, organisation__isnull=False)
        .exclude(status=Registration.Status.CANCELLED)
        .values("organisation")
        .annotate(
            confirmed=Count("pk", filter=Q(status=Registration.Status.CONFIRMED)),
            waitlisted=Count("pk", filter=Q(status=Registration.Status.WAITLISTED)),
            attended=Count("pk", filter=Q(attended=True)),
        )
    )
    counts = {row["organisation"]: row for row in by_org}
    organisations = Organisation.objects.filter(
        Q(pk__in=counts.keys()) | Q(pk__in=member_municipalities().values("pk"))
    ).order_by("name")
    rows, missing = [], []
    for organisation in organisations:
        row = counts.get(organisation.pk)
        if row is None:
            missing.append(organisation)
        else:
            rows.append(MunicipalityCount(organisation, row["confirmed"], row["waitlisted"], row["attended"]))
    return rows, missing


def municipalities_reached(*, event: Event) -> tuple[int, int]:
    """(member municipalities with a confirmed or waiting registration, all member municipalities)."""
    members = member_municipalities()
    reached = (
        Registration.objects.filter(event=event, organisation__in=members)
        .exclude(status=Registration.Status.CANCELLED)
        .values("organisation")
        .distinct()
        .count()
    )
    return reached, members.count()


# --- reminders -----------------------------------------------------------------------------------


def reminders_send(*, now: datetime.datetime | None = None, batch: int = 500) -> int:
    """Mail confirmed registrants of events that start within their reminder_days, exactly once.

    Per event, the due registrations are locked with SKIP LOCKED, each gets its mail queued and
    reminder_sent_at set in the same transaction: two beat runs at once split the work, and a
    registration once marked is never reminded again. Returns how many reminders were queued.
    """
    now = now or timezone.now()
    events = Event.objects.filter(
        status=Event.Status.PUBLISHED, reminder_days__isnull=False, starts_at__gt=now
    ).order_by("starts_at")
    queued = 0
    for event in events:
        if event.starts_at - datetime.timedelta(days=event.reminder_days) > now:
            continue
        context = _event_context(event)
        while True:
            with transaction.atomic():
                due = list(
                    Registration.objects.select_for_update(skip_locked=True, of=("self",))
                    .filter(
                        event=event,
                        status=Registration.Status.CONFIRMED,
                        reminder_sent_at__isnull=True,
                        person__isnull=False,
                    )
                    .select_related("person")
                    .order_by("pk")[:batch]
                )
                for registration in due:
                    rendered = _render_mail(
                        "reminder", {**context, "person": registration.person, "registration": registration}
                    )
                    mail_queue(
                        to=registration.person.email,
                        subject=rendered.subject,
                        text=rendered.text,
                        html=rendered.html,
                        kind="events.reminder",
                        reference=mail_reference(registration),
                    )
                Registration.objects.filter(pk__in=[r.pk for r in due]).update(reminder_sent_at=now)
            queued += len(due)
            if len(due) < batch:
                break
    return queued


# --- privacy -------------------------------------------------------------------------------------


def registrations_anonymise(*, now: datetime.datetime | None = None, months: int | None = None) -> int:
    """Forget who registered for events that ended more than `months` (EVENTS_RETENTION_MONTHS) ago.

    The person link and the remarks go; the organisation stays, so counts per municipality for
    the annual report survive. Workshop choices stay too (they name no one). Returns how many
    registrations were anonymised.
    """
    now = now or timezone.now()
    months = settings.EVENTS_RETENTION_MONTHS if months is None else months
    cutoff = now - relativedelta(months=months)
    with transaction.atomic():
        due = Registration.objects.filter(event__ends_at__lt=cutoff, anonymised_at__isnull=True)
        # The copies go too: the mails about these registrations (their text names the person and
        # repeats the remarks, their .ics the person's address), including those queued before
        # mail carried a reference (found by address and event title).
        references = [mail_reference(registration) for registration in due.only("pk")]
        for registration in due.filter(person__isnull=False).select_related("person", "event"):
            OutgoingMail.objects.filter(
                reference="",
                kind__startswith="events.",
                to__iexact=registration.person.email,
                subject__contains=registration.event.title,
            ).exclude(kind="events.invitation").update(reference=mail_reference(registration))
        mail_references_anonymise(references=references, now=now)
        # The admin's log names the row as "person — event".
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Registration),
            object_id__in=[reference.rsplit(":", 1)[1] for reference in references],
        ).update(object_repr=_("anonymised"))
        return due.update(person=None, remarks="", anonymised_at=now, updated_at=now)
