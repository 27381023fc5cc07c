"""manage.py demo_data: the municipalities, regions, partners, fictional people and demo log-ins."""

import io
import re
from datetime import date

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from demo.members import (
    BOARD_EMAIL,
    DEMO_PASSWORD,
    MEMBER_EMAIL,
    SECRETARIAT_EMAIL,
    demo_people,
    load_municipalities,
)
from members import services
from members.models import EmailDomain, Organisation, Person, Region, User
from vzhg.mail.models import OutgoingMail

pytestmark = pytest.mark.django_db

ACCOUNTS = [SECRETARIAT_EMAIL, BOARD_EMAIL, MEMBER_EMAIL]


@pytest.fixture
def demo_output() -> str:
    out = io.StringIO()
    call_command("demo_data", stdout=out)
    return out.getvalue()


def municipalities():
    return Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY)


def test_loads_the_50_member_municipalities(demo_output):
    assert municipalities().count() == 50
    codes = list(municipalities().values_list("cbs_code", flat=True))
    assert all(re.fullmatch(r"GM\d{4}", code) for code in codes)
    assert len(set(codes)) == 50
    assert municipalities().filter(in_mrdh=True).count() == 21
    assert set(municipalities().values_list("member_since", flat=True)) == {date(2023, 1, 1)}
    assert not municipalities().filter(member_until__isnull=False).exists()
    assert not municipalities().filter(inhabitants__isnull=True).exists()
    assert not municipalities().exclude(website__startswith="https://www.").exists()
    assert not municipalities().filter(email_domains__isnull=True).exists()

    rotterdam = Organisation.objects.get(name="Rotterdam")
    assert (rotterdam.cbs_code, rotterdam.in_mrdh, rotterdam.region.name) == (
        "GM0599",
        True,
        "Rotterdamse regio",
    )
    assert rotterdam.inhabitants > municipalities().get(name="Zoeterwoude").inhabitants
    # A new account on a municipal domain is linked to its municipality.
    assert services.organisation_for_email(email="A.Someone@DenHaag.nl").name == "'s-Gravenhage"
    assert services.organisation_for_email(email="iemand@alphenaandenrijn.nl").name == "Alphen aan den Rijn"
    assert municipalities().get(name="Goeree-Overflakkee").in_mrdh is False


def test_regions_form_the_tree_of_the_province(demo_output):
    top = set(Region.objects.filter(parent__isnull=True).values_list("name", flat=True))
    assert top == {"Hollands Midden", "Haagse regio", "Rotterdamse regio", "Zuid-Holland Zuid"}
    hollands_midden = Region.objects.get(name="Hollands Midden")
    assert set(hollands_midden.children.values_list("name", flat=True)) == {
        "Holland Rijnland",
        "Midden-Holland",
    }
    assert Region.objects.count() == 6
    # Municipalities sit in the innermost region: Leiden in Holland Rijnland, not in Hollands Midden.
    assert Organisation.objects.get(name="Leiden").region.name == "Holland Rijnland"
    assert Organisation.objects.get(name="Gouda").region.name == "Midden-Holland"
    assert Organisation.objects.get(name="Dordrecht").region.name == "Zuid-Holland Zuid"
    assert not municipalities().filter(region=hollands_midden).exists()
    assert not municipalities().filter(region__isnull=True).exists()


def test_province_vng_and_academy_are_there(demo_output):
    province = Organisation.objects.get(kind=Organisation.Kind.PROVINCE)
    assert province.name == "Provincie Zuid-Holland"
    assert list(province.email_domains.values_list("domain", flat=True)) == ["pzh.nl"]
    vng = Organisation.objects.get(kind=Organisation.Kind.VNG)
    assert list(vng.email_domains.values_list("domain", flat=True)) == ["vng.nl"]
    assert Organisation.objects.filter(kind=Organisation.Kind.PARTNER, name="Zuid-Holland Academie").exists()
    assert not Organisation.objects.exclude(kind=Organisation.Kind.MUNICIPALITY).exclude(cbs_code="").exists()
    assert EmailDomain.objects.count() == Organisation.objects.count() == 53


