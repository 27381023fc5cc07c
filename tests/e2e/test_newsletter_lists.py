"""Newsletter lists in a real browser (issue 14): a member, on the profile, subscribes to the
griffiers list and leaves the general newsletter in one save, and then reads the griffiers
archive, which is for its subscribers only."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from newsletters.models import Newsletter, NewsletterList, Subscription
from tests.factories import MemberFactory
from tests.newsletters.conftest import NewsletterFactory, SubscriptionFactory

from .conftest import assert_accessible

pytestmark = pytest.mark.e2e


def test_a_member_joins_the_griffiers_list_and_leaves_the_general_one(
    page: Page, live_server, log_in, screenshot
):
    general = NewsletterList.objects.general()
    griffiers = NewsletterList.objects.create(
        name="Griffiersnetwerk", slug="griffiers", description="Voor griffiers.", public=False
    )
    strategen = NewsletterList.objects.create(
        name="Strategennetwerk", slug="strategennetwerk", self_service=False, public=False
    )
    NewsletterFactory(newsletter_list=griffiers, title="Griffiers najaar", status=Newsletter.Status.SENT)
    member = MemberFactory(function="griffier")
    SubscriptionFactory(email=member.email, person=member)
    SubscriptionFactory(email=member.email, person=member, newsletter_list=strategen)
    log_in(member.user)

    assert page.goto(live_server.url + griffiers.get_absolute_url()).status == 404
    page.goto(live_server.url + reverse("members:profile"))
    lists = page.get_by_test_id("newsletter-lists")
    expect(lists.get_by_label(general.name)).to_be_checked()
    expect(lists.get_by_label("Griffiersnetwerk")).not_to_be_checked()
    expect(lists.get_by_label("Strategennetwerk")).to_be_checked()
    assert_accessible(page)
    screenshot("profile-lists")

    lists.get_by_label(general.name).uncheck()
    lists.get_by_label("Griffiersnetwerk").check()
    lists.get_by_role("button").click()

    expect(page).to_have_url(live_server.url + reverse("members:profile"))
    expect(page.get_by_role("main")).to_contain_text(re.compile("Griffiersnetwerk"))
    lists = page.get_by_test_id("newsletter-lists")
    expect(lists.get_by_label(general.name)).not_to_be_checked()
    expect(lists.get_by_label("Griffiersnetwerk")).to_be_checked()
    expect(lists.get_by_label("Strategennetwerk")).to_be_checked()
    assert_accessible(page)
    screenshot("saved")
    statuses = {
        row.newsletter_list.slug: row.status
        for row in Subscription.objects.filter(person=member).select_related("newsletter_list")
    }
    assert statuses == {
        general.slug: "unsubscribed",
        "griffiers": "confirmed",
        "strategennetwerk": "confirmed",
    }

    page.goto(live_server.url + griffiers.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Griffiersnetwerk")
    expect(page.get_by_role("link", name="Griffiers najaar")).to_be_visible()
    assert_accessible(page)
