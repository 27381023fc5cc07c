"""The delegate checks their municipality in from the phone page ("I am present"), on the day of the
ALV; the secretariat's presence page shows who checked in themselves."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from governance.board import assembly
from governance.models import Meeting, Presence
from members.models import Person
from tests.factories import MemberFactory, secretariat_user
from vzhg.errors import ServiceError

from .assembly_data import alv_meeting, delegations

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def today_alv(hours: int = -1) -> Meeting:
    """An ALV that began (or begins) `hours` from now, on today's date."""
    meeting = alv_meeting()
    now = timezone.localtime()
    starts = now.replace(hour=12, minute=0) if not 1 <= now.hour <= 22 else now
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=starts + datetime.timedelta(hours=hours))
    meeting.refresh_from_db()
    if timezone.localdate(meeting.starts_at) != timezone.localdate():
        pytest.skip("too close to midnight for a same-day meeting")
    return meeting


def ballot_page(meeting):
    return reverse("governance:ballot", kwargs={"pk": meeting.pk, "token": meeting.token})


def test_the_delegate_checks_in_once_and_a_second_tap_changes_nothing():
    meeting = today_alv()
    delegate = delegations(meeting, 1, present=0)[0]

    presence, created = assembly.presence_self_check_in(meeting=meeting, user=delegate.user)
    again, created_again = assembly.presence_self_check_in(meeting=meeting, user=delegate.user)

    assert created and not created_again and again.pk == presence.pk
    assert (presence.municipality, presence.person, presence.self_check_in) == (
        delegate.organisation,
        delegate,
        True,
    )
    assert Presence.objects.count() == 1


def test_the_deputy_checking_in_is_recorded_as_the_deputy():
    meeting = today_alv()
    delegate = delegations(meeting, 1, present=0)[0]
    deputy = MemberFactory(organisation=delegate.organisation, function=Person.Function.WETHOUDER)
    assembly.delegate_set(meeting=meeting, municipality=delegate.organisation, person=delegate, deputy=deputy)

    presence, _created = assembly.presence_self_check_in(meeting=meeting, user=deputy.user)

    assert presence.person == deputy


def test_already_checked_in_by_the_secretariat_stays_so():
    meeting = today_alv()
    delegate = delegations(meeting, 1, present=1)[0]

    presence, created = assembly.presence_self_check_in(meeting=meeting, user=delegate.user)

    assert not created and not presence.self_check_in


@pytest.mark.parametrize(
    "days, status, code",
    [
        (3, Meeting.Status.PUBLISHED, "not_today"),  # before the day
        (-2, Meeting.Status.PUBLISHED, "not_today"),  # the day has passed
        (0, Meeting.Status.HELD, "not_today"),  # marked held
    ],
)
def test_checking_in_outside_the_day_is_refused(days, status, code):
    meeting = today_alv()
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=meeting.starts_at + datetime.timedelta(days=days), status=status
    )
    meeting.refresh_from_db()
    delegate = delegations(meeting, 1, present=0)[0]

    with pytest.raises(ServiceError) as refusal:
        assembly.presence_self_check_in(meeting=meeting, user=delegate.user)

    assert refusal.value.code == code and not Presence.objects.exists()


def test_someone_who_is_not_a_delegate_cannot_check_in():
    meeting = today_alv()
    delegations(meeting, 1, present=0)

    with pytest.raises(ServiceError) as refusal:
        assembly.presence_self_check_in(meeting=meeting, user=MemberFactory().user)

    assert refusal.value.code == "not_delegate" and not Presence.objects.exists()


def test_the_phone_page_checks_in_says_so_on_a_second_tap_and_the_secretariat_sees_it(client):
    meeting = today_alv(hours=1)  # later today: the day has come, the meeting has not begun
    delegate = delegations(meeting, 1, present=0)[0]
    client.force_login(delegate.user)

    page = client.get(ballot_page(meeting)).content.decode()
    assert "I am present" in page
    first = client.post(ballot_page(meeting), {"check_in": "1"}, follow=True).content.decode()
    second = client.post(ballot_page(meeting), {"check_in": "1"}, follow=True).content.decode()

    assert f"{delegate.organisation.name} is checked in as present." in first
    assert "Your municipality is checked in as present" in first and "I am present" not in first
    assert f"{delegate.organisation.name} was already checked in as present at" in second
    assert Presence.objects.get().self_check_in
    client.force_login(secretariat_user())
    presence = client.get(reverse("admin:governance_delegate_presence", args=[meeting.pk])).content.decode()
    assert "checked in themselves" in presence and delegate.full_name in presence


def test_before_the_day_the_phone_page_offers_no_check_in(client):
    meeting = alv_meeting(days=5)
    delegate = delegations(meeting, 1, present=0)[0]
    client.force_login(delegate.user)

    page = client.get(ballot_page(meeting)).content.decode()
    refused = client.post(ballot_page(meeting), {"check_in": "1"}, follow=True).content.decode()

    assert "I am present" not in page and "You can check in on the day" in page
    assert "You can check in on the day" in refused and not Presence.objects.exists()
