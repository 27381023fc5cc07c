"""Fixtures for the members tests: a small province with nested regions, organisations and people."""

import pytest

from members.models import EmailDomain, Organisation, Person, Region, User


@pytest.fixture
def regions(db):
    hollands_midden = Region.objects.create(name="Hollands Midden")
    return {
        "hollands_midden": hollands_midden,
        "holland_rijnland": Region.objects.create(name="Holland Rijnland", parent=hollands_midden),
        "rijnmond": Region.objects.create(name="Rotterdam Rijnmond"),
    }


@pytest.fixture
def organisations(regions):
    leiden = Organisation.objects.create(
        name="Leiden",
        kind=Organisation.Kind.MUNICIPALITY,
        cbs_code="GM0546",
        region=regions["holland_rijnland"],
    )
    rotterdam = Organisation.objects.create(
        name="Rotterdam",
        kind=Organisation.Kind.MUNICIPALITY,
        cbs_code="GM0599",
        region=regions["rijnmond"],
        in_mrdh=True,
    )
    provincie = Organisation.objects.create(name="Provincie Zuid-Holland", kind=Organisation.Kind.PROVINCE)
    EmailDomain.objects.create(organisation=leiden, domain="leiden.nl")
    return {"leiden": leiden, "rotterdam": rotterdam, "provincie": provincie}


@pytest.fixture
def people(organisations):
    """Three people: a mayor in Leiden (with an account), a clerk in Rotterdam, a deputy at the province."""
    account = User.objects.create_user(email="jack.devries@leiden.nl")
    return {
        "jack": Person.objects.create(
            first_name="Jack",
            tussenvoegsel="de",
            last_name="Vries",
            email="jack.devries@leiden.nl",
            organisation=organisations["leiden"],
            function=Person.Function.BURGEMEESTER,
            user=account,
        ),
        "anna": Person.objects.create(
            first_name="Anna",
            last_name="Bakker",
            email="a.bakker@rotterdam.nl",
            organisation=organisations["rotterdam"],
            function=Person.Function.GRIFFIER,
        ),
        "piet": Person.objects.create(
            first_name="Piet",
            tussenvoegsel="van der",
            last_name="Berg",
            email="pvdberg@pzh.nl",
            organisation=organisations["provincie"],
            function=Person.Function.GEDEPUTEERDE,
        ),
    }


@pytest.fixture
def staff_user(db):
    """A secretariat member: staff with every permission on the members app, not a superuser."""
    from django.contrib.auth.models import Permission

    user = User.objects.create_user(email="secretariaat@vzhg.nl", password="secret-secret", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="members"))
    return user


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client
