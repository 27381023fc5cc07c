"""Demo minutes (notulen), attendance and actions for the held board meetings and ALVs: each
held meeting gets its attendance and minutes, adopted at the next held meeting of its body; the
last held meeting of each board body leaves one open action for its chair. Loaded once."""

import datetime

from django.db import transaction

from governance.board import actions as board_actions
from governance.board import minutes as board_minutes
from governance.models import Action, Attendance, Body, Mandate, Meeting, Minutes

from . import assembly as demo_assembly

MINUTES_TEXT = """## Opening

De voorzitter opent de vergadering en heet iedereen welkom.

## Besluiten

De besluiten staan in de besluitenlijst van deze vergadering.

## Rondvraag en sluiting

Er zijn geen vragen. De voorzitter sluit de vergadering."""


def minutes_load(*, today: datetime.date) -> int:
    """Returns the number of minutes created."""
    created = 0
    with transaction.atomic():
        for body in Body.objects.filter(kind__in=[Body.Kind.AB, Body.Kind.DB, Body.Kind.ALV]):
            held = list(
                Meeting.objects.filter(body=body, status=Meeting.Status.HELD, starts_at__date__lt=today)
                .prefetch_related("items")
                .order_by("starts_at")
            )
            for index, meeting in enumerate(held):
                if Minutes.objects.filter(meeting=meeting).exists():
                    continue
                for number, line in enumerate(board_minutes.meeting_attendance(meeting=meeting)):
                    status = Attendance.Status.EXCUSED if number % 7 == 3 else Attendance.Status.PRESENT
                    board_minutes.attendance_record(meeting=meeting, person=line.person, status=status)
                text = demo_assembly.alv_minutes_text(meeting) or MINUTES_TEXT
                minutes = board_minutes.minutes_save(meeting=meeting, text=text)
                created += 1
                following = held[index + 1] if index + 1 < len(held) else None
                items = list(following.items.all()) if following else []
                # At its item "Vaststellen notulen" where the agenda has one, else at the opening.
                adopting = [
                    item for item in items if item.title.startswith(board_minutes.ADOPTION_ITEM_TITLE)
                ]
                if items:
                    item = (adopting or items)[0]
                    board_minutes.minutes_adopt(minutes=minutes, item=item)
                    # adopted on the day of that meeting, not on the day the demo was loaded
                    Minutes.objects.filter(pk=minutes.pk).update(adopted_at=following.starts_at)
            if held and body.kind != Body.Kind.ALV and not Action.objects.filter(body=body).exists():
                last = held[-1]
                day = last.starts_at.date()
                chair = (
                    Mandate.objects.active_on(day)
                    .filter(body=body, role=Mandate.Role.VOORZITTER)
                    .select_related("person")
                    .first()
                )
                board_actions.action_save(
                    action=Action(
                        body=body,
                        title="Reactie op de provinciale consultatie voorbereiden",
                        owner=chair.person if chair else None,
                        due=today + datetime.timedelta(days=21),
                        meeting=last,
                    )
                )
    return created
