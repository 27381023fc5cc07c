"""Writes for the board and its meetings: the ALV template, guardrails, publishing, decisions,
motions, KvK reporting, notices and reminders, personal notes and views."""

import logging
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from governance.models import (
    AgendaItem,
    Body,
    Document,
    Meeting,
    MeetingView,
    Motion,
    Notice,
    PersonalNote,
)
from vzhg.errors import ServiceError
from vzhg.history import history_note
from vzhg.mail.language import mail_translation
from vzhg.mail.services import mail_queue
from vzhg.site import absolute_url

from . import congress, convocation, packs, selectors

logger = logging.getLogger(__name__)


NOTICE_DAYS = 7


def agenda_renumber(*, meeting: Meeting) -> None:
    """Number the items 1, 2, 3 ... in their current order."""
    items = list(meeting.items.order_by("order", "pk"))
    for number, item in enumerate(items, start=1):
        if item.order != number:
            item.order = number
            item.save(update_fields=["order"])


ALV_TEMPLATE = [
    ("Opening en vaststelling van de agenda", AgendaItem.Kind.MEDEDELINGEN),
    ("Jaarverslag", AgendaItem.Kind.BESLUITVORMING),
    ("Jaarrekening", AgendaItem.Kind.BESLUITVORMING),
    ("Verslag van de kascommissie", AgendaItem.Kind.BESLUITVORMING),
    ("Benoeming kascommissie voor het komende jaar", AgendaItem.Kind.BESLUITVORMING),
    ("Definitieve begroting lopend jaar en voorlopige begroting komend jaar", AgendaItem.Kind.BESLUITVORMING),
    ("Contributie volgend jaar", AgendaItem.Kind.BESLUITVORMING),
    ("Verkiezing en (her)benoeming bestuursleden", AgendaItem.Kind.BESLUITVORMING),
    ("Moties", AgendaItem.Kind.BESLUITVORMING),
    ("Rondvraag en sluiting", AgendaItem.Kind.RONDVRAAG),
]


@transaction.atomic
def meeting_create_alv_from_template(
    *, body: Body, starts_at: datetime | None = None, actor=None, event=None, congress_create: bool = False
) -> Meeting:
    """A draft ALV with the agenda the law and the workplan ask for (DOMAIN R2, R4, R5); held
    together with `event` (at its start), or with a new draft congress event (`congress_create`)."""
    if body.kind != Body.Kind.ALV:
        raise ServiceError(_("%(body)s is not a general assembly (ALV).") % {"body": body})
    if starts_at is None and event is not None:
        starts_at = event.starts_at
    if starts_at is None:
        today = timezone.localdate()
        year = today.year if today <= today.replace(month=6, day=1) else today.year + 1
        starts_at = timezone.make_aware(datetime(year, 6, 1, 10, 0))
    meeting = Meeting(
        body=body,
        title=_("General assembly %(year)d") % {"year": starts_at.year},
        starts_at=starts_at,
        location="VNG, Nassaulaan 12, Den Haag",
    )
    history_note(meeting, actor=actor)
    meeting.save()
    for order, (title, kind) in enumerate(ALV_TEMPLATE, start=1):
        item = AgendaItem(meeting=meeting, order=order, title=title, kind=kind)
        history_note(item, actor=actor)
        item.save()
    if event is not None:
        congress.meeting_event_link(meeting=meeting, event=event, actor=actor)
    elif congress_create:
        congress.congress_event_create(meeting=meeting, actor=actor)
    from .adoption import minutes_adoption_item_ensure  # adoption builds on this module

    minutes_adoption_item_ensure(meeting=meeting, actor=actor)
    return meeting


def meeting_guardrail_problems(*, meeting: Meeting, now: datetime | None = None) -> list[str]:
    """What stops this meeting from being published now (DOMAIN R3)."""
    now = now or timezone.now()
    problems = []
    notice_items = [item for item in meeting.items.all() if item.kind in AgendaItem.NOTICE_KINDS]
    if notice_items:
        sent = meeting.notice_sent_at or now
        if meeting.starts_at - sent < timedelta(days=NOTICE_DAYS):
            problems.append(
                _(
                    "Item “%(item)s” (%(kind)s) must reach the members at least %(days)d days before the "
                    "meeting; publish it by %(deadline)s or move the meeting."
                )
                % {
                    "item": notice_items[0].title,
                    "kind": notice_items[0].get_kind_display(),
                    "days": NOTICE_DAYS,
                    "deadline": timezone.localtime(meeting.starts_at - timedelta(days=NOTICE_DAYS)).strftime(
                        "%d-%m-%Y %H:%M"
                    ),
                }
            )
    return problems


