"""Login limits hold everywhere a password can be tried, and count per client behind the proxy."""

import json
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.core import mail as django_mail

from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.test_deploy import ROOT, production_env

pytestmark = pytest.mark.django_db

CODE = re.compile(r"^\s*([A-Z0-9]{4,}(?:-[A-Z0-9]{4,})*)\s*$", re.MULTILINE)


@pytest.fixture
def mailed_code(django_capture_on_commit_callbacks):
    def run(callable_, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return callable_(*args, **kwargs)

    return run


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def production_setting(name: str, **env):
    """The value a setting has under the production settings module (in a fresh interpreter)."""
    code = f"import json, vzhg.settings.production as s; print(json.dumps(s.{name}))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=production_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_guessing_the_admin_password_at_admin_login_is_limited(client):
    staff = UserFactory(email="secretariaat@vzhg.nl", is_staff=True, is_superuser=True)

    guesses = [
        client.post(
            "/admin/login/", {"username": staff.email, "login": staff.email, "password": f"guess-{n}"}
        )
        for n in range(25)
    ]
    right = client.post(
        "/admin/login/",
        {"username": staff.email, "login": staff.email, "password": DEFAULT_PASSWORD, "next": "/admin/"},
    )

    assert all(response.status_code in (200, 429) for response in guesses)
    assert "_auth_user_id" not in client.session
    assert right.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_admin_login_page_is_allauths_login_and_returns_to_the_admin(client):
    UserFactory(email="secretariaat@vzhg.nl", is_staff=True, is_superuser=True)

    page = client.get("/admin/login/?next=/admin/events/event/")
    assert page.status_code == 302
    assert page["Location"] == "/account/login/?next=%2Fadmin%2Fevents%2Fevent%2F"

    logged_in = client.post(
        page["Location"],
        {"login": "secretariaat@vzhg.nl", "password": DEFAULT_PASSWORD, "next": "/admin/events/event/"},
    )
    assert logged_in.status_code == 302 and logged_in["Location"] == "/admin/events/event/"
    assert client.get("/admin/").status_code == 200
    # Logged in staff asking for the admin login again go straight on.
    assert client.get("/admin/login/?next=/admin/")["Location"] == "/admin/"


def test_admin_login_does_not_loop_for_a_member_without_admin_access(client):
    member = UserFactory(email="lid@delft.nl")
    client.force_login(member)

    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 403


def test_admin_login_ignores_a_next_address_on_another_site(client):
    response = client.get("/admin/login/?next=https://evil.example.com/")

    assert response["Location"] == "/account/login/?next=%2Fadmin%2F"


def test_production_trusts_one_proxy_for_the_client_address():
    assert production_setting("ALLAUTH_TRUSTED_PROXY_COUNT") == 1
    assert production_setting("ALLAUTH_TRUSTED_PROXY_COUNT", DJANGO_TRUSTED_PROXY_COUNT="2") == 2
    assert production_setting("ALLAUTH_TRUSTED_CLIENT_IP_HEADER") is None
    assert (
        production_setting("ALLAUTH_TRUSTED_CLIENT_IP_HEADER", DJANGO_TRUSTED_CLIENT_IP_HEADER="X-Real-IP")
        == "X-Real-IP"
    )


def test_a_flood_of_failures_from_one_client_does_not_lock_out_another(client, settings):
    # As in production: every request arrives from the proxy (127.0.0.1), which appends the
    # client's address to X-Forwarded-For.
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = production_setting("ALLAUTH_TRUSTED_PROXY_COUNT")
    UserFactory(email="lid@delft.nl")
    attacker = {"HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    # A spoofed first entry does not give the attacker a fresh address either.
    spoofing = {"HTTP_X_FORWARDED_FOR": "10.9.9.9, 198.51.100.7"}

    flood = [
        client.post("/account/login/", {"login": f"guess{n}@example.org", "password": "wrong"}, **attacker)
        for n in range(10)
    ]
    blocked = client.post("/account/login/", {"login": "other@example.org", "password": "wrong"}, **spoofing)
    member = client.post(
        "/account/login/",
        {"login": "lid@delft.nl", "password": DEFAULT_PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.20",
    )

    assert {response.status_code for response in flood} == {200}
    assert "Too many failed login attempts" in blocked.content.decode()
    assert member.status_code == 302 and member["Location"] == "/profiel/"
    assert "_auth_user_id" in client.session


def test_readme_tells_the_operator_how_the_proxy_must_pass_the_client_address():
    from tests.test_deploy import readme_section

    security = readme_section("Security")
    proxy = security.split("### Proxy and rate limits", 1)[1].split("\n### ", 1)[0]
    assert "X-Forwarded-For" in proxy and "DJANGO_TRUSTED_PROXY_COUNT" in proxy
    assert "$proxy_add_x_forwarded_for" in proxy


def test_a_superuser_made_by_createsuperuser_can_reach_the_admin(client, mailed_code):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser(email="beheer@vzhg.nl", password=DEFAULT_PASSWORD)

    response = mailed_code(
        client.post,
        "/account/login/",
        {"login": "beheer@vzhg.nl", "password": DEFAULT_PASSWORD, "next": "/admin/"},
    )
    # No verified address yet: allauth mails a code once, then the admin opens.
    assert response.status_code == 302 and response["Location"] == "/account/confirm-email/"
    code = CODE.search(django_mail.outbox[-1].body).group(1)
    confirmed = client.post("/account/confirm-email/", {"code": code})
    assert confirmed.status_code == 302
    assert client.get("/admin/").status_code == 200
