"""The account of a person is linked by the service when the owner of the address signs up or
logs in (members.services.person_link_account), never picked by hand in the admin: that would
open the person's data (profile, AVG export) to whoever owns the other account."""

import pytest
from django.urls import reverse

from members import services as member_services
from tests.admin_form import change_form_data
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_account_of_a_person_cannot_be_swapped_in_the_admin(client):
    staff = UserFactory(is_staff=True)
    staff.groups.add(member_services.secretariat_group_ensure())
    client.force_login(staff)
    person = PersonFactory(email="anna@gouda.nl")
    stranger = UserFactory(email="iemand@example.org")
    url = reverse("admin:members_person_change", args=[person.pk])
    data = change_form_data(client, url)
    data["user"] = str(stranger.pk)

    response = client.post(url, data)

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.user_id is None
