"""The demo's overleggen with the province and the VNG, linked to the workplan, and its signals."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from contacts.models import ContactMoment, Signal
from governance.models import Workplan
from governance.reports import selectors as report_selectors

pytestmark = pytest.mark.django_db


def test_demo_data_adds_contacts_and_signals_once_and_they_count(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("demo_data", stdout=io.StringIO())
    counts = (
        ContactMoment.objects.count(),
        Signal.objects.count(),
        ContactMoment.activities.through.objects.count(),
    )
    out = io.StringIO()
    call_command("demo_data", stdout=out)
    assert (
        ContactMoment.objects.count(),
        Signal.objects.count(),
        ContactMoment.activities.through.objects.count(),
    ) == counts
    assert "Contacts demo: contact moments exist already" in out.getvalue()

    last_year = timezone.localdate().year - 1
    held = set(ContactMoment.objects.filter(date__year=last_year).values_list("counterpart", flat=True))
    assert {"cdk", "gs", "provinciesecretaris", "vng_voorzitters", "vng_secretarissen"} <= held
    assert set(Signal.objects.values_list("status", flat=True)) == {"ontvangen", "doorgezet", "afgerond"}

    plan = Workplan.objects.get(year=last_year)
    lines = {line.activity.title: line for line in report_selectors.activity_lines(workplan=plan)}
    # "plus 5 keer per jaar overleg": two CdK talks, one with GS, two with the provinciesecretaris
    assert lines["Overleg met de provincie Zuid-Holland"].realised >= 5
    assert lines["Overleg met de VNG"].realised >= 4
