"""Fixtures for contacts: themes, the province and the VNG, a workplan activity, signals."""

import datetime

import pytest
from django.utils import translation

from contacts.models import ContactMoment, Signal
from governance.models import Body, CommissionSeat, Mandate, PlannedActivity, Theme, VngCommission, Workplan
from members.models import Organisation
from tests.factories import MemberFactory, MunicipalityFactory, OrganisationFactory, PersonFactory


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests read messages and pages in English (the Dutch catalogue: tests/test_i18n.py)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def theme():
    return Theme.objects.create(name="Ruimte", slug="ruimte")


@pytest.fixture
def province():
    return OrganisationFactory(name="Provincie Zuid-Holland", kind=Organisation.Kind.PROVINCE)


@pytest.fixture
def municipality():
    return MunicipalityFactory(name="Gemeente Delft")


def signal_from(municipality, *, theme=None, title="Stikstof blokkeert woningbouw", **fields) -> Signal:
    return Signal.objects.create(
        title=title,
        text="Gemeenten lopen vast op de stikstofregels.",
        theme=theme,
        organisation=municipality,
        received_on=fields.pop("received_on", datetime.date(2025, 3, 3)),
        **fields,
    )


@pytest.fixture
def signal(municipality, theme):
    return signal_from(municipality, theme=theme)


@pytest.fixture
def seat():
    commission = VngCommission.objects.create(name="Ruimte, Wonen en Mobiliteit")
    return CommissionSeat.objects.create(
        person=PersonFactory(first_name="Maarten", last_name="Burggraaf"),
        commission=commission,
        start=datetime.date(2022, 6, 1),
    )


@pytest.fixture
def board_member(client):
    """Today's DB member, logged in."""
    person = MemberFactory()
    body = Body.objects.create(name="Dagelijks bestuur", slug="db", kind=Body.Kind.DB)
    Mandate.objects.create(person=person, body=body, role=Mandate.Role.LID, start=datetime.date(2020, 1, 1))
    client.force_login(person.user)
    return person.user


def plan_activity(
    year: int, title: str = "Samenwerking Provincie Zuid-Holland", planned: int = 5
) -> PlannedActivity:
    plan = Workplan.objects.get_or_create(year=year)[0]
    return PlannedActivity.objects.create(
        workplan=plan, order=1, title=title, kind=PlannedActivity.Kind.CONSULTATION, planned_count=planned
    )


def contact(date: datetime.date, counterpart=ContactMoment.Counterpart.GS, **fields) -> ContactMoment:
    return ContactMoment.objects.create(date=date, counterpart=counterpart, **fields)
