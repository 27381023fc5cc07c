"""The secretariat's side of events: publish, cancel, duplicate, invite, check in, remind, forget.

Writes follow STYLE: keyword-only `<thing>_<verb>` functions, one transaction each, mail only
through the outbox (`vzhg.mail.services.mail_queue`), which hands a message to Celery after the
transaction commits. Reads that pages need (counts per municipality, invitation progress) are
here too, each a fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from members.models import Organisation, Person, Region
from members.selectors import member_municipalities
from vzhg.mail.models import OutgoingMail
from vzhg.mail.services import mail_queue

from .models import Event, Invitation, ProgrammeItem, Registration, Round, Session

MAIL_LANGUAGE = "nl"


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
    with translation.override(MAIL_LANGUAGE):
        base = f"events/staff/mail/{template}"
        subject = " ".join(render_to_string(f"{base}_subject.txt", context).split())
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
    """Cancel the event and tell everyone who registered (confirmed or waiting) by e-mail.

    Returns how many were told. Cancelling twice tells nobody twice: the second call finds the
    event cancelled already and returns 0.
    """
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.status == Event.Status.CANCELLED:
            return 0
        now = timezone.now()
        locked.status = Event.Status.CANCELLED
        locked.cancelled_at = now
        locked.save(update_fields=["status", "cancelled_at", "updated_at"])
        from . import ics
        from .services import event_ics_sequence_bump

        event_ics_sequence_bump(event=locked)
        registrations = (
            Registration.objects.filter(
                event=locked,
                person__isnull=False,
                status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITLISTED],
            )
            .select_related("person")
            .order_by("pk")
        )
        told = 0
        for registration in registrations:
            rendered = _render_mail(
                "cancelled",
                {**_event_context(locked), "person": registration.person, "registration": registration},
            )
            # Confirmed registrants had the event in their calendar: METHOD:CANCEL removes it.
            registration.event = locked
            attachments = []
            if registration.status == Registration.Status.CONFIRMED:
                cancel = ics.registration_ics(registration=registration, method="CANCEL")
                attachments.append(("afmelding.ics", cancel, ics.content_type("CANCEL")))
            mail_queue(
                to=registration.person.email,
                subject=rendered.subject,
                text=rendered.text,
                html=rendered.html,
                attachments=attachments,
                kind="events.cancelled",
            )
            told += 1
    event.refresh_from_db()
    return told


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
    return timezone.make_aware(datetime.datetime.combine(local.date() + datetime.timedelta(days=days), local.time()))


def _title_next_year(title: str, year: int) -> str:
    """"Najaarscongres 2026" → "Najaarscongres 2027": the year in the title follows the date."""
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
    created: int
    skipped: int


def invitation_send(*, event: Event, people, actor) -> InvitationResult:
    """Invite people to an event: one Invitation and one queued mail per person not yet invited.

    One transaction: the Event row is locked so two sends for the same event run one after the
    other; people invited before are skipped, so sending again never mails anyone twice (the
    unique constraint on (event, person) holds the rule in the database too). The outbox hands
    every message to the worker after commit; the sweep picks up any it could not hand over.
    """
    person_ids = sorted({p.pk for p in people})
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.status == Event.Status.CANCELLED:
            raise ValueError(_("This event is cancelled; nobody can be invited to it."))
        already = set(
            Invitation.objects.filter(event=locked, person_id__in=person_ids).values_list(
                "person_id", flat=True
            )
        )
        todo = Person.objects.filter(pk__in=[pk for pk in person_ids if pk not in already]).order_by("pk")
        context = _event_context(locked)
        invitations = []
        for person in todo:
            rendered = _render_mail("invitation", {**context, "person": person})
            mail = mail_queue(
                to=person.email,
                subject=rendered.subject,
                text=rendered.text,
                html=rendered.html,
                kind="events.invitation",
            )
            invitations.append(Invitation(event=locked, person=person, mail=mail, created_by=actor))
        Invitation.objects.bulk_create(invitations)
    return InvitationResult(created=len(invitations), skipped=len(already))


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
        return Registration.objects.filter(event__ends_at__lt=cutoff, anonymised_at__isnull=True).update(
            person=None, remarks="", anonymised_at=now, updated_at=now
        )