def test_fictional_people_in_every_function(demo_output):
    for function in Person.Function:
        assert Person.objects.filter(function=function).exists(), function
    assert 150 <= Person.objects.count() <= 300
    assert municipalities().filter(people__isnull=False).distinct().count() >= 40
    assert Person.objects.filter(
        function=Person.Function.GEDEPUTEERDE, organisation__kind="province"
    ).exists()
    assert Person.objects.filter(organisation__kind=Organisation.Kind.VNG).count() >= 3
    # At most one mayor and one griffier per municipality.
    for function in (Person.Function.BURGEMEESTER, Person.Function.GRIFFIER):
        mayors = Person.objects.filter(function=function)
        assert mayors.values("organisation").distinct().count() == mayors.count()
        # ... and exactly one in each of the 50, so an ALV convocation reaches every municipality.
        assert mayors.filter(organisation__kind=Organisation.Kind.MUNICIPALITY).count() == 50
    # Addresses are at the organisation's own domain, so they match on sign-up.
    for person in Person.objects.select_related("organisation").exclude(organisation=None):
        assert services.organisation_for_email(email=person.email) == person.organisation, person.email
    assert Person.objects.exclude(tussenvoegsel="").count() >= 50


def test_people_are_the_same_set_on_every_run():
    rows = load_municipalities()
    assert demo_people(rows) == demo_people(rows)


@pytest.mark.parametrize("email", ACCOUNTS)
def test_demo_accounts_log_in_with_the_printed_password(demo_output, client, email):
    assert email in demo_output
    assert DEMO_PASSWORD in demo_output
    user = User.objects.get(email=email)
    assert client.login(email=email, password=DEMO_PASSWORD)
    assert user.person.email == email
    assert EmailAddress.objects.filter(user=user, email=email, verified=True, primary=True).count() == 1
    assert not user.is_superuser
    assert user.is_staff is (email == SECRETARIAT_EMAIL)


def test_demo_people_behind_the_accounts(demo_output):
    board = Person.objects.get(email=BOARD_EMAIL)
    assert (board.function, board.organisation.name) == (Person.Function.BURGEMEESTER, "Gouda")
    member = Person.objects.get(email=MEMBER_EMAIL)
    assert (member.function, member.organisation.name) == (Person.Function.GRIFFIER, "Delft")
    secretariat = Person.objects.get(email=SECRETARIAT_EMAIL)
    assert (secretariat.function, secretariat.organisation) == (Person.Function.SECRETARIAAT, None)


def test_secretariat_rights_come_from_its_group(demo_output):
    staff = User.objects.get(email=SECRETARIAT_EMAIL)
    assert list(staff.groups.values_list("name", flat=True)) == ["Secretariaat"]
    assert not staff.user_permissions.exists()
    for permission in (
        "members.add_person",
        "members.change_person",
        "members.delete_person",
        "members.change_organisation",
        "members.add_emaildomain",
        "members.change_region",
        "members.view_historicalperson",
        "members.view_user",
        "mail.view_outgoingmail",
    ):
        assert staff.has_perm(permission), permission
    # Changing accounts would let the secretariat grant itself superuser status.
    assert not staff.has_perm("members.change_user")
    assert not staff.has_perm("mail.change_outgoingmail")
    for email in (BOARD_EMAIL, MEMBER_EMAIL):
        assert not User.objects.get(email=email).get_all_permissions()


