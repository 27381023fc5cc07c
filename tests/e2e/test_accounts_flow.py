"""A new member's first visit, in a real browser: sign up, confirm by mailed code, log out, log in
with a mailed one-time code, see their municipality on the profile, switch the language."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import Page, expect

from members.models import EmailDomain, Organisation, Person, Region, User

pytestmark = pytest.mark.e2e

EMAIL = "fleur.van.dam@leiden.nl"
# allauth's codes: letters and digits in groups joined by a dash, alone on their line ("AB3D-EF7H").
CODE_LINE = re.compile(r"^\s*([A-Z0-9]{3,}(?:-[A-Z0-9]{3,})+)\s*$", re.MULTILINE)

# Fields are found by their labels (English msgid or Dutch: "E-mail address"/"E-mailadres",
# "Code from the e-mail"/"Code uit de e-mail"). Forms are submitted with Enter in the field, as a
# keyboard user does, so the test does not depend on how a button is worded in either language.
EMAIL_FIELD = re.compile(r"e-?mail", re.IGNORECASE)
CODE_FIELD = re.compile(r"code", re.IGNORECASE)


@pytest.fixture
def leiden() -> Organisation:
    region = Region.objects.create(name="Holland Rijnland")
    leiden = Organisation.objects.create(
        name="Leiden",
        kind=Organisation.Kind.MUNICIPALITY,
        cbs_code="GM0546",
        region=region,
        member_since=datetime.date(1990, 1, 1),
        inhabitants=130_000,
    )
    EmailDomain.objects.create(organisation=leiden, domain="leiden.nl")
    return leiden


def mailed_code(*, to: str, sent_before: int) -> str:
    """The code in the newest mail to `to` sent since the outbox held `sent_before` messages.

    The live server runs in this process with Celery eager and Django's test mail backend, so a
    mail that went through the outbox and the task lands in django.core.mail.outbox before the
    response that queued it reaches the browser.
    """
    received = [message for message in mail.outbox[sent_before:] if to in message.to]
    assert received, f"no mail reached {to}; sent: {[(m.to, m.subject) for m in mail.outbox]}"
    match = CODE_LINE.search(received[-1].body)
    assert match, f"no code in the mail to {to}:\n{received[-1].body}"
    return match.group(1)


def expect_profile_of_leiden(page: Page, live_server) -> None:
    expect(page).to_have_url(live_server.url + reverse("members:profile"))
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_be_visible()
    # "Leiden" with a capital: the municipality, not the e-mail domain.
    expect(main).to_contain_text(re.compile(r"\bLeiden\b"))
    expect(main).to_contain_text("Holland Rijnland")


def test_new_member_signs_up_logs_in_by_code_and_switches_language(
    page: Page, live_server, screenshot, leiden
):
    main = page.get_by_role("main")
    banner = page.get_by_role("banner")

    # 1. Home, in Dutch, then on to sign-up.
    page.goto(live_server.url + reverse("home"))
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(main.get_by_role("heading", level=1)).to_be_visible()
    screenshot("home")
    main.locator(f'a[href="{reverse("account_signup")}"]').click()
    expect(page).to_have_url(live_server.url + reverse("account_signup"))

    # 2. Sign up with a municipal address; the verification code comes by mail.
    sent_before = len(mail.outbox)
    email_field = main.get_by_role("textbox", name=EMAIL_FIELD)
    email_field.fill(EMAIL)
    screenshot("signup-filled")
    email_field.press("Enter")
    expect(page).to_have_url(live_server.url + reverse("account_email_verification_sent"))
    code_field = main.get_by_role("textbox", name=CODE_FIELD)
    expect(code_field).to_be_visible()
    screenshot("verification-code-requested")
    code_field.fill(mailed_code(to=EMAIL, sent_before=sent_before))
    code_field.press("Enter")

    # 3. Confirmed and logged in: the profile, linked to Leiden by the e-mail domain.
    expect_profile_of_leiden(page, live_server)
    screenshot("signed-up-profile")
    user = User.objects.get(email=EMAIL)
    assert not user.is_staff and not user.is_superuser
    assert Person.objects.get(user=user).organisation == leiden

    # 4. Log out.
    banner.locator(f'form[action="{reverse("account_logout")}"]').get_by_role("button").click()
    expect(page).to_have_url(live_server.url + reverse("home"))
    login_link = banner.locator(f'a[href="{reverse("account_login")}"]')
    expect(login_link).to_be_visible()
    screenshot("logged-out")

    # 5. Log in with a one-time code by mail: the login page's main form, no password.
    login_link.click()
    expect(page).to_have_url(live_server.url + reverse("account_login"))
    sent_before = len(mail.outbox)
    email_field = main.get_by_role("textbox", name=EMAIL_FIELD)
    email_field.fill(EMAIL)
    screenshot("login")
    email_field.press("Enter")
    expect(page).to_have_url(live_server.url + reverse("account_confirm_login_code"))
    code_field = main.get_by_role("textbox", name=CODE_FIELD)
    code_field.fill(mailed_code(to=EMAIL, sent_before=sent_before))
    screenshot("login-code-entered")
    code_field.press("Enter")

    # 6. Logged in: the profile shows the municipality.
    expect_profile_of_leiden(page, live_server)
    expect(banner.locator(f'form[action="{reverse("account_logout")}"]')).to_be_visible()
    screenshot("logged-in-profile")

    # 7. English through the language switch, and back to Dutch.
    heading = main.get_by_role("heading", level=1)
    banner.get_by_role("button", name=re.compile("English")).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(heading).to_have_text("My profile")
    expect(page).to_have_url(live_server.url + reverse("members:profile"))
    screenshot("profile-english")

    banner.get_by_role("button", name=re.compile("Nederlands")).click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(heading).to_have_text("Mijn profiel")
    screenshot("profile-dutch")
