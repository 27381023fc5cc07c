"""An ALV that has begun, with member municipalities, their delegates and their presence."""

import datetime

from django.utils import timezone

from governance.board import assembly
from governance.models import AgendaItem, Body, Meeting, Motion
from members.models import Person
from tests.factories import MemberFactory, MunicipalityFactory


def alv_meeting(*, days: int = -1, title: str = "ALV") -> Meeting:
    body, _created = Body.objects.get_or_create(
        slug="alv",
        defaults={"name": "Algemene ledenvergadering", "kind": Body.Kind.ALV, "public_meetings": True},
    )
    meeting = Meeting.objects.create(
        body=body,
        title=title,
        starts_at=timezone.now() + datetime.timedelta(days=days),
        status=Meeting.Status.PUBLISHED,
    )
    AgendaItem.objects.create(
        meeting=meeting, order=1, title="Jaarrekening", kind=AgendaItem.Kind.BESLUITVORMING
    )
    return meeting


def motion_on(meeting: Meeting, title: str = "Motie jeugdzorg") -> Motion:
    return Motion.objects.create(meeting=meeting, title=title, text="Het DB wordt gevraagd ...")


def delegations(meeting: Meeting, count: int, *, present: int | None = None):
    """`count` member municipalities, each with a delegate (a griffier with an account); the first
    `present` of them checked in. Returns the delegates' Person rows."""
    people = []
    for n in range(count):
        town = MunicipalityFactory()
        person = MemberFactory(organisation=town, function=Person.Function.GRIFFIER)
        assembly.delegate_set(meeting=meeting, municipality=town, person=person)
        if present is None or n < present:
            assembly.presence_check_in(meeting=meeting, municipality=town)
        people.append(person)
    return people
