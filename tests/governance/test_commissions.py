"""VNG commissions: temporary commissions end their seats (R17), the public page of our
Zuid-Holland members per commission, and its klankbord meetings."""

import datetime

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone, translation

from events.models import Event
from governance.board import commissions
from governance.models import CommissionSeat, VngCommission
from members.models import Person
from tests.events.staff_factories import EventFactory
from tests.factories import MemberFactory
from vzhg.errors import ServiceError

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    """Unlike the rest of tests/governance, these read the Dutch the bestuurder and the public
    see (this replaces the English fixture of tests/governance/conftest.py)."""
    settings.LANGUAGE_CODE = "nl"
    with translation.override("nl"):
        yield


TODAY = datetime.date(2026, 3, 1)


def tcam(end=datetime.date(2026, 6, 30)) -> VngCommission:
    return VngCommission.objects.create(
        name="Tijdelijke commissie asiel & migratie (TCAM)", kind=VngCommission.Kind.TIJDELIJKE, end=end
    )


def test_a_temporary_commission_needs_an_end_date():
    commission = VngCommission(name="TCAM", kind=VngCommission.Kind.TIJDELIJKE)
    with pytest.raises(ServiceError, match="einddatum"):
        commissions.vng_commission_save(commission=commission)


def test_a_seat_without_an_end_ends_with_its_temporary_commission():
    seat = commissions.commission_seat_save(
        seat=CommissionSeat(person=MemberFactory(), commission=tcam(), start=datetime.date(2024, 1, 1))
    )
    assert seat.end == datetime.date(2026, 6, 30)


def test_a_seat_ending_after_its_commission_is_refused_in_dutch():
    seat = CommissionSeat(
        person=MemberFactory(),
        commission=tcam(),
        start=datetime.date(2024, 1, 1),
        end=datetime.date(2026, 12, 31),
    )
    with pytest.raises(ServiceError, match="eindigt op 30 juni 2026"):
        commissions.commission_seat_save(seat=seat)
    assert not CommissionSeat.objects.exists()


def test_setting_a_commissions_end_ends_its_open_seats():
    commission = VngCommission.objects.create(name="Werk en Inkomen")
    open_seat = CommissionSeat.objects.create(person=MemberFactory(), commission=commission, start=TODAY)
    later = CommissionSeat.objects.create(
        person=MemberFactory(), commission=commission, start=TODAY, end=datetime.date(2030, 1, 1)
    )
    commission.kind, commission.end = VngCommission.Kind.TIJDELIJKE, datetime.date(2026, 6, 30)

    assert commissions.vng_commission_save(commission=commission) == 2
    open_seat.refresh_from_db()
    later.refresh_from_db()
    assert open_seat.end == later.end == datetime.date(2026, 6, 30)
    assert open_seat.history.first().history_change_reason == "R17: de commissie eindigt"


def test_current_seats_treat_an_ended_commission_as_ended():
    commission = tcam()
    # A seat written before the rule (no end of its own): the commission's end still ends it.
    CommissionSeat.objects.create(
        person=MemberFactory(), commission=commission, start=datetime.date(2024, 1, 1)
    )

    assert CommissionSeat.objects.current(datetime.date(2026, 6, 30)).count() == 1
    assert CommissionSeat.objects.current(datetime.date(2026, 7, 1)).count() == 0
    assert CommissionSeat.objects.active_on(datetime.date(2026, 7, 1)).count() == 1


