"""Every page of the account flow renders in the house layout under the strict CSP, in Dutch and
English, and every allauth mail we override arrives in our own words with both parts.

The page checks are what a user (and a screen reader) depends on: the page's language, one h1,
a skip link to <main id="main">, and nothing the Content Security Policy would block (no inline
script, no style attribute).
"""

import re
from html.parser import HTMLParser

import pytest
from allauth.account import app_settings as allauth_settings
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from members.models import EmailDomain
from tests.factories import DEFAULT_PASSWORD, MemberFactory, MunicipalityFactory, RegionFactory, UserFactory
from vzhg.urls import urlpatterns as site_urlpatterns

pytestmark = pytest.mark.django_db

CODE_LINE = re.compile(r"^\s*([A-Z0-9]{3,}(?:-[A-Z0-9]{3,})+)\s*$", re.MULTILINE)
ASSOCIATION = "VZHG — Vereniging van Zuid-Hollandse Gemeenten"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    # allauth counts attempts in the cache; each test starts with a clean slate.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def leiden():
    municipality = MunicipalityFactory(name="Leiden", region=RegionFactory(name="Holland Rijnland"))
    EmailDomain.objects.get_or_create(organisation=municipality, domain="leiden.nl")
    return municipality


@pytest.fixture
def member(leiden):
    return MemberFactory(
        first_name="Fleur", last_name="Dam", email="fleur.dam@leiden.nl", organisation=leiden
    )


