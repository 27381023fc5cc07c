"""The convocation (oproeping) of a general assembly (ALV) to the member municipalities, who has
responded, reminders to those who have not, and the short mail about documents added after a
meeting was published (nagekomen stukken, every body).

Who of a municipality is convoked is a setting, GOVERNANCE_CONVOCATION_FUNCTIONS (Person.function
values; default the burgemeester and the griffier). A convocation or a reminder round is sent by
a task (`meeting_convocation_send_task`) that takes ids; every mail is first a
ConvocationRecipient row, unique per meeting, person, kind and round, so a task run twice (a
retry, a double click) mails nobody twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Event, Registration
from governance.models import Body, ConvocationRecipient, Document, LateDocumentNotice, Meeting, Notice
from members.models import Organisation, Person
from vzhg.errors import ServiceError
from vzhg.mail.language import mail_translation
from vzhg.mail.services import mail_queue
from vzhg.site import absolute_url

KIND_MAIL: dict[str, str] = {
    ConvocationRecipient.Kind.CONVOCATION: "governance.meeting.convocation",
    ConvocationRecipient.Kind.REMINDER: "governance.convocation.reminder",
}


def convocation_functions() -> list[str]:
    """The functions (Person.function) of the people a municipality is convoked through."""
    return list(settings.GOVERNANCE_CONVOCATION_FUNCTIONS)


def is_convoked(meeting: Meeting) -> bool:
    """Only a general assembly is convoked to the member municipalities."""
    return meeting.body.kind == Body.Kind.ALV


def convocation_people(*, organisation_ids: list[int] | None = None) -> list[Person]:
    """The designated people of the member municipalities (of those given), with an address."""
    municipalities = Organisation.objects.member_municipalities()
    if organisation_ids is not None:
        municipalities = municipalities.filter(pk__in=organisation_ids)
    return list(
        Person.objects.filter(organisation__in=municipalities, function__in=convocation_functions())
        .exclude(email="")
        .select_related("organisation", "user")
        .order_by("organisation__name", "last_name", "pk")
    )


# --- responses: registrations of the linked event per municipality ----------------------------------


@dataclass
class Responses:
    responded: list[Organisation] = field(default_factory=list)
    waiting: list[Organisation] = field(default_factory=list)
    counts: dict[int, int] = field(default_factory=dict)  # registrations per organisation id

    @property
    def total(self) -> int:
        return len(self.responded) + len(self.waiting)


def meeting_responses(*, meeting: Meeting) -> Responses:
    """Which member municipalities responded: someone of theirs registered (not cancelled) for
    the event the meeting is held at. Without a linked event nobody has responded."""
    municipalities = list(Organisation.objects.member_municipalities().order_by("name"))
    counts: dict[int, int] = {}
    if meeting.event_id is not None:
        rows = (
            Registration.objects.filter(event_id=meeting.event_id, organisation__in=municipalities)
            .exclude(status=Registration.Status.CANCELLED)
            .values_list("organisation_id", flat=True)
        )
        for organisation_id in rows:
            counts[organisation_id] = counts.get(organisation_id, 0) + 1
    responses = Responses(counts=counts)
    for municipality in municipalities:
        (responses.responded if municipality.pk in counts else responses.waiting).append(municipality)
    return responses


# --- sending ----------------------------------------------------------------------------------------


def _context(*, meeting: Meeting, event: Event | None) -> dict:
    """What every convocation of the meeting shows (the person is added per mail)."""
    items = list(meeting.items.filter(confidential=False).order_by("order", "pk"))
    documents: dict[int, list[Document]] = {}
    for document in Document.objects.filter(
        item__meeting=meeting, item__confidential=False, replaced_by__isnull=True
    ).order_by("pk"):
        documents.setdefault(document.item_id, []).append(document)
    return {
        "meeting": meeting,
        "when": timezone.localtime(meeting.starts_at),
        "url": absolute_url(meeting.get_absolute_url()),
        "agenda": [
            (item, [(doc, absolute_url(doc.get_absolute_url())) for doc in documents.get(item.pk, [])])
            for item in items
        ],
        "event": event,
        "register_url": absolute_url(event.get_absolute_url()) if event is not None else "",
    }


@transaction.atomic
def meeting_convocation_send(
    *, meeting_id: int, kind: str, round: int, organisation_ids: list[int] | None = None
) -> int:
    """Queue the convocation (or reminder round) for every designated person who has no row for
    this round yet. Returns how many mails were queued."""
    meeting = (
        Meeting.objects.select_for_update(of=("self",)).select_related("body", "event").get(pk=meeting_id)
    )
    already = set(
        ConvocationRecipient.objects.filter(meeting=meeting, kind=kind, round=round).values_list(
            "person_id", flat=True
        )
    )
    template = "convocation" if kind == ConvocationRecipient.Kind.CONVOCATION else "convocation_reminder"
    queued = 0
    shared = _context(meeting=meeting, event=meeting.event)
    for person in convocation_people(organisation_ids=organisation_ids):
        if person.pk in already or person.organisation is None:
            continue
        context = {**shared, "person": person}
        with mail_translation(recipient=person):
            subject = " ".join(render_to_string(f"governance/email/{template}_subject.txt", context).split())
            text = render_to_string(f"governance/email/{template}.txt", context)
            html = render_to_string(f"governance/email/{template}.html", {**context, "subject": subject})
        mail = mail_queue(to=person.email, subject=subject, text=text, html=html, kind=KIND_MAIL[kind])
        ConvocationRecipient.objects.create(
            meeting=meeting,
            organisation=person.organisation,
            person=person,
            kind=kind,
            round=round,
            mail=mail,
        )
        queued += 1
    return queued


def _dispatch(*, meeting: Meeting, kind: str, round: int, organisation_ids: list[int] | None) -> None:
    from vzhg.tasks import task_dispatch_on_commit

    from .tasks import meeting_convocation_send_task

    task_dispatch_on_commit(meeting_convocation_send_task, args=(meeting.pk, kind, round, organisation_ids))


def meeting_convocation_request(*, meeting: Meeting) -> bool:
    """On publication of an ALV: hand its convocation to the worker (after commit)."""
    if not is_convoked(meeting):
        return False
    _dispatch(
        meeting=meeting,
        kind=ConvocationRecipient.Kind.CONVOCATION,
        round=meeting.publication,
        organisation_ids=None,
    )
    return True


@transaction.atomic
def meeting_convocation_remind(*, meeting: Meeting) -> int:
    """Remind the municipalities that have not responded (their designated people only), as a
    new reminder round. Returns the number of municipalities reminded."""
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("body").get(pk=meeting.pk)
    if meeting.status != Meeting.Status.PUBLISHED or not is_convoked(meeting):
        raise ServiceError(_("Only a published general assembly (ALV) can be reminded."))
    if meeting.event_id is None:
        raise ServiceError(_("Link the meeting to its event first: responses are registrations for it."))
    waiting = meeting_responses(meeting=meeting).waiting
    if not waiting:
        return 0
    last = ConvocationRecipient.objects.filter(
        meeting=meeting, kind=ConvocationRecipient.Kind.REMINDER
    ).aggregate(last=Max("round"))["last"]
    _dispatch(
        meeting=meeting,
        kind=ConvocationRecipient.Kind.REMINDER,
        round=(last or 0) + 1,
        organisation_ids=[organisation.pk for organisation in waiting],
    )
    return len(waiting)


# A convocation not complete this long after publication was not taken up (broker away, message
# lost): the sweep hands it to the worker again.
CONVOCATION_REDISPATCH_AFTER = timedelta(minutes=2)


def convocations_sweep(*, now: datetime | None = None) -> int:
    """Every minute (beat): hand the convocation of each published, coming ALV whose rows for the
    current publication are fewer than its designated people to the worker again. The task only
    mails people without a row, so this is safe to repeat. Returns how many it handed over."""
    from vzhg.tasks import task_dispatch

    from .tasks import meeting_convocation_send_task

    now = now or timezone.now()
    meetings = Meeting.objects.filter(
        body__kind=Body.Kind.ALV,
        status=Meeting.Status.PUBLISHED,
        starts_at__gt=now,
        published_at__lte=now - CONVOCATION_REDISPATCH_AFTER,
    ).select_related("body")
    expected = None
    handed = 0
    for meeting in meetings:
        expected = len(convocation_people()) if expected is None else expected
        progress = convocation_progress(meeting=meeting)
        if progress is None or progress.queued >= expected:
            continue
        args = (meeting.pk, ConvocationRecipient.Kind.CONVOCATION, meeting.publication, None)
        if not task_dispatch(meeting_convocation_send_task, args=args):
            break
        handed += 1
    return handed


@dataclass
class Progress:
    expected: int
    queued: int
    sent: int


def convocation_progress(*, meeting: Meeting) -> Progress | None:
    """How far the convocation of the current publication is: people expected, mails queued
    in the outbox and mails the outbox delivered. None for a meeting that is not convoked."""
    if not is_convoked(meeting) or meeting.publication == 0:
        return None
    rows = ConvocationRecipient.objects.filter(
        meeting=meeting, kind=ConvocationRecipient.Kind.CONVOCATION, round=meeting.publication
    )
    if meeting.starts_at <= timezone.now() and not rows.exists():
        return None  # a meeting held without a convocation through VZHG (from before, or imported)
    return Progress(
        expected=len(convocation_people()),
        queued=rows.count(),
        sent=rows.filter(mail__status="sent").count(),
    )


# --- late documents (nagekomen stukken) --------------------------------------------------------------


def late_document_notify(*, document: Document) -> int:
    """After a meeting was published, tell the people who got its notice (the members of the
    body, and for an ALV the convoked people) that this document was added or replaced. Once per
    person per document. Returns the number of mails queued."""
    meeting = Meeting.objects.select_related("body").get(pk=document.item.meeting_id)
    if meeting.status != Meeting.Status.PUBLISHED:
        return 0
    noticed = set(
        Notice.objects.filter(meeting=meeting, kind=Notice.Kind.PUBLISHED).values_list("person_id", flat=True)
    )
    if not document.item.confidential:
        noticed |= set(
            ConvocationRecipient.objects.filter(
                meeting=meeting, kind=ConvocationRecipient.Kind.CONVOCATION
            ).values_list("person_id", flat=True)
        )
    already = set(LateDocumentNotice.objects.filter(document=document).values_list("person_id", flat=True))
    people = Person.objects.filter(pk__in=noticed - already).exclude(email="").select_related("user")
    context = {
        "meeting": meeting,
        "document": document,
        "item": document.item,
        "replaced": document.replaces_id is not None,
        "when": timezone.localtime(meeting.starts_at),
        "url": absolute_url(meeting.get_absolute_url()),
    }
    queued = 0
    for person in people.order_by("pk"):
        with mail_translation(recipient=person):
            subject = " ".join(
                render_to_string("governance/email/documents_added_subject.txt", context).split()
            )
            text = render_to_string("governance/email/documents_added.txt", {**context, "person": person})
            html = render_to_string(
                "governance/email/documents_added.html", {**context, "person": person, "subject": subject}
            )
        mail = mail_queue(
            to=person.email, subject=subject, text=text, html=html, kind="governance.documents.added"
        )
        LateDocumentNotice.objects.create(document=document, person=person, mail=mail)
        queued += 1
    return queued
