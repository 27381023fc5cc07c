"""The rules the database and Model.clean hold for signals and contact moments."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from contacts.models import ContactMoment, Signal
from members.models import Organisation
from tests.contacts.conftest import contact, signal_from

pytestmark = pytest.mark.django_db


def test_a_signal_needs_a_source():
    signal = Signal(title="Zonder afzender", text="…", received_on=datetime.date(2025, 1, 1))

    with pytest.raises(ValidationError, match="where the signal comes from"):
        signal.full_clean()


def test_a_forwarded_signal_names_whom_and_when(municipality):
    with pytest.raises(IntegrityError), transaction.atomic():
        signal_from(municipality, status=Signal.Status.FORWARDED)


def test_a_closed_signal_has_a_date(municipality):
    with pytest.raises(IntegrityError), transaction.atomic():
        signal_from(
            municipality,
            status=Signal.Status.CLOSED,
            forwarded_to=Signal.ForwardedTo.VNG,
            forwarded_on=datetime.date(2025, 3, 4),
        )


def test_forwarded_to_a_commission_member_names_the_seat(municipality):
    with pytest.raises(IntegrityError), transaction.atomic():
        signal_from(
            municipality,
            status=Signal.Status.FORWARDED,
            forwarded_to=Signal.ForwardedTo.COMMISSION_MEMBER,
            forwarded_on=datetime.date(2025, 3, 4),
        )


def test_contact_moment_names_its_counterpart_and_date(province):
    moment = contact(datetime.date(2025, 2, 10), title="Bestuurlijk overleg GS")
    moment.organisations.add(province)

    assert str(moment) == "Bestuurlijk overleg GS (10-02-2025)"
    assert str(contact(datetime.date(2025, 4, 1), ContactMoment.Counterpart.CDK)) == (
        "King's Commissioner (CdK) (01-04-2025)"
    )
    assert list(province.contact_moments.all()) == [moment]


def test_outside_organisations_have_their_kinds():
    kinds = set(Organisation.Kind.values)

    assert {"samenwerkingsverband", "kring", "kennisinstelling", "province", "vng", "partner"} <= kinds
    Organisation.objects.create(
        name="Kring griffiers Zuid-Holland", kind=Organisation.Kind.KRING
    ).full_clean()


def test_the_report_is_markdown_without_scripts():
    moment = contact(datetime.date(2025, 2, 10), report="**Woningbouw** besproken.<script>alert(1)</script>")

    assert "<strong>Woningbouw</strong>" in moment.report_html
    assert "<script" not in moment.report_html
