"""One definition of attendance for the annual report (governance/reports/annual.py): the events
section and ledenbinding count the same municipalities, and a check-in before the event (the check-in
page tried out on an upcoming event, a tick days early) is not attendance."""

import datetime

import pytest
from django.utils import timezone

from events.models import Registration
from governance.reports import annual as report_annual
from tests.events.staff_factories import EventFactory, RegistrationFactory
from tests.factories import MemberFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db

TZ = timezone.get_default_timezone()
YEAR = 2025
NOW = datetime.datetime(YEAR, 12, 31, 12, tzinfo=TZ)


def _event(month, day):
    starts = datetime.datetime(YEAR, month, day, 14, tzinfo=TZ)
    return EventFactory(starts_at=starts, ends_at=starts + datetime.timedelta(hours=3))


def _attended(event, organisation, *, checked_in_at):
    return RegistrationFactory(
        event=event,
        person=MemberFactory(organisation=organisation),
        organisation=organisation,
        status=Registration.Status.CONFIRMED,
        attended=True,
        attended_at=checked_in_at,
    )


def test_check_ins_before_the_event_do_not_count_and_both_sections_agree():
    delft, gouda, leiden, _quiet = (
        MunicipalityFactory(name=n) for n in ["Delft", "Gouda", "Leiden", "Zwijndrecht"]
    )
    congress = _event(3, 10)
    _attended(
        congress, delft, checked_in_at=congress.starts_at - datetime.timedelta(minutes=20)
    )  # at the door
    _attended(congress, gouda, checked_in_at=congress.starts_at - datetime.timedelta(days=3))  # days early
    later = _event(11, 5)
    _attended(later, leiden, checked_in_at=later.starts_at + datetime.timedelta(minutes=5))
    RegistrationFactory(
        event=later,
        person=MemberFactory(organisation=gouda),
        organisation=gouda,
        status=Registration.Status.CONFIRMED,
    )  # registered, did not come

    # At the end of the year: Delft and Leiden attended; Gouda's early tick is no attendance.
    data = report_annual.annual_report_data(year=YEAR, now=NOW)
    assert data.engagement.reached == data.event_totals["municipalities"] == 2
    assert {o.name for o in data.engagement.not_reached} == {"Gouda", "Zwijndrecht"}
    assert data.event_totals["attended"] == sum(row.attendances for row in data.engagement.rows) == 2
    assert [event.municipalities for event in data.events] == [1, 1]

    # Before the November event took place, a tick at it does not count either.
    before = datetime.datetime(YEAR, 11, 1, 12, tzinfo=TZ)
    Registration.objects.filter(event=later).update(attended_at=before)
    data = report_annual.annual_report_data(year=YEAR, now=before)
    assert data.engagement.reached == data.event_totals["municipalities"] == 1
