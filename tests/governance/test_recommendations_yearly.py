"""The annual report counts the recommendation requests (R16) of its year per VNG commission:
requested (received in the year), given and declined (decided in the year)."""

import datetime

import pytest
from django.utils import timezone

from governance.models import AnnualReport, RecommendationRequest, VngCommission
from governance.reports.annual import annual_report_data
from tests.factories import MemberFactory, secretariat_user

pytestmark = pytest.mark.django_db

YEAR = 2025
Status = RecommendationRequest.Status


def _at(year: int, month: int) -> datetime.datetime:
    return datetime.datetime(year, month, 10, 12, tzinfo=timezone.get_default_timezone())


def _request(commission, *, received, status=Status.RECEIVED, decided=None):
    request = RecommendationRequest.objects.create(
        person=MemberFactory(), commission=commission, motivation="Graag.", status=status, decided_on=decided
    )
    RecommendationRequest.objects.filter(pk=request.pk).update(created_at=received)
    return request


@pytest.fixture
def year_of_requests(db):
    informatie = VngCommission.objects.create(name="Informatiesamenleving")
    bestuur = VngCommission.objects.create(name="Bestuur en Veiligheid")
    VngCommission.objects.create(name="Zorg, Jeugd en Onderwijs")  # nothing this year: left out
    _request(informatie, received=_at(YEAR, 2), status=Status.GIVEN, decided=datetime.date(YEAR, 4, 1))
    _request(informatie, received=_at(YEAR, 3), status=Status.DECLINED, decided=datetime.date(YEAR, 5, 1))
    _request(informatie, received=_at(YEAR, 11))  # still open
    # received the year before, given in this year: given counts, requested does not
    _request(bestuur, received=_at(YEAR - 1, 11), status=Status.GIVEN, decided=datetime.date(YEAR, 1, 20))
    # received in this year, declined the next: requested counts, declined does not
    _request(bestuur, received=_at(YEAR, 12), status=Status.DECLINED, decided=datetime.date(YEAR + 1, 1, 5))
    return informatie, bestuur


def test_requests_given_and_declined_per_commission_in_the_year(year_of_requests):
    rows = [
        (row.commission.name, row.requested, row.given, row.declined)
        for row in annual_report_data(year=YEAR).recommendations
    ]

    assert rows == [("Bestuur en Veiligheid", 1, 1, 0), ("Informatiesamenleving", 3, 1, 1)]
    next_year = annual_report_data(year=YEAR + 1).recommendations
    assert [(r.commission.name, r.requested, r.given, r.declined) for r in next_year] == [
        ("Bestuur en Veiligheid", 0, 0, 1)
    ]
    assert annual_report_data(year=YEAR - 2).recommendations == []


def test_the_annual_report_page_shows_the_table(client, year_of_requests):
    AnnualReport.objects.create(year=YEAR)
    client.force_login(secretariat_user())

    page = client.get(f"/jaarverslag/{YEAR}/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()

    assert "Aanbevelingen voor zetels in VNG-commissies" in page
    assert (
        '<th scope="row" lang="nl">Informatiesamenleving</th>\n'
        '          <td class="num" data-label="Aangevraagd">3</td>\n'
        '          <td class="num" data-label="Gegeven">1</td>\n'
        '          <td class="num" data-label="Afgewezen">1</td>'
    ) in page
    assert "Zorg, Jeugd en Onderwijs" not in page


def test_a_year_without_requests_says_so(client):
    AnnualReport.objects.create(year=YEAR)
    client.force_login(secretariat_user())

    page = client.get(f"/jaarverslag/{YEAR}/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()

    assert "Dit jaar is geen aanbeveling aangevraagd of besloten." in page
