"""person_for_user reads with fixed SQL (vzhg/fixed_sql.py): what the ORM's select_related gives."""

import pytest

from members.models import Person
from members.selectors import person_for_user
from tests.factories import MemberFactory, OrganisationFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def orm_read(user) -> Person | None:
    return (
        Person.objects.select_related("organisation", "organisation__region", "user")
        .filter(user=user)
        .first()
    )


def same(got: Person, want: Person) -> None:
    for model, mine, theirs in (
        (Person, got, want),
        (type(want.user), got.user, want.user),
    ):
        for field in model._meta.concrete_fields:
            assert getattr(mine, field.attname) == getattr(theirs, field.attname), field.name
    assert got._state.adding is False and got._state.db == "default"


@pytest.mark.parametrize("organisation", ["municipality", "partner without region", "none"])
def test_the_person_behind_the_log_in_is_read_in_one_query_as_the_orm_reads_it(
    django_assert_num_queries, organisation
):
    if organisation == "municipality":
        person = MemberFactory()
    else:
        user = UserFactory()
        person = PersonFactory(
            email=user.email,
            user=user,
            organisation=OrganisationFactory() if organisation == "partner without region" else None,
        )
    MemberFactory()  # someone else
    want = orm_read(person.user)

    with django_assert_num_queries(1):
        got = person_for_user(user=person.user)
    with django_assert_num_queries(0):
        organisation_read = got.organisation
        region = organisation_read.region if organisation_read else None
        assert got.user.person is got  # the one-to-one cached from both sides, as select_related does
    same(got, want)
    if organisation == "municipality":
        assert (
            organisation_read.name == want.organisation.name and region.name == want.organisation.region.name
        )
        assert region.pk is not None
    elif organisation == "partner without region":
        assert organisation_read.pk == want.organisation.pk and region is None
    else:
        assert organisation_read is None and want.organisation is None


def test_no_person_no_user_no_read(django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    user = UserFactory()
    with django_assert_num_queries(1):
        assert person_for_user(user=user) is None
    with django_assert_num_queries(0):
        assert person_for_user(user=AnonymousUser()) is None
        assert person_for_user(user=None) is None
