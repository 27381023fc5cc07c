"""Board changes the secretariat must register with the Kamer van Koophandel (KvK)."""

import datetime

import pytest
from django.urls import reverse

from governance.board import selectors as board_selectors
from governance.board import services as board_services
from governance.models import Body, Mandate
from members import services as member_services
from tests.factories import MemberFactory, UserFactory

from .conftest import seat


@pytest.fixture
def staff_client(client, db):
    user = UserFactory(is_staff=True)
    user.groups.add(member_services.secretariat_group_ensure())
    client.force_login(user)
    return client


def test_new_and_ended_board_mandates_are_on_the_to_do_list_until_reported(bodies):
    kascommissie = Body.objects.create(name="Kascommissie", slug="kas", kind=Body.Kind.KASCOMMISSIE)
    joined = seat(MemberFactory(), bodies["ab"])
    seat(MemberFactory(), kascommissie)  # not a board change: the KvK registers the board only
    assert list(board_selectors.kvk_todo()) == [joined]

    assert (
        board_services.mandates_kvk_report(mandates=Mandate.objects.all(), on=datetime.date(2024, 1, 8)) == 1
    )
    joined.refresh_from_db()
    assert (
        joined.kvk_start_reported_on == datetime.date(2024, 1, 8) and not board_selectors.kvk_todo().exists()
    )

    # The mandate ends: its end is a new change to report; the reported start date is kept.
    joined.end = datetime.date(2025, 6, 30)
    joined.save()
    assert list(board_selectors.kvk_todo()) == [joined]
    board_services.mandates_kvk_report(
        mandates=Mandate.objects.filter(pk=joined.pk), on=datetime.date(2025, 7, 2)
    )
    joined.refresh_from_db()
    assert (joined.kvk_start_reported_on, joined.kvk_end_reported_on) == (
        datetime.date(2024, 1, 8),
        datetime.date(2025, 7, 2),
    )
    assert not board_selectors.kvk_todo().exists()


def test_the_mandate_list_warns_and_the_action_marks_changes_reported(staff_client, bodies):
    newcomer = seat(MemberFactory(), bodies["db"], Mandate.Role.PENNINGMEESTER)
    url = reverse("admin:governance_mandate_changelist")

    page = staff_client.get(url).content.decode()
    assert "1 board change has not been reported to the KvK yet." in page
    assert "to report" in staff_client.get(url + "?kvk=todo").content.decode()

    response = staff_client.post(
        url, {"action": "kvk_reported", "_selected_action": [newcomer.pk], "index": 0}, follow=True
    )
    assert "1 board change marked as reported to the KvK." in response.content.decode()
    newcomer.refresh_from_db()
    assert newcomer.kvk_start_reported_on is not None
    assert "has not been reported to the KvK" not in staff_client.get(url).content.decode()
