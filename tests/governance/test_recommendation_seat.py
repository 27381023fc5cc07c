"""A given recommendation becomes a commission seat in one step: the requester on the commission
from a start date, through the service and the admin's "Behandelen" page; refused in Dutch when
the recommendation was not given, the commission has ended or the requester already sits there."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from governance.board import recommendations
from governance.models import CommissionSeat, RecommendationRequest, VngCommission
from members import services as member_services
from members.models import Person
from tests.factories import MemberFactory, UserFactory
from vzhg.errors import ServiceError

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _dutch(settings):
    settings.LANGUAGE_CODE = "nl"
    with translation.override("nl"):
        yield


@pytest.fixture
def commission():
    return VngCommission.objects.create(name="Informatiesamenleving")


@pytest.fixture
def wethouder():
    return MemberFactory(first_name="Maarten", last_name="Burggraaf", function=Person.Function.WETHOUDER)


@pytest.fixture
def staff():
    user = UserFactory(is_staff=True)
    user.groups.add(member_services.secretariat_group_ensure())
    return user


def _given(person, commission, staff) -> RecommendationRequest:
    request = recommendations.recommendation_request_create(
        person=person, commission=commission, motivation="Ik ken het domein.", actor=person.user
    )
    return recommendations.recommendation_request_give(
        request=request, letter_text="Aanbevolen.", actor=staff
    )


def test_the_seat_is_made_from_a_given_recommendation(wethouder, commission, staff):
    given = _given(wethouder, commission, staff)
    start = timezone.localdate()

    seat = recommendations.commission_seat_create_from_recommendation(request=given, start=start, actor=staff)

    assert (seat.person, seat.commission, seat.start, seat.end) == (wethouder, commission, start, None)
    record = seat.history.get()
    assert record.history_user == staff and record.history_change_reason == "uit een gegeven aanbeveling"


def test_a_temporary_commissions_seat_ends_with_it(wethouder, staff):
    ends = timezone.localdate() + datetime.timedelta(days=90)
    temporary = VngCommission.objects.create(name="TCAM", kind=VngCommission.Kind.TIJDELIJKE, end=ends)
    given = _given(wethouder, temporary, staff)

    seat = recommendations.commission_seat_create_from_recommendation(
        request=given, start=timezone.localdate(), actor=staff
    )

    assert seat.end == ends


def test_only_a_given_recommendation_makes_a_seat(wethouder, commission, staff):
    received = recommendations.recommendation_request_create(
        person=wethouder, commission=commission, motivation="Graag.", actor=wethouder.user
    )

    with pytest.raises(ServiceError, match="Alleen een gegeven aanbeveling"):
        recommendations.commission_seat_create_from_recommendation(
            request=received, start=timezone.localdate(), actor=staff
        )
    assert not CommissionSeat.objects.exists()


def test_an_ended_commission_takes_no_seat(wethouder, staff):
    ends = timezone.localdate() + datetime.timedelta(days=10)
    temporary = VngCommission.objects.create(name="TCAM", kind=VngCommission.Kind.TIJDELIJKE, end=ends)
    given = _given(wethouder, temporary, staff)
    VngCommission.objects.filter(pk=temporary.pk).update(
        end=timezone.localdate() - datetime.timedelta(days=1)
    )

    with pytest.raises(ServiceError, match="is op .* geëindigd; er komen geen zetels meer bij"):
        recommendations.commission_seat_create_from_recommendation(
            request=given, start=timezone.localdate() - datetime.timedelta(days=30), actor=staff
        )
    assert not CommissionSeat.objects.exists()


def test_a_second_open_seat_is_refused(wethouder, commission, staff):
    given = _given(wethouder, commission, staff)
    recommendations.commission_seat_create_from_recommendation(
        request=given, start=timezone.localdate(), actor=staff
    )

    with pytest.raises(ServiceError, match="Maarten Burggraaf heeft al een zetel in Informatiesamenleving"):
        recommendations.commission_seat_create_from_recommendation(
            request=given, start=timezone.localdate() + datetime.timedelta(days=1), actor=staff
        )
    assert CommissionSeat.objects.count() == 1


def test_an_ended_seat_does_not_block_a_new_one(wethouder, commission, staff):
    today = timezone.localdate()
    CommissionSeat.objects.create(
        person=wethouder, commission=commission, start=today - datetime.timedelta(days=800), end=today
    )
    given = _given(wethouder, commission, staff)

    seat = recommendations.commission_seat_create_from_recommendation(
        request=given, start=today + datetime.timedelta(days=1), actor=staff
    )

    assert CommissionSeat.objects.filter(person=wethouder).count() == 2 and seat.end is None


def test_the_handling_page_creates_the_seat_in_one_step(client, wethouder, commission, staff):
    given = _given(wethouder, commission, staff)
    url = reverse("admin:governance_recommendationrequest_handle", args=[given.pk])
    change = reverse("admin:governance_recommendationrequest_change", args=[given.pk])
    client.force_login(staff)
    assert "Commissiezetel aanmaken" in client.get(change).content.decode()

    page = client.get(url).content.decode()
    assert "Commissiezetel aanmaken" in page and 'type="date"' in page
    response = client.post(url, {"start": "2026-12-01"}, follow=True)

    seat = CommissionSeat.objects.get()
    assert (seat.person, seat.commission, seat.start) == (wethouder, commission, datetime.date(2026, 12, 1))
    assert "Zetel aangemaakt: Maarten Burggraaf in Informatiesamenleving vanaf 1 december 2026." in (
        response.content.decode()
    )
    assert "Commissiezetel aanmaken" not in client.get(change).content.decode()
    again = client.get(url).content.decode()
    assert "Maarten Burggraaf heeft sinds 1 december 2026 een zetel in Informatiesamenleving." in again
    assert 'name="start"' not in again


def test_the_handling_page_shows_the_refusal(client, wethouder, commission, staff):
    given = _given(wethouder, commission, staff)
    CommissionSeat.objects.create(person=wethouder, commission=commission, start=datetime.date(2027, 1, 1))
    client.force_login(staff)

    response = client.post(
        reverse("admin:governance_recommendationrequest_handle", args=[given.pk]),
        {"start": "2026-12-01"},
        follow=True,
    )

    assert "heeft al een zetel in Informatiesamenleving" in response.content.decode()
    assert CommissionSeat.objects.count() == 1


def test_staff_without_the_right_cannot_create_the_seat(client, wethouder, commission, staff):
    given = _given(wethouder, commission, staff)
    client.force_login(UserFactory(is_staff=True))

    response = client.post(
        reverse("admin:governance_recommendationrequest_handle", args=[given.pk]), {"start": "2026-12-01"}
    )

    assert response.status_code == 403 and not CommissionSeat.objects.exists()