@pytest.fixture
def mailed(django_capture_on_commit_callbacks):
    """Run a request and deliver what it mailed (after commit, as in production)."""

    def run(callable_, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return callable_(*args, **kwargs)

    return run


def in_language(client, language: str):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


# --- what every page must hold -----------------------------------------------------------------


class _PageStructure(HTMLParser):
    def __init__(self):
        super().__init__()
        self.html_lang = None
        self.h1_count = 0
        self.skip_link = False
        self.main_ids: list[str | None] = []
        self.inline_scripts = 0
        self.ids: dict[str, str] = {}  # id → tag
        self.described: list[tuple[str, str]] = []  # (element id or name, aria-describedby)
        self.text_by_id: dict[str, list[str]] = {}
        self._open_ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_lang = attrs.get("lang")
        elif tag == "h1":
            self.h1_count += 1
        elif tag == "a" and attrs.get("href") == "#main":
            self.skip_link = True
        elif tag == "main":
            self.main_ids.append(attrs.get("id"))
        elif tag == "script" and not attrs.get("src"):
            self.inline_scripts += 1
        if attrs.get("id"):
            self.ids[attrs["id"]] = tag
            if tag in ("div", "p", "span"):
                self.text_by_id[attrs["id"]] = []
                self._open_ids.append(attrs["id"])
        if attrs.get("aria-describedby"):
            self.described.append((attrs.get("id") or attrs.get("name") or tag, attrs["aria-describedby"]))

    def handle_data(self, data):
        for element_id in self._open_ids:
            self.text_by_id[element_id].append(data)

    def handle_endtag(self, tag):
        if tag in ("div", "p", "span") and self._open_ids:
            self._open_ids.pop()


def structure(response) -> _PageStructure:
    parser = _PageStructure()
    parser.feed(response.content.decode())
    return parser


def assert_house_page(response, *, status: int = 200, language: str = "nl") -> _PageStructure:
    assert response.status_code == status, response.content.decode()[:2000]
    page = response.content.decode()
    parsed = structure(response)
    assert parsed.html_lang == language
    assert parsed.h1_count == 1, f"{parsed.h1_count} h1 elements"
    assert parsed.skip_link, "no skip link to #main"
    assert parsed.main_ids == ["main"], f"<main> elements: {parsed.main_ids}"
    assert parsed.inline_scripts == 0, "inline <script> (the CSP refuses it)"
    assert ' style="' not in page, "style attribute (the CSP refuses it)"
    policy = response.headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    # Every aria-describedby points at elements that exist.
    for owner, described_by in parsed.described:
        for target in described_by.split():
            assert target in parsed.ids, f"{owner}: aria-describedby names missing #{target}"
    return parsed


# --- the pages ---------------------------------------------------------------------------------

ANONYMOUS_PAGES = [
    "/",
    "/leden/",
    "/account/login/",
    "/account/login/code/",
    "/account/signup/",
    "/account/password/reset/",
]


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("url", ANONYMOUS_PAGES)
def test_public_page_renders_in_the_house_layout(client, leiden, url, language):
    assert_house_page(in_language(client, language).get(url), language=language)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_login_code_confirmation_page(client, member, mailed, language):
    in_language(client, language)
    response = mailed(client.post, "/account/login/", {"login": member.email})
    assert response["Location"] == "/account/login/code/confirm/"

    response = client.get("/account/login/code/confirm/")

    assert_house_page(response, language=language)
    page = response.content.decode()
    assert 'autocomplete="one-time-code"' in page
    if language == "en":
        assert f"valid for {allauth_settings.LOGIN_BY_CODE_TIMEOUT // 60} minutes" in page


@pytest.mark.parametrize("language", ["nl", "en"])
def test_email_verification_code_page_after_sign_up(client, leiden, mailed, language):
    in_language(client, language)
    response = mailed(client.post, "/account/signup/", {"email": "nieuw@leiden.nl"})
    assert response["Location"] == "/account/confirm-email/"

    response = client.get("/account/confirm-email/")

    assert_house_page(response, language=language)
    if language == "en":
        assert f"valid for {allauth_settings.EMAIL_VERIFICATION_BY_CODE_TIMEOUT // 60} minutes" in (
            response.content.decode()
        )


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize(
    "url",
    ["/account/logout/", "/account/email/", "/account/password/change/", "/profiel/", "/profiel/bewerken/"],
)
def test_account_page_renders_in_the_house_layout(client, member, url, language):
    client.force_login(member.user)
    assert_house_page(in_language(client, language).get(url), language=language)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_set_password_page_for_an_account_without_one(client, member, language):
    member.user.set_unusable_password()
    member.user.save()
    client.force_login(member.user)

    response = in_language(client, language).get("/account/password/set/")

    assert_house_page(response, language=language)
    if language == "en":
        assert "This is optional." in response.content.decode()


@pytest.mark.parametrize("language", ["nl", "en"])
def test_page_not_found(client, settings, language):
    settings.DEBUG = False
    assert_house_page(in_language(client, language).get("/bestaat-niet/"), status=404, language=language)


# A URLconf for the error pages: the site's URLs plus views that fail on purpose.
def _bad_request(request):
    raise SuspiciousOperation("Deliberately bad request.")


def _forbidden(request):
    raise PermissionDenied


def _broken(request):
    raise RuntimeError("Deliberate failure: the 500 page is under test.")


urlpatterns = [
    path("test/fout/", _bad_request),
    path("test/verboden/", _forbidden),
    path("test/kapot/", _broken),
    *site_urlpatterns,
]
handler400 = "vzhg.views.bad_request"
handler403 = "vzhg.views.permission_denied"
handler404 = "vzhg.views.page_not_found"
handler500 = "vzhg.views.server_error"


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("url", "status"), [("/test/fout/", 400), ("/test/verboden/", 403), ("/test/kapot/", 500)]
)
def test_error_pages(client, settings, url, status):
    settings.DEBUG = False
    client.raise_request_exception = False

    response = client.get(url)

    parsed = assert_house_page(response, status=status)
    page = response.content.decode()
    assert "secretariaat@vzhg.nl" in page
    assert 'href="/"' in page
    assert parsed.ids.get("main") == "main"
    if status == 500:
        # It cannot know whether anything was saved or whether anyone was told.
        assert "has been lost" not in page and "notified" not in page


