"""Click counts per link per edition: the mail's own links go through a signed redirect that
names the edition and the link, never the reader; nothing else is redirected; no open pixel."""

import re
import time
from unittest import mock

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


def _received(newsletter, subscription):
    """The mail as the relay gets it, read back with the standard library's parser."""
    from email import policy
    from email.parser import BytesParser

    from newsletters.services.batches import _message

    mail = _mail(newsletter, subscription)
    raw = _message(mail, subscription.email, None).message().as_bytes(linesep="\r\n")
    return BytesParser(policy=policy.default).parsebytes(raw)


def test_the_text_part_has_the_same_tracked_links_as_the_html_part_and_no_reader(client):
    newsletter = NewsletterFactory(with_items=1, status=Newsletter.Status.SENT)
    anna, bram = SubscriptionFactory.create_batch(2)
    received = {s.email: _received(newsletter, s) for s in (anna, bram)}
    tracked = r"(https?://[^\s<>()\"]+/nieuwsbrief/klik/[^/\s\"]+/)"

    message = received[anna.email]
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    in_text = re.findall(tracked, text)
    assert len(in_text) == 2  # the item's link and the link in its text ("link (...)")
    assert set(in_text) == set(re.findall(r'href="' + tracked, html))
    assert "https://www.zuid-holland.nl/0" not in text and "https://vng.nl/0" not in text
    assert "met een link (" in text and "&amp;" not in text
    # Nothing about the reader: Bram's copy has the very same links.
    bram_text = received[bram.email].get_body(preferencelist=("plain",)).get_content()
    assert set(re.findall(tracked, bram_text)) == set(in_text)
    # The unsubscribe and web-version links are not redirected.
    assert "/nieuwsbrief/afmelden/" in text and newsletter.get_absolute_url() in text
    # Followed from the text part: counted per link, and on to the link.
    targets = {client.get(_path(url))["Location"] for url in in_text}
    assert targets == {"https://www.zuid-holland.nl/0", "https://vng.nl/0"}
    assert sorted(LinkClick.objects.values_list("url", "count")) == [
        ("https://vng.nl/0", 1),
        ("https://www.zuid-holland.nl/0", 1),
    ]


def test_a_link_has_one_token_whenever_it_is_signed_and_old_timestamped_tokens_still_count(client):
    # The HTML and text parts (and every batch) are signed at different moments: the same link
    # of an edition must still be the same token, so the parts and the readers agree.
    newsletter = NewsletterFactory(with_items=1, status=Newsletter.Status.SENT)
    first = click_url(newsletter_id=newsletter.pk, url="https://vng.nl/0")
    with mock.patch("time.time", return_value=time.time() + 61):
        assert click_url(newsletter_id=newsletter.pk, url="https://vng.nl/0") == first

    old = signing.dumps({"n": newsletter.pk, "u": "https://vng.nl/0"}, salt=SALT, compress=True)
    response = client.get(reverse("newsletters:click", kwargs={"token": old}))
    assert response.status_code == 302 and response["Location"] == "https://vng.nl/0"