def alv_deadline_warning(*, today=None) -> str | None:
    """DOMAIN R2: the ALV must be held within six months after the (calendar) financial year."""
    today = today or timezone.localdate()
    deadline = today.replace(month=6, day=30)
    start = timezone.make_aware(datetime(today.year, 1, 1))
    end = timezone.make_aware(datetime.combine(deadline, time.max))
    if Meeting.objects.filter(body__kind=Body.Kind.ALV, starts_at__gte=start, starts_at__lte=end).exists():
        return None
    return _(
        "No general assembly (ALV) is planned on or before %(deadline)s. The law asks for one within "
        "six months after the financial year %(year)d ended."
    ) % {"deadline": deadline.strftime("%d-%m-%Y"), "year": today.year - 1}


def kvk_todo_warning() -> str | None:
    """Board changes the secretariat still has to register with the KvK."""
    count = selectors.kvk_todo().count()
    if not count:
        return None
    return ngettext(
        "%(count)d board change has not been reported to the KvK yet.",
        "%(count)d board changes have not been reported to the KvK yet.",
        count,
    ) % {"count": count}


def mandates_kvk_report(*, mandates, on=None) -> int:
    """Record that the start, and where the mandate ended, its end were reported to the KvK.
    Dates already recorded are kept. Returns how many mandates changed."""
    on = on or timezone.localdate()
    changed = 0
    for mandate in mandates.select_related("body"):
        if not mandate.kvk_to_report:
            continue
        if mandate.kvk_start_reported_on is None:
            mandate.kvk_start_reported_on = on
        if mandate.end is not None and mandate.kvk_end_reported_on is None:
            mandate.kvk_end_reported_on = on
        mandate.save(update_fields=["kvk_start_reported_on", "kvk_end_reported_on"])
        changed += 1
    return changed


@transaction.atomic
def meeting_publish(*, meeting: Meeting, actor=None) -> Meeting:
    """Publish a meeting: refuse when a guardrail says no, then build the pack (Celery) and tell
    the body's members by e-mail, once per person for this publication; an ALV is also convoked
    to the member municipalities (board.convocation, by a task)."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    problems = meeting_guardrail_problems(meeting=meeting)
    if problems:
        raise ServiceError(" ".join(problems))
    if meeting.status == Meeting.Status.HELD:
        raise ServiceError(_("This meeting has been held; it cannot be published again."))
    now = timezone.now()
    agenda_renumber(meeting=meeting)
    meeting.status = Meeting.Status.PUBLISHED
    meeting.published_at = now
    meeting.notice_sent_at = meeting.notice_sent_at or now
    meeting.publication += 1
    history_note(meeting, actor=actor)
    meeting.save()
    packs.meeting_pack_request(meeting=meeting)
    _notices_queue(meeting=meeting, kind=Notice.Kind.PUBLISHED)
    convocation.meeting_convocation_request(meeting=meeting)
    return meeting


def meeting_not_started_problem(*, meeting: Meeting, now: datetime | None = None) -> str | None:
    """Why nothing that happens at a meeting (held, decisions, motion outcomes) can be recorded
    yet: the meeting has not begun. None when it has."""
    now = now or timezone.now()
    if meeting.starts_at is not None and meeting.starts_at > now:
        return _(
            "%(meeting)s has not taken place yet (it starts on %(date)s); record what happened there "
            "after the meeting."
        ) % {
            "meeting": meeting.title,
            "date": timezone.localtime(meeting.starts_at).strftime("%d-%m-%Y %H:%M"),
        }
    return None


@transaction.atomic
def meeting_mark_held(*, meeting: Meeting, actor=None, now: datetime | None = None) -> Meeting:
    """Record that the meeting was held; refused for a meeting that has not begun."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    problem = meeting_not_started_problem(meeting=meeting, now=now)
    if problem:
        raise ServiceError(problem)
    meeting.status = Meeting.Status.HELD
    history_note(meeting, actor=actor)
    meeting.save(update_fields=["status"])
    return meeting