def test_login_page_offers_the_code_first_and_the_password_second(client, leiden):
    page = in_language(client, "en").get("/account/login/").content.decode()

    main = page[page.index("<main") :]
    first_button = re.search(r"<button[^>]*>(.*?)</button>", main, re.S).group(1).strip()
    assert first_button == "Mail me a login code"
    details = main[main.index("<details") : main.index("</details>")]
    assert 'type="password"' in details and 'type="password"' not in main.replace(details, "")
    assert '<details class="account-alt" open' not in main  # the password form starts closed


def test_wrong_password_reopens_the_password_form_with_an_announced_error(client, member):
    credentials = {"login": member.email, "password": "wrong-guess"}
    response = in_language(client, "en").post("/account/login/", credentials)

    parsed = assert_house_page(response, language="en")
    page = response.content.decode()
    assert '<details class="account-alt" open>' in page
    assert 'role="alert"' in page
    assert "The email address and/or password you specified are not correct." in page
    assert parsed.ids.get("id_login_pw") == "input"


def test_a_field_error_is_tied_to_its_field_and_announced(client, leiden):
    response = in_language(client, "en").post("/account/signup/", {"email": "not-an-address"})

    parsed = assert_house_page(response, language="en")
    page = response.content.decode()
    assert 'role="alert"' in page and "data-error-summary" in page
    field = re.search(r"<input[^>]*name=\"email\"[^>]*>", page).group(0)
    assert 'aria-invalid="true"' in field and "is-invalid" in field
    described_by = re.search(r'aria-describedby="([^"]+)"', field).group(1).split()
    error_texts = " ".join("".join(parsed.text_by_id.get(target, [])) for target in described_by)
    assert "valid email address" in error_texts
    assert re.search(r'<label[^>]*for="id_email"', page)


def test_signup_page_explains_municipal_addresses(client):
    page = in_language(client, "en").get("/account/signup/").content.decode()

    assert (
        "Use your municipal e-mail address: your account is then linked to your municipality automatically."
        in page
    )
    assert 'type="password"' not in page


def test_language_switch_changes_the_page_language(client, leiden):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/account/login/"})
    assert response["Location"] == "/account/login/"

    assert_house_page(client.get("/account/login/"), language="en")


# --- the mails ---------------------------------------------------------------------------------


def assert_our_mail(message, *, code: str | None = None) -> tuple[str, str]:
    """Subject, text and HTML in our own words; returns (text, html)."""
    text = message.body
    html_parts = [content for content, mimetype in message.alternatives if mimetype == "text/html"]
    assert len(html_parts) == 1, "no HTML alternative"
    html = html_parts[0]
    assert message.subject.startswith("[VZHG] ")
    assert ASSOCIATION in text and ASSOCIATION in html
    for body in (text, html):
        assert "Hello from" not in body and "Hallo van" not in body  # allauth's site-name greeting
        assert "{{" not in body and "{%" not in body
    assert "<table" not in html and "<script" not in html
    if code:
        # Never in the subject: that is stored and listed in the outbox (issue 10, item 1).
        assert code not in message.subject
        assert CODE_LINE.search(text).group(1) == code
        assert code in html
    return text, html


def only_mail_to(address: str):
    received = [message for message in mail.outbox if address in message.to]
    assert len(received) == 1, [(m.to, m.subject) for m in mail.outbox]
    return received[0]


def test_sign_up_mail_has_the_code_and_says_how_long_it_is_valid(client, leiden, mailed):
    mailed(in_language(client, "en").post, "/account/signup/", {"email": "nieuw@leiden.nl"})

    message = only_mail_to("nieuw@leiden.nl")
    code = CODE_LINE.search(message.body).group(1)
    text, html = assert_our_mail(message, code=code)
    minutes = allauth_settings.EMAIL_VERIFICATION_BY_CODE_TIMEOUT // 60
    assert f"valid for {minutes} minutes" in text and f"valid for {minutes} minutes" in html
    assert "Did not sign up? Then ignore this mail." in text
    assert "linked to that municipality" in text

    # The code in the mail is the one the page accepts.
    response = client.post("/account/confirm-email/", {"code": code})
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="nieuw@leiden.nl").verified


