"""Meeting attendance, as the secretariat records it, is counted in the annual report's meetings
chapter (per meeting and per body), in the same queries as before."""

import pytest
from django.template.loader import render_to_string

from governance.models import Attendance
from governance.reports import annual as report_annual
from tests.factories import MemberFactory

from .report_counts import NOW, YEAR, at, meeting_at

pytestmark = pytest.mark.django_db


def test_attendance_is_counted_per_meeting_and_per_body(bodies):
    first, second = meeting_at(bodies["ab"], at(2, 1)), meeting_at(bodies["ab"], at(5, 1))
    meeting_at(bodies["db"], at(3, 1))  # nothing recorded
    people = [MemberFactory() for _ in range(3)]
    for person, status in zip(
        people, [Attendance.Status.PRESENT, Attendance.Status.PRESENT, Attendance.Status.EXCUSED], strict=True
    ):
        Attendance.objects.create(meeting=first, person=person, status=status)
    Attendance.objects.create(meeting=second, person=people[0], status=Attendance.Status.ABSENT)

    data = report_annual.annual_report_data(year=YEAR, now=NOW)

    ab, db = data.meetings
    assert [(m.present, m.excused, m.absent) for m in ab.meetings] == [(2, 1, 0), (0, 0, 1)]
    assert (ab.present, ab.recorded) == (2, 4)
    assert (db.present, db.recorded) == (0, 0)
    html = render_to_string("reports/_annual_report_body.html", {"data": data})
    assert "attendance 2 of 4 recorded." in html
    assert "2 present, 1 absent with notice, 0 absent" in html
