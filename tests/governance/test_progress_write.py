"""Writing a half-year traffic light outside the admin: staff for every activity, a board member
for the activities they are responsible for."""

import datetime
import re

import pytest

from governance.models import Body, Mandate, ProgressReport
from tests.factories import MemberFactory, secretariat_user, staff_without_rights

from .report_data import build_year


@pytest.fixture
def plan(db):
    year = build_year(activities=3)
    ab = Body.objects.get(slug="ab")
    mine, other = MemberFactory(), MemberFactory()
    for person in (mine, other):
        Mandate.objects.create(person=person, body=ab, role=Mandate.Role.LID, start=datetime.date(2020, 1, 1))
    activity = year.activities[0]
    activity.responsible.add(mine)
    ProgressReport.objects.filter(activity__workplan=year.workplan).delete()
    return {"year": year, "activity": activity, "mine": mine.user, "other": other.user}


def url(plan, half=1, activity=None):
    return f"/werkplan/{plan['year'].year}/voortgang/{half}/{(activity or plan['activity']).pk}/"


def test_the_responsible_board_member_writes_the_traffic_light(client, plan):
    client.force_login(plan["mine"])
    overview = client.get(f"/werkplan/{plan['year'].year}/voortgang/1/").content.decode()
    assert overview.count('class="progress-write') == 1  # only the activity they are responsible for

    assert client.get(url(plan)).status_code == 200
    response = client.post(
        url(plan), {"light": "orange", "text": "Eén bijeenkomst verschoven naar het najaar."}
    )

    assert (
        response.status_code == 302 and response["Location"] == f"/werkplan/{plan['year'].year}/voortgang/1/"
    )
    report = ProgressReport.objects.get(activity=plan["activity"], half=1)
    assert (report.light, report.text, report.written_by) == (
        "orange", "Eén bijeenkomst verschoven naar het najaar.", plan["mine"]
    )  # fmt: skip
    assert "Eén bijeenkomst verschoven naar het najaar." in client.get(response["Location"]).content.decode()


def test_bad_input_gets_a_message_and_keeps_what_was_typed(client, plan):
    client.force_login(plan["mine"])

    response = client.post(url(plan), {"light": "orange", "text": "  "})
    assert response.status_code == 200
    body = response.content.decode()
    assert "This field is required." in body and re.search(r'value="orange"[^>]*checked', body)
    response = client.post(url(plan), {"light": "purple", "text": "Loopt."})
    assert response.status_code == 200 and "Loopt." in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_others_may_not_write_it(client, plan):
    assert client.get(url(plan)).status_code == 302  # anonymous: log in first
    client.force_login(plan["other"])  # on the board, but not responsible
    assert client.get(url(plan)).status_code == 403
    assert client.post(url(plan), {"light": "red", "text": "x"}).status_code == 403
    client.force_login(MemberFactory().user)  # not on the board
    assert client.get(url(plan)).status_code == 403
    client.force_login(staff_without_rights())  # staff status alone is no right
    assert client.get(url(plan)).status_code == 403
    assert client.post(url(plan), {"light": "red", "text": "x"}).status_code == 403
    assert not ProgressReport.objects.exists()


def test_staff_write_any_activity_and_unknown_ones_are_404(client, plan):
    client.force_login(secretariat_user())
    other_activity = plan["year"].activities[1]
    assert (
        client.post(
            url(plan, half=2, activity=other_activity), {"light": "green", "text": "Klaar."}
        ).status_code
        == 302
    )
    assert ProgressReport.objects.get(activity=other_activity).half == 2
    assert client.get(url(plan, half=3)).status_code == 404
    assert client.get(f"/werkplan/{plan['year'].year}/voortgang/1/999999/").status_code == 404
