"""The demo's VNG commissions: seats from the seeds, the temporary TCAM ending in June 2026 with
its seats (R17), klankbord meetings linked, one waiting and one given recommendation request."""

import datetime
import io

import pytest
from django.core.management import call_command

from governance.models import CommissionSeat, RecommendationRequest, VngCommission

pytestmark = pytest.mark.django_db


def test_demo_commissions_load_once(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("demo_data", stdout=io.StringIO())
    counts = (CommissionSeat.objects.count(), RecommendationRequest.objects.count())
    call_command("demo_data", stdout=io.StringIO())
    assert (CommissionSeat.objects.count(), RecommendationRequest.objects.count()) == counts

    tcam = VngCommission.objects.get(kind=VngCommission.Kind.TIJDELIJKE)
    assert tcam.end == datetime.date(2026, 6, 30)
    assert set(tcam.seats.values_list("end", flat=True)) == {tcam.end}
    assert CommissionSeat.objects.filter(commission__name="Informatiesamenleving").count() >= 2
    assert VngCommission.objects.filter(klankbord_events__isnull=False).exists()
    assert set(RecommendationRequest.objects.values_list("status", flat=True)) == {"received", "given"}
    given = RecommendationRequest.objects.get(status="given")
    assert given.letter_text and given.decided_by.email == "secretariaat@vzhg.nl"