def test_demo_account_logs_in_by_mailed_code(demo_output, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_request_login_code"), {"email": MEMBER_EMAIL})
    assert response.status_code == 302
    assert OutgoingMail.objects.filter(to__iexact=MEMBER_EMAIL).exists()
    message = mail.outbox[-1]
    assert message.to == [MEMBER_EMAIL]
    code = re.search(r"^\s*([A-Z0-9-]{6,})\s*$", message.body, re.MULTILINE).group(1)
    response = client.post(reverse("account_confirm_login_code"), {"code": code})
    assert response.status_code == 302
    assert client.get(reverse("members:profile")).context["user"].email == MEMBER_EMAIL


def snapshot() -> dict[str, object]:
    return {
        "regions": list(Region.objects.values_list("name", "parent__name").order_by("name")),
        "organisations": Organisation.objects.count(),
        "organisation history": Organisation.history.count(),
        "domains": EmailDomain.objects.count(),
        "people": Person.objects.count(),
        "person history": Person.history.count(),
        "people updated": sorted(Person.objects.values_list("email", "updated_at")),
        "users": sorted(User.objects.values_list("email", "password", "is_staff", "is_active")),
        "addresses": EmailAddress.objects.count(),
        "groups": Group.objects.count(),
        "group permissions": Group.permissions.through.objects.count(),
        "memberships": User.groups.through.objects.count(),
        # Every table of every app, so the events, governance and newsletter demo data count too.
        "rows per model": {model._meta.label: model._default_manager.count() for model in apps.get_models()},
    }


def test_running_twice_changes_nothing(demo_output):
    first = snapshot()
    out = io.StringIO()
    call_command("demo_data", stdout=out)
    assert snapshot() == first
    # Every app's summary line reports nothing new.
    assert "(0 new)" in out.getvalue()
    assert not re.search(r"\(([1-9]\d*) new\)", out.getvalue())


def test_second_run_keeps_edits_and_repairs_the_demo_log_ins(demo_output, client):
    person = Person.objects.get(email=MEMBER_EMAIL)
    services.person_update_profile(
        person=person, data={"job_title": "griffier en secretaris"}, actor=person.user
    )
    municipality = Organisation.objects.get(name="Gouda")
    municipality.inhabitants = 80000
    municipality.save()
    user = person.user
    user.set_password("something-else-entirely")
    user.save()

    call_command("demo_data", stdout=io.StringIO())

    assert Person.objects.get(email=MEMBER_EMAIL).job_title == "griffier en secretaris"
    assert Organisation.objects.get(name="Gouda").inhabitants == 80000
    assert client.login(email=MEMBER_EMAIL, password=DEMO_PASSWORD)


def test_people_sort_dutch_style_under_the_last_name():
    for first_name, tussenvoegsel, last_name in [
        ("Jaap", "de", "Vries"),
        ("Bram", "", "Willems"),
        ("Anna", "van der", "Meer"),
        ("Sanne", "", "Dekker"),
    ]:
        Person.objects.create(
            first_name=first_name,
            tussenvoegsel=tussenvoegsel,
            last_name=last_name,
            email=f"{first_name}@example.org",
        )
    assert [person.full_name for person in Person.objects.all()] == [
        "Sanne Dekker",
        "Anna van der Meer",
        "Jaap de Vries",
        "Bram Willems",
    ]


def test_demo_people_sort_dutch_style(demo_output):
    people = list(Person.objects.all())
    de_vries = [
        index
        for index, person in enumerate(people)
        if (person.tussenvoegsel, person.last_name) == ("de", "Vries")
    ]
    assert de_vries
    # Compare with plain ASCII names only, where every collation agrees.
    plain = [(index, person.last_name) for index, person in enumerate(people) if person.last_name.isascii()]
    for position in de_vries:
        assert all(name <= "Vries" for index, name in plain if index < position)
        assert all(name >= "Vries" for index, name in plain if index > position)
    # People with "de" are spread over the alphabet, not gathered under D.
    assert len({person.last_name[0] for person in people if person.tussenvoegsel == "de"}) >= 4


def test_production_settings_do_not_install_the_demo_app():
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "vzhg.settings.production",
        "DJANGO_SECRET_KEY": "x" * 60,
        "DJANGO_ALLOWED_HOSTS": "vzhg.example.nl",
        "DATABASE_URL": "sqlite:////tmp/unused.sqlite3",
        "REDIS_URL": "redis://127.0.0.1:1/0",
        "SITE_URL": "https://vzhg.example.nl",
        "EMAIL_HOST": "smtp.example.nl",
    }
    code = "import django; django.setup(); from django.apps import apps; print(apps.is_installed('demo'))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_demo_data_refuses_to_run_under_production_settings(tmp_path):
    """Run as an operator would in the container: production settings, a fresh database."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    database = tmp_path / "production.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "vzhg.settings.production",
        "DJANGO_SECRET_KEY": "x" * 60,
        "DJANGO_ALLOWED_HOSTS": "vzhg.example.nl",
        "DATABASE_URL": f"sqlite:///{database}",
        "REDIS_URL": "redis://127.0.0.1:1/0",
        "SITE_URL": "https://vzhg.example.nl",
        "EMAIL_HOST": "smtp.example.nl",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=root, env=env, check=True
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "demo_data"], cwd=root, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    # Production does not install the demo app: the command does not even exist there.
    assert "Unknown command: 'demo_data'" in result.stderr
    import sqlite3

    with sqlite3.connect(database) as connection:
        assert connection.execute("select count(*) from members_user").fetchone() == (0,)
        assert connection.execute("select count(*) from members_organisation").fetchone() == (0,)


def test_demo_data_refuses_when_the_settings_do_not_allow_it(settings):
    from django.core.management.base import CommandError

    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError):
        call_command("demo_data", stdout=io.StringIO())
    assert not User.objects.exists() and not Organisation.objects.exists()


def test_the_image_does_not_ship_the_demo_data():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    ignored = (root / ".dockerignore").read_text().split()
    assert "demo" in ignored
    assert "demo_data" not in (root / "Dockerfile").read_text()
