"""Rules the members models and the database hold on their own."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from members.models import EmailDomain, Organisation, Person
from tests.factories import MunicipalityFactory, OrganisationFactory, PersonFactory, RegionFactory

pytestmark = pytest.mark.django_db


def test_person_email_is_unique_whatever_the_case():
    PersonFactory(email="a@x.nl")
    with pytest.raises(IntegrityError), transaction.atomic():
        # Bypass Person.save (which lower-cases) to prove the database itself refuses it.
        Person.objects.bulk_create([Person(first_name="B", last_name="C", email="A@x.nl")])
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonFactory(email="A@X.NL")
    assert Person.objects.count() == 1


def test_person_email_is_stored_in_lower_case():
    person = PersonFactory(email="  Jan.Jansen@Delft.NL ")
    person.refresh_from_db()
    assert person.email == "jan.jansen@delft.nl"


def test_dutch_sorting_puts_jack_de_vries_under_v():
    PersonFactory(first_name="Piet", last_name="Willems")
    jack = PersonFactory(first_name="Jack", tussenvoegsel="de", last_name="Vries")
    PersonFactory(first_name="Anna", last_name="Bakker")
    PersonFactory(first_name="Daan", last_name="Dijk", tussenvoegsel="van")

    names = [person.full_name for person in Person.objects.all()]

    assert names == ["Anna Bakker", "Daan van Dijk", "Jack de Vries", "Piet Willems"]
    assert jack.sort_name == "Vries, Jack de"
    assert jack.full_name == "Jack de Vries"
    assert str(jack) == "Jack de Vries"


@pytest.mark.parametrize("code", ["GM0599", "GM1926"])
def test_cbs_code_accepts_gm_and_four_digits(code):
    organisation = OrganisationFactory.build(
        name="Gemeente Test", kind=Organisation.Kind.MUNICIPALITY, cbs_code=code, region=RegionFactory()
    )
    organisation.full_clean()


@pytest.mark.parametrize("code", ["0599", "GM599", "gm0599", "PV28", "GM05990", "GMabcd"])
def test_cbs_code_refuses_anything_else(code):
    organisation = OrganisationFactory.build(
        name="Gemeente Test", kind=Organisation.Kind.MUNICIPALITY, cbs_code=code
    )
    with pytest.raises(ValidationError) as excinfo:
        organisation.full_clean()
    assert "cbs_code" in excinfo.value.message_dict


def test_only_a_municipality_has_a_cbs_code():
    province = OrganisationFactory.build(
        name="Provincie Zuid-Holland", kind=Organisation.Kind.PROVINCE, cbs_code="GM9999"
    )
    with pytest.raises(ValidationError):
        province.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        province.save()
    assert not Organisation.objects.filter(name="Provincie Zuid-Holland").exists()


def test_cbs_code_is_unique_but_may_be_empty_for_many():
    MunicipalityFactory(cbs_code="GM0599")
    OrganisationFactory(kind=Organisation.Kind.PARTNER, cbs_code="")
    OrganisationFactory(kind=Organisation.Kind.OTHER, cbs_code="")
    with pytest.raises(IntegrityError), transaction.atomic():
        MunicipalityFactory(cbs_code="GM0599")


def test_email_domain_is_unique_whatever_the_case():
    delft = MunicipalityFactory(name="Delft", domain=None)
    leiden = MunicipalityFactory(name="Leiden", domain=None)
    EmailDomain.objects.create(organisation=delft, domain="delft.nl")
    with pytest.raises(IntegrityError), transaction.atomic():
        EmailDomain.objects.create(organisation=leiden, domain="DELFT.nl")
    assert list(EmailDomain.objects.values_list("domain", flat=True)) == ["delft.nl"]


@pytest.mark.parametrize("domain", ["@delft.nl", "Delft.nl", "delft", "del ft.nl"])
def test_email_domain_format_is_validated(domain):
    with pytest.raises(ValidationError):
        EmailDomain(organisation=MunicipalityFactory(domain=None), domain=domain).full_clean()


def test_membership_ends_after_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        MunicipalityFactory(member_since=datetime.date(2020, 1, 1), member_until=datetime.date(2019, 1, 1))
