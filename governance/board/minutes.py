"""Minutes (notulen) and attendance of a meeting: writing them, adopting the minutes at a later
meeting of the same body, recording who was there, and reading them with their relations."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from governance.models import AgendaItem, Attendance, Mandate, Meeting, Minutes
from members.models import Person
from vzhg.errors import ServiceError
from vzhg.history import history_note
from vzhg.markdown import markdown_to_html

from .services import meeting_not_started_problem


def minutes_save(*, meeting: Meeting, text: str, actor=None) -> Minutes:
    """Write (or rewrite) the concept minutes of a meeting that has begun. Adopted minutes are
    final: they are not changed any more."""
    with transaction.atomic():
        problem = meeting_not_started_problem(meeting=meeting)
        if problem:
            raise ServiceError(problem)
        minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
        if minutes is None:
            minutes = Minutes(meeting=meeting)
        elif minutes.status == Minutes.Status.ADOPTED:
            raise ServiceError(_("These minutes have been adopted; they can no longer be changed."))
        minutes.text = text.strip()
        if minutes.adoption_item_id is None:
            minutes.adoption_item = _next_adoption_item(meeting=meeting)
        history_note(minutes, actor=actor)
        minutes.save()
    return minutes


ADOPTION_ITEM_TITLE = "Vaststellen notulen"


def _next_adoption_item(*, meeting: Meeting) -> AgendaItem | None:
    """The item "Vaststellen notulen…" of the body's next meeting, when it has one that adopts no
    other minutes yet: the minutes are put on that agenda by themselves."""
    following = (
        Meeting.objects.filter(body_id=meeting.body_id, starts_at__gt=meeting.starts_at)
        .order_by("starts_at", "pk")
        .first()
    )
    if following is None:
        return None
    return (
        following.items.filter(title__istartswith=ADOPTION_ITEM_TITLE, minutes_to_adopt__isnull=True)
        .order_by("order", "pk")
        .first()
    )


def _item_problem(*, minutes: Minutes, item: AgendaItem) -> str | None:
    later = item.meeting
    if later.body_id != minutes.meeting.body_id or later.starts_at <= minutes.meeting.starts_at:
        return _("Minutes are adopted at a later meeting of the same body.")
    return None


def minutes_adoption_problem(*, minutes: Minutes, item: AgendaItem | None) -> str | None:
    """Why the minutes cannot be adopted at this agenda item, or None."""
    if minutes.status == Minutes.Status.ADOPTED:
        return _("These minutes have already been adopted.")
    if item is None:
        return _("Choose the agenda item “Vaststellen notulen” of the meeting that adopts the minutes.")
    return _item_problem(minutes=minutes, item=item) or meeting_not_started_problem(meeting=item.meeting)


def minutes_link(*, minutes: Minutes, item: AgendaItem | None, actor=None) -> Minutes:
    """Put concept minutes on the agenda of a later meeting of the body (the item "Vaststellen
    notulen" then links to them), or take them off (None), before they are adopted there."""
    with transaction.atomic():
        minutes = Minutes.objects.select_for_update().select_related("meeting").get(pk=minutes.pk)
        if minutes.status == Minutes.Status.ADOPTED:
            raise ServiceError(_("These minutes have been adopted; they can no longer be changed."))
        if item is not None:
            item = AgendaItem.objects.select_related("meeting").get(pk=item.pk)
            problem = _item_problem(minutes=minutes, item=item)
            if problem:
                raise ServiceError(problem)
        minutes.adoption_item = item
        history_note(minutes, actor=actor)
        minutes.save(update_fields=["adoption_item", "updated_at"])
    return minutes


def minutes_adopt(*, minutes: Minutes, item: AgendaItem | None, actor=None) -> Minutes:
    """Adopt the minutes at an item of a later meeting of the same body, once that meeting began;
    who did it and when is recorded (and kept in the history)."""
    with transaction.atomic():
        minutes = Minutes.objects.select_for_update().select_related("meeting").get(pk=minutes.pk)
        if item is not None:
            item = AgendaItem.objects.select_related("meeting").get(pk=item.pk)
        problem = minutes_adoption_problem(minutes=minutes, item=item)
        if problem:
            raise ServiceError(problem)
        minutes.status = Minutes.Status.ADOPTED
        minutes.adoption_item = item
        minutes.adopted_at = timezone.now()
        minutes.adopted_by = actor
        history_note(minutes, actor=actor, reason=pgettext("minutes", "adopted"))
        minutes.save()
    return minutes


def attendance_record(*, meeting: Meeting, person: Person, status: str, actor=None) -> Attendance:
    """Record whether a member of the meeting's body (a mandate active on the meeting's day) was
    present, absent with notice, or absent."""
    if status not in Attendance.Status.values:
        raise ServiceError(_("Unknown attendance: %(status)s") % {"status": status})
    day = timezone.localtime(meeting.starts_at).date()
    if not Mandate.objects.active_on(day).filter(body_id=meeting.body_id, person=person).exists():
        raise ServiceError(
            _("%(person)s was not a member of %(body)s on the day of the meeting.")
            % {"person": person, "body": meeting.body}
        )
    with transaction.atomic():
        row = Attendance.objects.select_for_update().filter(meeting=meeting, person=person).first()
        if row is None:
            row = Attendance(meeting=meeting, person=person)
        row.status = status
        history_note(row, actor=actor)
        row.save()
    return row


@dataclass
class AttendanceLine:
    person: Person
    status: str | None  # None: not recorded

    @property
    def label(self) -> str:
        if self.status is None:
            return _("not recorded")
        return str(Attendance.Status(self.status).label)


def meeting_attendance(*, meeting: Meeting) -> list[AttendanceLine]:
    """Every member of the body on the meeting's day, with what was recorded for them (two
    queries)."""
    day = timezone.localtime(meeting.starts_at).date()
    people = (
        Person.objects.filter(
            pk__in=Mandate.objects.active_on(day).filter(body_id=meeting.body_id).values("person_id")
        )
        .select_related("organisation")
        .order_by("last_name", "first_name", "pk")
    )
    recorded = dict(Attendance.objects.filter(meeting=meeting).values_list("person_id", "status"))
    return [AttendanceLine(person=person, status=recorded.get(person.pk)) for person in people]


def minutes_html(minutes: Minutes) -> str:
    return markdown_to_html(minutes.text)


def minutes_of(*, meeting: Meeting) -> Minutes | None:
    return (
        Minutes.objects.select_related("adoption_item__meeting", "adopted_by").filter(meeting=meeting).first()
    )
