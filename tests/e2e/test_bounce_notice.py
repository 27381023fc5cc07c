"""A member whose mail bounces sees it on the profile (accessible, in Dutch) and says the address
is right with one click: the notice goes, and their address is mailed again."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.factories import MemberFactory
from vzhg.mail.bounces import bounce_record
from vzhg.mail.models import Bounce, BouncedAddress

from .conftest import assert_accessible

pytestmark = pytest.mark.e2e


def test_the_member_sees_the_bounce_and_confirms_the_address(page: Page, live_server, log_in):
    member = MemberFactory(first_name="Jack", last_name="Vries", email="jack.devries@leiden.nl")
    bounce_record(
        email=member.email,
        kind=Bounce.Kind.HARD,
        status="5.1.1",
        reason="550 5.1.1 User unknown",
        fingerprint="e" * 64,
    )
    log_in(member.user)
    page.goto(live_server.url + reverse("members:profile"))
    notice = page.get_by_test_id("bounce-notice")
    expect(notice).to_contain_text("Mail aan je adres komt niet aan: 550 5.1.1 User unknown. Klopt je adres?")
    assert_accessible(page)

    notice.get_by_role("button", name="Mijn adres klopt: probeer het opnieuw").click()

    expect(page.get_by_role("main")).to_contain_text("Dank je. We mailen jack.devries@leiden.nl weer.")
    expect(page.get_by_test_id("bounce-notice")).to_have_count(0)
    assert not BouncedAddress.objects.get(email=member.email).undeliverable
