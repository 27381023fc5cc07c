"""Sign-up, e-mail verification and login by a mailed code, through allauth's real views.

Mail goes row → on_commit → task (eager in unit tests) → locmem backend, so every request that
mails is wrapped in django_capture_on_commit_callbacks(execute=True) and the message is read
from django.core.mail.outbox, as the user would read it from their inbox.
"""

import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core import mail
from django.core.cache import cache

from members.models import Person
from tests.factories import DEFAULT_PASSWORD, MunicipalityFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()

CODE_LINE = re.compile(r"^\s*([A-Z0-9]{4,}(?:-[A-Z0-9]{4,})*)\s*$", re.MULTILINE)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    # allauth counts attempts in the cache; each test starts with a clean slate.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client(client):
    # Assertions read English text; Dutch is the site default.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def mailed(django_capture_on_commit_callbacks):
    """Run a request and deliver what it mailed (after commit, as in production)."""

    def run(callable_, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return callable_(*args, **kwargs)

    return run


def code_in(message) -> str:
    match = CODE_LINE.search(message.body)
    assert match, f"no code in mail:\n{message.body}"
    return match.group(1)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def sign_up(client, mailed, email: str, **extra) -> object:
    """Sign up with only an e-mail address and enter the mailed verification code."""
    outbox_before = len(mail.outbox)
    response = mailed(client.post, "/account/signup/", {"email": email, **extra})
    assert response.status_code == 302
    assert response["Location"] == "/account/confirm-email/"
    assert len(mail.outbox) == outbox_before + 1
    message = mail.outbox[-1]
    assert message.to == [email.lower()] or message.to == [email]
    return mailed(client.post, "/account/confirm-email/", {"code": code_in(message)})


def test_signup_on_member_domain_links_person_to_that_municipality(client, mailed):
    delft = MunicipalityFactory(name="Delft", domain__domain="delft.nl")
    MunicipalityFactory(name="Leiden", domain__domain="leiden.nl")

    response = sign_up(client, mailed, "Jan.Jansen@delft.nl")

    assert response.status_code == 302
    assert response["Location"] == "/profiel/"
    user = User.objects.get(email__iexact="jan.jansen@delft.nl")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert EmailAddress.objects.get(user=user).verified
    person = Person.objects.get(user=user)
    assert person.organisation == delft
    assert person.email == "jan.jansen@delft.nl"
    assert (person.first_name, person.last_name) == ("Jan", "Jansen")
    assert not user.is_staff
    assert not user.is_superuser
    assert not user.groups.exists()
    assert not user.user_permissions.exists()

    profile = client.get("/profiel/")
    assert profile.status_code == 200
    assert "Delft" in profile.content.decode()


def test_verification_mail_goes_through_the_outbox_and_names_the_address(client, mailed):
    from vzhg.mail.models import OutgoingMail

    mailed(client.post, "/account/signup/", {"email": "anna@gmail.com"})

    assert [m.to for m in mail.outbox] == [["anna@gmail.com"]]
    body = mail.outbox[0].body
    assert "anna@gmail.com" in body
    assert "VZHG" in body
    assert " !" not in body  # no empty site name ("Hello from !")
    code_in(mail.outbox[0])
    assert mail.outbox[0].subject.startswith("[VZHG] ")
    row = OutgoingMail.objects.get()
    assert (row.to, row.status) == ("anna@gmail.com", OutgoingMail.Status.SENT)


def test_signup_on_other_domain_gives_person_without_organisation(client, mailed):
    MunicipalityFactory(name="Delft", domain__domain="delft.nl")

    response = sign_up(client, mailed, "anna.bakker@gmail.com")

    assert response.status_code == 302
    person = Person.objects.get(email="anna.bakker@gmail.com")
    assert person.user is not None
    assert person.organisation is None
    assert "No organisation linked" in client.get("/profiel/").content.decode()


def test_signup_links_the_person_the_secretariat_already_made(client, mailed):
    leiden = MunicipalityFactory(name="Leiden", domain__domain="leiden.nl")
    piet = PersonFactory(
        first_name="Piet",
        last_name="Pieters",
        email="piet.pieters@leiden.nl",
        organisation=leiden,
        function=Person.Function.GRIFFIER,
    )
    # As an import might leave it: the stored address in another case than the one signed up with.
    Person.objects.filter(pk=piet.pk).update(email="Piet.Pieters@LEIDEN.nl")

    sign_up(client, mailed, "piet.PIETERS@Leiden.nl")

    assert Person.objects.filter(email__iexact="piet.pieters@leiden.nl").count() == 1
    piet.refresh_from_db()
    assert piet.user is not None
    assert piet.user.email.lower() == "piet.pieters@leiden.nl"
    assert piet.function == Person.Function.GRIFFIER
    assert piet.organisation == leiden
    assert int(client.session["_auth_user_id"]) == piet.user.pk


def test_signup_cannot_grant_staff_rights(client, mailed):
    sign_up(client, mailed, "eve@gmail.com", is_staff="on", is_superuser="on", is_active="on", groups="1")

    user = User.objects.get(email="eve@gmail.com")
    assert not user.is_staff
    assert not user.is_superuser
    assert not user.groups.exists()
    assert client.get("/admin/").status_code == 302


def test_no_person_before_the_address_is_verified(client, mailed):
    mailed(client.post, "/account/signup/", {"email": "wait@gmail.com"})

    assert User.objects.filter(email="wait@gmail.com").exists()
    assert not Person.objects.filter(email="wait@gmail.com").exists()
    assert "_auth_user_id" not in client.session


def test_login_by_code_for_an_existing_account(client, mailed):
    user = UserFactory(email="lid@delft.nl")

    response = mailed(client.post, "/account/login/code/", {"email": "LID@delft.nl"})
    assert response.status_code == 302
    assert response["Location"] == "/account/login/code/confirm/"
    assert [m.to for m in mail.outbox] == [["lid@delft.nl"]]

    response = client.post("/account/login/code/confirm/", {"code": code_in(mail.outbox[0])})

    assert response.status_code == 302
    assert response["Location"] == "/profiel/"
    assert int(client.session["_auth_user_id"]) == user.pk
    assert client.get("/profiel/").status_code == 200


def test_login_page_sends_a_code_without_a_password(client, mailed):
    user = UserFactory(email="lid@delft.nl")

    response = mailed(client.post, "/account/login/", {"login": "lid@delft.nl"})

    assert response.status_code == 302
    assert response["Location"] == "/account/login/code/confirm/"
    client.post("/account/login/code/confirm/", {"code": code_in(mail.outbox[-1])})
    assert int(client.session["_auth_user_id"]) == user.pk


def test_login_with_a_password_for_those_who_set_one(client):
    user = UserFactory(email="lid@delft.nl")

    response = client.post("/account/login/", {"login": "lid@delft.nl", "password": DEFAULT_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/profiel/"
    assert int(client.session["_auth_user_id"]) == user.pk


def test_repeated_wrong_passwords_are_rate_limited(client):
    # allauth's "login_failed" limit: 5 failures per address in 5 minutes.
    UserFactory(email="lid@delft.nl")

    wrong = {"login": "lid@delft.nl", "password": "wrong-guess"}
    failures = [client.post("/account/login/", wrong) for _ in range(5)]
    blocked = client.post("/account/login/", {"login": "lid@delft.nl", "password": DEFAULT_PASSWORD})

    for failure in failures:
        assert failure.status_code == 200
        assert "The email address and/or password you specified are not correct." in failure.content.decode()
    assert blocked.status_code == 200
    assert "Too many failed login attempts. Try again later." in blocked.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_links_a_person_the_secretariat_made_after_sign_up(client, mailed):
    user = UserFactory(email="kees@leiden.nl")
    kees = PersonFactory(first_name="Kees", last_name="Kok", email="kees@leiden.nl")

    mailed(client.post, "/account/login/code/", {"email": "kees@leiden.nl"})
    client.post("/account/login/code/confirm/", {"code": code_in(mail.outbox[-1])})

    kees.refresh_from_db()
    assert kees.user == user


def test_wrong_code_shows_an_error_and_does_not_log_in(client, mailed):
    UserFactory(email="lid@delft.nl")
    mailed(client.post, "/account/login/code/", {"email": "lid@delft.nl"})
    right = code_in(mail.outbox[0])
    wrong = "AAAA-AAAA" if right != "AAAA-AAAA" else "BBBB-BBBB"

    response = client.post("/account/login/code/confirm/", {"code": wrong})

    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/profiel/").status_code == 302


def test_repeated_wrong_codes_end_the_attempt(client, mailed):
    UserFactory(email="lid@delft.nl")
    mailed(client.post, "/account/login/code/", {"email": "lid@delft.nl"})
    right = code_in(mail.outbox[0])

    wrong = {"code": "ZZZZ-ZZZ0"}
    statuses = [client.post("/account/login/code/confirm/", wrong).status_code for _ in range(2)]
    last = client.post("/account/login/code/confirm/", wrong)

    assert statuses == [200, 200]
    assert last.status_code == 302
    assert last["Location"] == "/account/login/code/"
    assert "Too many failed login attempts. Try again later." in messages_of(last)
    # The code that was mailed is no longer any good either.
    after = client.post("/account/login/code/confirm/", {"code": right})
    assert after.status_code == 302
    assert "_auth_user_id" not in client.session


def test_requesting_codes_for_one_address_is_rate_limited(client, mailed):
    UserFactory(email="lid@delft.nl")

    responses = []
    for _ in range(4):
        # Each attempt starts afresh, as a script would.
        client.cookies.pop(settings.SESSION_COOKIE_NAME, None)
        responses.append(mailed(client.post, "/account/login/code/", {"email": "lid@delft.nl"}))

    assert [r.status_code for r in responses[:3]] == [302, 302, 302]
    assert responses[3].status_code == 200
    assert "Too many failed login attempts. Try again later." in responses[3].content.decode()
    assert len(mail.outbox) == 3


def test_hammering_the_login_page_gets_429(client, mailed):
    responses = [
        mailed(client.post, "/account/login/", {"login": f"guess{n}@example.org"}) for n in range(31)
    ]

    assert {response.status_code for response in responses[:30]} == {302}
    assert responses[30].status_code == 429
    # Our own page explains what to do (this module browses in English).
    page = responses[30].content.decode()
    assert "Too many attempts" in page and "wait a few minutes" in page
    assert 'id="main"' in page


def test_login_by_code_does_not_reveal_whether_an_account_exists(client, mailed):
    UserFactory(email="known@delft.nl")

    known = mailed(client.post, "/account/login/code/", {"email": "known@delft.nl"})
    known_page = client.get(known["Location"])
    client.cookies.pop(settings.SESSION_COOKIE_NAME)
    unknown = mailed(client.post, "/account/login/code/", {"email": "unknown@delft.nl"})
    unknown_page = client.get(unknown["Location"])

    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert known_page.status_code == unknown_page.status_code == 200
    assert "known@delft.nl" in known_page.content.decode()
    assert "unknown@delft.nl" in unknown_page.content.decode()
    assert "Incorrect" not in unknown_page.content.decode()
    # The owner of the unknown address is told by mail, not the person at the keyboard.
    unknown_mail = mail.outbox[-1]
    assert unknown_mail.to == ["unknown@delft.nl"]
    assert "unknown@delft.nl" in unknown_mail.body
    assert not CODE_LINE.search(unknown_mail.body)
    # And no code can log anyone in from there.
    response = client.post("/account/login/code/confirm/", {"code": code_in(mail.outbox[0])})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200


def test_signup_with_a_taken_address_does_not_reveal_it(client, mailed):
    UserFactory(email="taken@delft.nl")

    response = mailed(client.post, "/account/signup/", {"email": "taken@delft.nl"})

    assert response.status_code == 302
    assert response["Location"] == "/account/confirm-email/"
    assert User.objects.filter(email__iexact="taken@delft.nl").count() == 1