def test_the_admin_inline_refuses_a_seat_after_the_commissions_end(secretariat, client):
    person = MemberFactory()
    commission = tcam()
    url = reverse("admin:governance_vngcommission_change", args=[commission.pk])
    data = {
        "name": commission.name,
        "kind": commission.kind,
        "end": "2026-06-30",
        "description": "",
        "seats-TOTAL_FORMS": "1",
        "seats-INITIAL_FORMS": "0",
        "seats-MIN_NUM_FORMS": "0",
        "seats-MAX_NUM_FORMS": "1000",
        "seats-0-person": person.pk,
        "seats-0-start": "2024-01-01",
        "seats-0-end": "2027-01-01",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "eindigen uiterlijk op die datum" in response.content.decode()

    data["seats-0-end"] = ""
    response = client.post(url, data)
    assert response.status_code == 302
    assert CommissionSeat.objects.get().end == datetime.date(2026, 6, 30)


def test_the_commission_admin_uses_autocomplete_for_people():
    inline = admin.site._registry[VngCommission].inlines[0]
    assert inline.model is CommissionSeat and "person" in inline.autocomplete_fields


# --- the public pages -------------------------------------------------------------------------


def _seats(commission, count):
    for n in range(count):
        person = MemberFactory(function=Person.Function.WETHOUDER, last_name=f"Lid{n:02d}")
        CommissionSeat.objects.create(person=person, commission=commission, start=datetime.date(2024, 1, 1))


def test_the_commission_page_names_our_members_with_function_and_municipality(client):
    commission = VngCommission.objects.create(name="Informatiesamenleving")
    griffier = MemberFactory(
        first_name="Robert", tussenvoegsel="van", last_name="Dijk", function=Person.Function.GRIFFIER
    )
    CommissionSeat.objects.create(person=griffier, commission=commission, start=datetime.date(2024, 1, 1))
    gone = MemberFactory(last_name="Vertrokken")
    CommissionSeat.objects.create(
        person=gone, commission=commission, start=datetime.date(2020, 1, 1), end=datetime.date(2023, 1, 1)
    )

    response = client.get(reverse("governance:commission", args=[commission.slug]))

    page = response.content.decode()
    assert response.status_code == 200
    with translation.override("nl"):
        function = str(griffier.get_function_display())
    assert f"Robert van Dijk, {function} {griffier.organisation.name}" in page
    assert "Vertrokken" not in page
    # Public: name, function and municipality only, never an address.
    assert griffier.email not in page


def test_an_empty_commission_says_it_has_no_member(client):
    commission = VngCommission.objects.create(name="Dienstverlening en Informatiebeleid")
    page = client.get(reverse("governance:commission", args=[commission.slug])).content.decode()
    assert "Geen Zuid-Hollands lid" in page


def test_the_commission_page_links_its_coming_klankbord_meetings(client):
    commission = VngCommission.objects.create(name="Bestuur en Veiligheid")
    coming = EventFactory(
        title="Digitale klankbordbijeenkomst Bestuur & Veiligheid",
        status=Event.Status.PUBLISHED,
        starts_at=timezone.now() + datetime.timedelta(days=10),
        ends_at=timezone.now() + datetime.timedelta(days=10, hours=1),
    )
    past = EventFactory(
        title="Klankbord vorig jaar",
        status=Event.Status.PUBLISHED,
        starts_at=timezone.now() - datetime.timedelta(days=100),
        ends_at=timezone.now() - datetime.timedelta(days=100, hours=-1),
    )
    commission.klankbord_events.add(coming, past)
    _seats(commission, 2)

    page = client.get(reverse("governance:commission", args=[commission.slug])).content.decode()

    assert coming.get_absolute_url() in page and "Klankbord vorig jaar" not in page
    assert {seat.person.last_name for seat in commissions.commission_hosts(event=coming)} == {
        "Lid00",
        "Lid01",
    }


def test_an_unknown_commission_is_404(client):
    assert client.get(reverse("governance:commission", args=[999])).status_code == 404


@pytest.mark.parametrize("size", [3, 30])
def test_the_commission_pages_do_not_grow_with_the_seats(client, django_assert_num_queries, size):
    commission = VngCommission.objects.create(name="Ruimte en Wonen")
    _seats(commission, size)
    VngCommission.objects.create(name="Milieu en Mobiliteit")
    # One query for the commissions, one for their seats with people and municipalities.
    with django_assert_num_queries(2):
        list_page = client.get(reverse("governance:commissions"))
    # The commission, its seats, its coming klankbord meetings.
    with django_assert_num_queries(3):
        detail = client.get(reverse("governance:commission", args=[commission.slug]))
    assert list_page.content.decode().count(" Lid") == size
    assert detail.content.decode().count(" Lid") == size


def test_the_board_page_links_the_commission_members(client):
    assert reverse("governance:commissions") in client.get(reverse("governance:board")).content.decode()


def test_a_klankbord_meetings_page_names_its_hosts(client):
    commission = VngCommission.objects.create(name="Bestuur en Veiligheid")
    _seats(commission, 2)
    event = EventFactory(title="Digitale klankbordbijeenkomst", kind=Event.Kind.SOUNDING_BOARD)
    commission.klankbord_events.add(event)

    page = client.get(event.get_absolute_url()).content.decode()

    assert "Gastheren" in page and "Lid00" in page and commission.get_absolute_url() in page
    assert commissions.event_page_hosts(EventFactory(kind=Event.Kind.NETWORK)) == ""
