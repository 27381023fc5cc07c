"""Click counts per link per edition: the mail's own links go through a signed redirect that
names the edition and the link, never the reader; nothing else is redirected; no open pixel."""

import re

import pytest
from django.core import signing
from django.urls import reverse

from newsletters.clicks import SALT, LinkClick, click_url
from newsletters.models import Newsletter
from newsletters.rendering import edition_render, mail_render
from newsletters.selectors import newsletter_full

from .conftest import NewsletterFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db


def _mail(newsletter, subscription=None):
    edition = edition_render(newsletter=newsletter_full().get(pk=newsletter.pk))
    return mail_render(edition=edition, subscription=subscription, first_name="Anna")


def _path(url):
    return re.sub(r"^https?://[^/]+", "", url)


def test_the_mail_links_through_the_counter_without_naming_the_reader():
    newsletter = NewsletterFactory(with_items=1, status=Newsletter.Status.SENT)
    anna, bram = SubscriptionFactory.create_batch(2)

    for_anna, for_bram = _mail(newsletter, anna)["html"], _mail(newsletter, bram)["html"]

    tracked = re.findall(r'href="([^"]+/nieuwsbrief/klik/[^"]+/)"', for_anna)
    assert len(tracked) == 2  # the item's link and the link in its text
    assert set(tracked) == set(re.findall(r'href="([^"]+/nieuwsbrief/klik/[^"]+/)"', for_bram))
    assert (
        'href="https://www.zuid-holland.nl/0"' not in for_anna and 'href="https://vng.nl/0"' not in for_anna
    )
    assert "/nieuwsbrief/afmelden/" in for_anna and newsletter.get_absolute_url() in for_anna  # untouched
    assert "<img" not in for_anna  # no open pixel (and no image in this edition)


def test_a_click_is_counted_per_link_and_followed(client):
    newsletter = NewsletterFactory(with_items=1, status=Newsletter.Status.SENT)
    url = click_url(newsletter_id=newsletter.pk, url="https://www.zuid-holland.nl/0")

    for _ in range(3):
        response = client.get(_path(url))
        assert response.status_code == 302 and response["Location"] == "https://www.zuid-holland.nl/0"

    assert list(LinkClick.objects.values_list("newsletter", "url", "count")) == [
        (newsletter.pk, "https://www.zuid-holland.nl/0", 3)
    ]


def test_the_counter_redirects_only_to_the_editions_own_links(client):
    newsletter = NewsletterFactory(with_items=1, status=Newsletter.Status.SENT)
    other = NewsletterFactory(with_items=0, status=Newsletter.Status.SENT)
    forged = [
        click_url(newsletter_id=other.pk, url="https://www.zuid-holland.nl/0"),  # another edition's link
        click_url(newsletter_id=newsletter.pk, url="https://evil.example/"),  # not in the edition
        "/nieuwsbrief/klik/"
        + signing.dumps({"n": newsletter.pk, "u": "https://evil.example/"}, salt="other")
        + "/",  # not our signature
        "/nieuwsbrief/klik/garbage/",
    ]
    for url in forged:
        response = client.get(_path(url))
        assert response.status_code == 400, url
        assert "evil.example" not in response.get("Location", "")
    assert not LinkClick.objects.exists()
    assert SALT == "newsletters.click"


def test_a_test_mail_of_a_concept_redirects_without_counting(client):
    newsletter = NewsletterFactory(with_items=1)
    response = client.get(_path(click_url(newsletter_id=newsletter.pk, url="https://vng.nl/0")))

    assert response.status_code == 302 and response["Location"] == "https://vng.nl/0"
    assert not LinkClick.objects.exists()


def test_the_admin_shows_the_clicks_per_link(client, secretariat):
    newsletter = NewsletterFactory(with_items=1, status=Newsletter.Status.SENT)
    LinkClick.objects.create(newsletter=newsletter, url="https://vng.nl/0", count=7)

    page = client.get(reverse("admin:newsletters_newsletter_change", args=[newsletter.pk])).content.decode()

    assert "<li>7 × https://vng.nl/0</li>" in page
