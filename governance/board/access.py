"""Who may read what of a meeting: the permission of the secretariat, membership of the
meeting's body on its date, public bodies."""

from django.utils import timezone

from governance.models import AgendaItem, Mandate, Meeting
from members.models import Person


def _person(user) -> Person | None:
    if not user.is_authenticated:
        return None
    try:
        return user.person
    except Person.DoesNotExist:
        return None


def is_body_member(*, user, meeting: Meeting) -> bool:
    if not user.is_authenticated:
        return False
    day = timezone.localtime(meeting.starts_at).date()
    return Mandate.objects.active_on(day).filter(body_id=meeting.body_id, person__user=user).exists()


# Reading every meeting, concepts and confidential items included, is the right to view
# meetings in the admin (the Secretariaat group has it); staff status alone gives nothing.
MEETING_READ_PERMISSION = "governance.view_meeting"


def may_read_all_meetings(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_perm(MEETING_READ_PERMISSION))


class Access:
    """What one user may see of one meeting: everything with the meeting permission; a member of
    the meeting's body on its date the published meeting with its confidential items; anyone else
    a published meeting of a public body without its confidential items."""

    def __init__(self, *, user, meeting: Meeting):
        self.staff = may_read_all_meetings(user)
        self.member = self.staff or is_body_member(user=user, meeting=meeting)
        visible = meeting.status != Meeting.Status.CONCEPT
        self.meeting = self.staff or (visible and (self.member or meeting.body.public_meetings))
        self.confidential = self.member

    def item(self, item: AgendaItem) -> bool:
        return self.meeting and (self.confidential or not item.confidential)