def test_login_code_mail(client, member, mailed):
    mailed(in_language(client, "en").post, "/account/login/code/", {"email": member.email})

    message = only_mail_to(member.email)
    code = CODE_LINE.search(message.body).group(1)
    text, html = assert_our_mail(message, code=code)
    minutes = allauth_settings.LOGIN_BY_CODE_TIMEOUT // 60
    assert f"valid for {minutes} minutes" in text and f"valid for {minutes} minutes" in html
    assert "Did not ask for this? Then ignore this mail." in text


def test_unknown_address_gets_a_mail_without_a_code(client, leiden, mailed):
    response = mailed(in_language(client, "en").post, "/account/login/code/", {"email": "onbekend@leiden.nl"})
    assert response["Location"] == "/account/login/code/confirm/"  # the page does not tell

    message = only_mail_to("onbekend@leiden.nl")
    text, html = assert_our_mail(message)
    assert CODE_LINE.search(text) is None
    assert "There is no account with this address" in text
    assert "/account/signup/" in text and "/account/signup/" in html


def test_signing_up_twice_mails_the_existing_member(client, member, mailed):
    mailed(in_language(client, "en").post, "/account/signup/", {"email": member.email})

    message = only_mail_to(member.email)
    text, html = assert_our_mail(message)
    assert "There already is an account with this address" in text
    assert "/account/login/" in text and "/account/login/" in html


def test_password_reset_mail_greets_the_person_by_name(client, member, mailed):
    mailed(in_language(client, "en").post, "/account/password/reset/", {"email": member.email})

    message = only_mail_to(member.email)
    text, html = assert_our_mail(message)
    assert text.startswith("Dear Fleur,")
    assert "Dear Fleur," in html
    assert "/account/password/reset/key/" in text and "/account/password/reset/key/" in html
    days = settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60)
    assert f"valid for {days} days" in text


def test_adding_an_address_mails_a_code_to_it(client, member, mailed):
    client.force_login(member.user)
    new_address = {"action_add": "", "email": "fleur@example.org"}
    mailed(in_language(client, "en").post, "/account/email/", new_address)

    message = only_mail_to("fleur@example.org")
    code = CODE_LINE.search(message.body).group(1)
    text, _ = assert_our_mail(message, code=code)
    assert text.startswith("Dear Fleur,")


def test_account_change_notification(client, member, mailed, settings):
    settings.ACCOUNT_EMAIL_NOTIFICATIONS = True
    client.force_login(member.user)
    mailed(
        in_language(client, "en").post,
        "/account/password/change/",
        {
            "oldpassword": DEFAULT_PASSWORD,
            "password1": "a-new-long-passphrase",
            "password2": "a-new-long-passphrase",
        },
    )

    message = only_mail_to(member.email)
    text, html = assert_our_mail(message)
    assert message.subject == "[VZHG] Your password has been changed"
    assert "Your password has been changed." in text and "Your password has been changed." in html
    assert "secretariaat@vzhg.nl" in text


def test_profile_of_an_account_without_a_person(client):
    user = UserFactory(email="los@example.org")
    client.force_login(user)
    assert_house_page(in_language(client, "en").get("/profiel/"), language="en")


def test_password_reset_link_leads_to_a_house_page(client, member, mailed):
    mailed(in_language(client, "en").post, "/account/password/reset/", {"email": member.email})
    body = only_mail_to(member.email).body
    link = re.search(r"http://testserver(/account/password/reset/key/\S+)", body).group(1)

    response = client.get(link, follow=True)

    assert_house_page(response, language="en")
    assert "Choose a new password" in response.content.decode()
    spent = client.get("/account/password/reset/key/0-not-a-key/")
    assert_house_page(spent, language="en")
    assert "This link no longer works" in spent.content.decode()
