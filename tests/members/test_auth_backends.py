"""The log-in backends read the user of a request with fixed SQL: the user the ORM reads, or
nobody for an inactive or deleted account; a log-in through allauth names one of ours."""

import pytest
from django.contrib.auth import get_backends

from members.auth_backends import AuthenticationBackend, ModelBackend
from members.models import User
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("backend", [ModelBackend(), AuthenticationBackend()])
def test_the_user_is_read_in_one_query_as_the_orm_reads_it(backend, django_assert_num_queries):
    user = UserFactory(first_name="Fleur", is_staff=True)
    want = User.objects.get(pk=user.pk)
    with django_assert_num_queries(1):
        got = backend.get_user(user.pk)
    for field in User._meta.concrete_fields:
        assert getattr(got, field.attname) == getattr(want, field.attname), field.name
    assert got._state.adding is False
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert backend.get_user(user.pk) is None
    assert backend.get_user(user.pk + 1000) is None


def test_a_member_logs_in_through_allauth_and_stays_logged_in(client):
    assert [type(b) for b in get_backends()] == [ModelBackend, AuthenticationBackend]
    user = UserFactory(email="lid@delft.nl")
    response = client.post("/account/login/", {"login": "lid@delft.nl", "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_backend"].startswith("members.auth_backends.")
    assert client.get("/profiel/").wsgi_request.user == user
    User.objects.filter(pk=user.pk).update(is_active=False)  # an account switched off: out at once
    assert client.get("/profiel/").wsgi_request.user.is_authenticated is False