@transaction.atomic
def agenda_item_decide(*, item: AgendaItem, decision: str, actor=None) -> AgendaItem:
    """Record the decision on an agenda item (the besluitenlijst): only once the meeting began."""
    decision = decision.strip()
    if decision:
        problem = meeting_not_started_problem(meeting=item.meeting)
        if problem:
            raise ServiceError(problem)
    item.decision = decision
    history_note(item, actor=actor)
    item.save(update_fields=["decision"])
    return item


def motion_outcome_problem(*, motion: Motion, outcome: str, votes_for, votes_against) -> str | None:
    """Why this outcome cannot be recorded for the motion, or None."""
    if outcome == Motion.Outcome.PENDING:
        if votes_for is not None or votes_against is not None:
            return _(
                "A motion that is not yet decided has no votes; choose its outcome or leave the votes empty."
            )
        return None
    if motion.meeting_id is None:
        return None
    return meeting_not_started_problem(meeting=motion.meeting)


@transaction.atomic
def motion_decide(
    *,
    motion: Motion,
    outcome: str,
    votes_for: int | None,
    votes_against: int | None,
    note: str = "",
    actor=None,
) -> Motion:
    """Record the general assembly's decision on a motion: only once the meeting began."""
    problem = motion_outcome_problem(
        motion=motion, outcome=outcome, votes_for=votes_for, votes_against=votes_against
    )
    if problem:
        raise ServiceError(problem)
    motion.outcome = outcome
    motion.votes_for = votes_for
    motion.votes_against = votes_against
    motion.outcome_note = note.strip()
    history_note(motion, actor=actor)
    motion.save(update_fields=["outcome", "votes_for", "votes_against", "outcome_note"])
    return motion


def _notices_queue(*, meeting: Meeting, kind: str) -> int:
    people = selectors.meeting_members(meeting=meeting)
    already = set(
        Notice.objects.filter(meeting=meeting, kind=kind, publication=meeting.publication).values_list(
            "person_id", flat=True
        )
    )
    when = timezone.localtime(meeting.starts_at)
    sent = 0
    for person in people:
        if person.pk in already or not person.email:
            continue
        context = {
            "meeting": meeting,
            "person": person,
            "when": when,
            "url": absolute_url(meeting.get_absolute_url()),
        }
        with mail_translation(recipient=person):
            template = "published" if kind == Notice.Kind.PUBLISHED else "reminder"
            subject = " ".join(render_to_string(f"governance/email/{template}_subject.txt", context).split())
            text = render_to_string(f"governance/email/{template}.txt", context)
            html = render_to_string(f"governance/email/{template}.html", {**context, "subject": subject})
        mail = mail_queue(
            to=person.email, subject=subject, text=text, html=html, kind=f"governance.meeting.{kind}"
        )
        Notice.objects.create(
            meeting=meeting, person=person, kind=kind, publication=meeting.publication, mail=mail
        )
        sent += 1
    return sent


def meeting_reminders_send(*, now: datetime | None = None) -> int:
    """Remind the members of published meetings that start within GOVERNANCE_REMINDER_HOURS."""
    now = now or timezone.now()
    horizon = now + timedelta(hours=settings.GOVERNANCE_REMINDER_HOURS)
    count = 0
    for meeting_id in Meeting.objects.filter(
        status=Meeting.Status.PUBLISHED,
        reminder_sent_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=horizon,
    ).values_list("pk", flat=True):
        with transaction.atomic():
            meeting = Meeting.objects.select_for_update().get(pk=meeting_id)
            if meeting.reminder_sent_at is not None:
                continue
            count += _notices_queue(meeting=meeting, kind=Notice.Kind.REMINDER)
            meeting.reminder_sent_at = now
            meeting.save(update_fields=["reminder_sent_at"])
    return count


@transaction.atomic
def note_save(*, user, document: Document, text: str) -> PersonalNote | None:
    """Save (or, with empty text, delete) my note on a document."""
    text = text.strip()
    if not text:
        PersonalNote.objects.filter(user=user, document=document).delete()
        return None
    note, _created = PersonalNote.objects.update_or_create(
        user=user, document=document, defaults={"text": text}
    )
    return note


def meeting_view_record(*, user, meeting: Meeting) -> datetime | None:
    """Remember that the user looked at the meeting now; return when they looked before."""
    if not user.is_authenticated:
        return None
    previous = (
        MeetingView.objects.filter(user=user, meeting=meeting).values_list("last_seen_at", flat=True).first()
    )
    MeetingView.objects.update_or_create(
        user=user, meeting=meeting, defaults={"last_seen_at": timezone.now()}
    )
    return previous
