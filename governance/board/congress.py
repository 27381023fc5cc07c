"""A meeting held together with an event (the ALV at the spring congress): linking them, creating
the congress for a new ALV, copying both a year later, and what each shows of the other.

governance.board may read events (it sits above events in .importlinter); events learns of the
meeting only through its extension points (events.extensions), filled in GovernanceConfig.ready().
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from events.models import Event, Registration
from governance.models import AgendaItem, Document, Meeting
from vzhg.errors import ServiceError
from vzhg.history import history_note

from . import convocation

# The kinds of event a meeting is held at (the ALV at the spring congress, possibly the autumn one).
MEETING_EVENT_KINDS = (Event.Kind.ALV_CONGRESS, Event.Kind.AUTUMN_CONGRESS)


def congress_events_free():
    """Events of the kind "ALV and spring congress" that no meeting is held at yet."""
    return Event.objects.filter(kind=Event.Kind.ALV_CONGRESS, meetings__isnull=True).order_by("-starts_at")


def _unique_slug(base: str) -> str:
    slug = slugify(base)[:190] or "alv"
    candidate, number = slug, 2
    while Event.objects.filter(slug=candidate).exists():
        candidate, number = f"{slug}-{number}", number + 1
    return candidate


@transaction.atomic
def congress_event_create(*, meeting: Meeting, actor=None) -> Event:
    """A draft congress event on the meeting's day and place, linked to the meeting."""
    if meeting.event_id is not None:
        raise ServiceError(_("This meeting is already held together with an event."))
    title = _("Spring congress and %(meeting)s") % {"meeting": meeting.title}
    event = Event(
        title=title,
        slug=_unique_slug(title),
        kind=Event.Kind.ALV_CONGRESS,
        starts_at=meeting.starts_at,
        ends_at=meeting.starts_at + timedelta(hours=6),
        venue_name=meeting.location,
        online_url=meeting.online_url,
    )
    event.full_clean()
    history_note(event, actor=actor)
    event.save()
    meeting_event_link(meeting=meeting, event=event, actor=actor)
    return event


@transaction.atomic
def meeting_event_link(*, meeting: Meeting, event: Event | None, actor=None) -> Meeting:
    """Hold the meeting together with this event (a congress), or with none. One meeting per event."""
    if event is not None and event.kind not in MEETING_EVENT_KINDS:
        raise ServiceError(_("A meeting can only be held together with a congress."))
    if event is not None and Meeting.objects.filter(event=event).exclude(pk=meeting.pk).exists():
        raise ServiceError(_("Another meeting is already held together with %(event)s.") % {"event": event})
    meeting.event = event
    history_note(meeting, actor=actor)
    meeting.save(update_fields=["event"])
    return meeting


@transaction.atomic
def meeting_copy_for_event(*, meeting: Meeting, event: Event, actor=None) -> Meeting:
    """A draft copy of the meeting (its agenda items' titles and kinds, no documents or
    decisions) held together with `event`, the copy of its event a year later."""
    year = timezone.localtime(event.starts_at).year
    old_year = str(timezone.localtime(meeting.starts_at).year)
    title = meeting.title.replace(old_year, str(year)) if old_year in meeting.title else meeting.title
    copy = Meeting(
        body=meeting.body,
        title=title,
        starts_at=event.starts_at,
        location=meeting.location,
        online_url=meeting.online_url,
        event=event,
    )
    history_note(copy, actor=actor)
    copy.save()
    for item in meeting.items.order_by("order", "pk"):
        new_item = AgendaItem(
            meeting=copy, order=item.order, title=item.title, kind=item.kind, confidential=item.confidential
        )
        history_note(new_item, actor=actor)
        new_item.save()
    from .adoption import minutes_adoption_item_ensure  # adoption builds on the services above this

    minutes_adoption_item_ensure(meeting=copy, actor=actor)
    return copy


def event_duplicated(*, original: Event, copy: Event, actor=None) -> None:
    """events.extensions hook: the copy of an event a meeting is held at gets a copy of that
    meeting, so next year's ALV and congress stay linked."""
    for meeting in Meeting.objects.filter(event=original):
        meeting_copy_for_event(meeting=meeting, event=copy, actor=actor)


# --- what each page shows of the other ----------------------------------------------------------------


def event_page_meeting(event: Event) -> str:
    """events.extensions section: on the event's public page, the agenda and published
    documents of the (published) meeting held there; the documents are links only where the
    body's meetings are public (elsewhere the portal would refuse the visitor). Only congresses
    are looked at, so the pages of the many other events cost no query."""
    if event.kind not in MEETING_EVENT_KINDS:
        return ""
    meeting = (
        Meeting.objects.filter(event=event, status__in=[Meeting.Status.PUBLISHED, Meeting.Status.HELD])
        .select_related("body")
        .first()
    )
    if meeting is None:
        return ""
    items = list(meeting.items.filter(confidential=False).order_by("order", "pk"))
    documents: dict[int, list[Document]] = {}
    for document in Document.objects.filter(
        item__meeting=meeting, item__confidential=False, replaced_by__isnull=True
    ).order_by("pk"):
        documents.setdefault(document.item_id, []).append(document)
    return render_to_string(
        "governance/_event_meeting.html",
        {"meeting": meeting, "agenda": [(item, documents.get(item.pk, [])) for item in items]},
    )


def event_registrations_per_municipality(*, event_id: int) -> list[dict]:
    """Confirmed and waiting-list registrations of the event, per organisation."""
    return list(
        Registration.objects.filter(event_id=event_id)
        .exclude(status=Registration.Status.CANCELLED)
        .values("organisation__name")
        .annotate(total=Count("pk"))
        .order_by("organisation__name")
    )


def meeting_congress_panel(meeting: Meeting) -> str:
    """The meeting's admin panel: its event's registrations per municipality, who has responded,
    and how far the convocation is."""
    if not meeting.pk:
        return "–"
    context: dict = {"meeting": meeting, "progress": convocation.convocation_progress(meeting=meeting)}
    if meeting.event_id is not None:
        context["registrations"] = event_registrations_per_municipality(event_id=meeting.event_id)
        if convocation.is_convoked(meeting):
            context["responses"] = convocation.meeting_responses(meeting=meeting)
    return render_to_string("admin/governance/_meeting_congress.html", context)
