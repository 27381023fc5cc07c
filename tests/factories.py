"""factory_boy factories for the members app, shared by every test module."""

import datetime

import factory
from allauth.account.models import EmailAddress

from members.models import EmailDomain, Organisation, Person, Region, User

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Regio {n:03d}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    """Any organisation; by default a non-member partner without a CBS code."""

    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Organisatie {n:03d}")
    kind = Organisation.Kind.PARTNER


class MunicipalityFactory(OrganisationFactory):
    """A member municipality with a CBS code, a region and one e-mail domain."""

    name = factory.Sequence(lambda n: f"Gemeente {n:03d}")
    kind = Organisation.Kind.MUNICIPALITY
    cbs_code = factory.Sequence(lambda n: f"GM{n % 10000:04d}")
    region = factory.SubFactory(RegionFactory)
    member_since = datetime.date(1990, 1, 1)
    inhabitants = factory.Sequence(lambda n: 10_000 + n * 137)
    website = factory.LazyAttribute(lambda o: f"https://www.{o.name.lower().replace(' ', '')}.nl")
    domain = factory.RelatedFactory(
        "tests.factories.EmailDomainFactory",
        factory_related_name="organisation",
        domain=factory.LazyAttribute(lambda d: f"{d.factory_parent.name.lower().replace(' ', '')}.nl"),
    )


class EmailDomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmailDomain

    organisation = factory.SubFactory(OrganisationFactory)
    domain = factory.Sequence(lambda n: f"domein{n:03d}.nl")


class UserFactory(factory.django.DjangoModelFactory):
    """A plain account whose e-mail address is verified in allauth (so it can log in)."""

    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"gebruiker{n:03d}@example.org")
    password = factory.django.Password(DEFAULT_PASSWORD)
    is_staff = False
    is_superuser = False

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy's signature
        if create and extracted is not False:
            EmailAddress.objects.get_or_create(
                user=obj, email=obj.email, defaults={"verified": True, "primary": True}
            )


def secretariat_user(**kwargs):
    """A staff account in the Secretariaat group: the rights the secretariat really has."""
    from members.services import secretariat_group_ensure

    user = UserFactory(is_staff=True, **kwargs)
    user.groups.add(secretariat_group_ensure())
    return user


def staff_without_rights(**kwargs):
    """A staff account without any group or permission: it may log in to the admin, nothing more."""
    return UserFactory(is_staff=True, **kwargs)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    first_name = factory.Sequence(lambda n: f"Voornaam{n:03d}")
    last_name = factory.Sequence(lambda n: f"Achternaam{n:03d}")
    email = factory.Sequence(lambda n: f"persoon{n:03d}@example.org")
    organisation = None
    user = None


class MemberFactory(PersonFactory):
    """A person in a member municipality with a verified account for the same address."""

    organisation = factory.SubFactory(MunicipalityFactory)
    function = Person.Function.BELEIDSMEDEWERKER
    user = factory.SubFactory(UserFactory, email=factory.SelfAttribute("..email"))
