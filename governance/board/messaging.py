"""What the board adds to messaging: the audience "members of the body" of a meeting
(registered from GovernanceConfig.ready(); messaging never imports governance)."""

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.models import Mandate, Meeting
from members.models import Person
from messaging.audiences import Audience, audience_register


def _body_members(meeting_id: int) -> QuerySet[Person]:
    """The people with a mandate in the meeting's body on the meeting's date."""
    meeting = Meeting.objects.get(pk=meeting_id)
    day = timezone.localtime(meeting.starts_at).date()
    return Person.objects.filter(
        pk__in=Mandate.objects.active_on(day).filter(body_id=meeting.body_id).values("person_id")
    )


def messaging_audiences_register() -> None:
    audience_register(
        Audience(
            key="governance.body_members",
            label=_("members of the body"),
            source_model="governance.meeting",
            people=_body_members,
            merge_fields=frozenset({"vergadering", "datum"}),
        )
    )
