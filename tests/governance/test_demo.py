import io

import pytest
from django.core.management import call_command

from governance.models import AgendaItem, Body, Mandate, Meeting, MeetingPack

pytestmark = pytest.mark.django_db


def test_demo_data_loads_governance_once(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("demo_data", stdout=io.StringIO())
    counts = [Body.objects.count(), Mandate.objects.count(), Meeting.objects.count(), MeetingPack.objects.count()]
    call_command("demo_data", stdout=io.StringIO())
    assert [Body.objects.count(), Mandate.objects.count(), Meeting.objects.count(), MeetingPack.objects.count()] == counts

    assert set(Body.objects.values_list("kind", flat=True)) == {"alv", "ab", "db", "kascommissie", "stuurgroep"}
    board = Mandate.objects.filter(person__email="bestuur@gouda.nl").values_list("body__kind", flat=True)
    assert {"ab", "db"} <= set(board)
    assert set(Mandate.Role.values) <= set(Mandate.objects.values_list("role", flat=True))
    assert AgendaItem.objects.filter(confidential=True).exists()
    assert Meeting.objects.filter(body__kind="alv").exists()
    assert Meeting.objects.filter(status="held").exists() and Meeting.objects.filter(status="published").exists()
    assert MeetingPack.objects.filter(status="ready").count() == Meeting.objects.count()
    assert not MeetingPack.objects.exclude(status="ready").exists()
