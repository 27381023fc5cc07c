"""Minutes, the action list in the portal and the public archive in a real browser: axe-core finds
nothing on them, and a visitor finds last month's public meeting in the archive."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from governance.board import actions as board_actions
from governance.board import minutes as board_minutes
from governance.models import Action, AgendaItem, Attendance, Body, Mandate, Meeting
from tests.factories import MemberFactory

from .conftest import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def held_world():
    ab = Body.objects.create(name="Algemeen bestuur", slug="ab", kind=Body.Kind.AB, public_meetings=True)
    chair = MemberFactory(first_name="Hester", last_name="Horst")
    Mandate.objects.create(
        person=chair, body=ab, role=Mandate.Role.VOORZITTER, start=datetime.date(2024, 1, 1)
    )
    first = Meeting.objects.create(
        body=ab, title="AB oktober", starts_at=timezone.now() - datetime.timedelta(days=30), status="held"
    )
    AgendaItem.objects.create(meeting=first, order=1, title="Begroting")
    second = Meeting.objects.create(
        body=ab, title="AB november", starts_at=timezone.now() - datetime.timedelta(days=2), status="held"
    )
    adopt = AgendaItem.objects.create(meeting=second, order=1, title="Vaststellen notulen")
    minutes = board_minutes.minutes_save(meeting=first, text="## Opening\n\nDe voorzitter **opent**.")
    board_minutes.attendance_record(meeting=first, person=chair, status=Attendance.Status.PRESENT)
    board_minutes.minutes_adopt(minutes=minutes, item=adopt)
    board_actions.action_save(
        action=Action(body=ab, title="Brief aan de provincie", owner=chair, meeting=first)
    )
    return {"first": first, "chair": chair.user}


def test_minutes_archive_and_my_actions_are_accessible(page: Page, live_server, log_in, held_world):
    page.goto(f"{live_server.url}/bestuur/")
    page.get_by_role("link", name="Archief van gehouden openbare vergaderingen").click()
    assert_accessible(page)
    page.get_by_role("link", name=str(timezone.localtime(held_world["first"].starts_at).year)).first.click()
    expect(page.get_by_role("main")).to_contain_text("AB oktober")
    assert_accessible(page)
    page.locator(
        f"a[href$='/vergadering/{held_world['first'].pk}/{held_world['first'].token}/notulen/']"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notulen")
    expect(page.get_by_role("main")).to_contain_text("Hester Horst")
    assert_accessible(page)

    log_in(held_world["chair"])
    page.goto(f"{live_server.url}/bestuur/portaal/")
    expect(page.get_by_role("main")).to_contain_text("Brief aan de provincie")
    assert_accessible(page)
