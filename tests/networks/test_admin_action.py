"""The people list's action "Toevoegen aan netwerk…" (issue 16): an intermediate page chooses the
network, role and tags; people who are members already are skipped and counted; it takes the
right to add memberships, never staff status alone."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.urls import reverse

from networks.models import NetworkMembership
from networks.services import membership_join
from tests.factories import MemberFactory, secretariat_user, staff_without_rights

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:members_person_changelist")


def _login(client, user):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    client.force_login(user)
    return client


def test_the_secretariat_adds_people_with_a_role_and_tags_and_existing_members_are_skipped(
    client, juristen, tags
):
    people = [MemberFactory() for _ in range(3)]
    membership_join(network=juristen, person=people[0], actor=None)
    _login(client, secretariat_user())
    selection = {"action": "add_to_network", "_selected_action": [p.pk for p in people]}

    page = client.post(CHANGELIST, selection)
    assert page.status_code == 200
    assert "Toevoegen aan netwerk" in page.content.decode()
    assert not NetworkMembership.objects.filter(person__in=people[1:]).exists()

    response = client.post(
        CHANGELIST,
        {
            **selection,
            "apply": "1",
            "network": juristen.pk,
            "role": "trekker",
            "expertise_tags": [tags[0].pk],
        },
        follow=True,
    )
    added = NetworkMembership.objects.active().filter(network=juristen, person__in=people[1:])
    assert added.count() == 2
    assert {m.role for m in added} == {"trekker"}
    assert all([t.name for t in m.expertise_tags.all()] == [tags[0].name] for m in added)
    assert NetworkMembership.objects.filter(network=juristen, person=people[0]).count() == 1
    page = response.content.decode()
    assert "2 personen toegevoegd aan Juristennetwerk." in page
    assert "1 was al lid." in page


def test_tags_the_network_does_not_use_are_refused_and_nobody_is_added(client, juristen, tags):
    from .conftest import NetworkFactory

    strategen = NetworkFactory(name="Strategennetwerk")
    person = MemberFactory()
    _login(client, secretariat_user())
    response = client.post(
        CHANGELIST,
        {
            "action": "add_to_network",
            "_selected_action": [person.pk],
            "apply": "1",
            "network": strategen.pk,
            "role": "lid",
            "expertise_tags": [tags[0].pk],
        },
    )
    assert response.status_code == 200
    assert "Kies expertisegebieden die dit netwerk gebruikt." in response.content.decode()
    assert not NetworkMembership.objects.exists()


def test_staff_without_the_right_neither_see_nor_use_the_action(client, juristen):
    person = MemberFactory()
    staff = staff_without_rights()
    staff.user_permissions.add(Permission.objects.get(codename="view_person"))
    staff.user_permissions.add(Permission.objects.get(codename="change_person"))
    _login(client, staff)
    assert "add_to_network" not in client.get(CHANGELIST).content.decode()
    client.post(
        CHANGELIST,
        {
            "action": "add_to_network",
            "_selected_action": [person.pk],
            "apply": "1",
            "network": juristen.pk,
            "role": "lid",
        },
    )
    assert not NetworkMembership.objects.exists()
