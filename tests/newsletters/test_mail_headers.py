"""Each reader's newsletter mail: the unsubscribe URL reversed once per edition is exactly what
reverse() gives per reader, and each list's mails carry the list's own List-Id (RFC 2919)."""

from email import policy
from email.parser import BytesParser

import pytest
from django.urls import NoReverseMatch, reverse

from newsletters import rendering
from newsletters.models import NewsletterList
from newsletters.rendering import edition_render, mail_render
from newsletters.selectors import newsletter_full
from newsletters.services.batches import _message
from vzhg.site import absolute_url

from .conftest import NewsletterFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db


def _edition(newsletter):
    return edition_render(newsletter=newsletter_full().get(pk=newsletter.pk))


def _received(mail, to):
    raw = _message(mail, to, None).message().as_bytes(linesep="\r\n")
    return BytesParser(policy=policy.default).parsebytes(raw)


@pytest.mark.parametrize(
    "token",
    ["12.1:AbC-_9xyz", "a b:é@~!$&'()*+,;=%", "spaties en ü"],
)
def test_the_unsubscribe_url_filled_in_per_reader_is_what_reverse_gives(monkeypatch, token):
    edition = _edition(NewsletterFactory(with_items=1))
    readers = SubscriptionFactory.create_batch(3)
    monkeypatch.setattr(
        "newsletters.tokens.unsubscribe_token", lambda subscription: f"{token}{subscription.pk}"
    )
    for reader in readers:
        mail = mail_render(edition=edition, subscription=reader, first_name="Anna")
        expected = absolute_url(reverse("newsletters:unsubscribe", kwargs={"token": f"{token}{reader.pk}"}))
        assert mail["unsubscribe_url"] == expected
        assert mail["headers"]["List-Unsubscribe"].startswith(f"<{expected}>, <mailto:")
        assert mail["web_url"] == absolute_url(edition.newsletter.get_absolute_url())


def test_a_token_reverse_refuses_is_refused_as_before(monkeypatch):
    edition = _edition(NewsletterFactory(with_items=1))
    monkeypatch.setattr("newsletters.tokens.unsubscribe_token", lambda reader: "with/slash")
    with pytest.raises(NoReverseMatch):
        mail_render(edition=edition, subscription=SubscriptionFactory(), first_name="Anna")


def test_the_real_token_gives_the_same_mail_as_a_full_reverse(monkeypatch):
    edition = _edition(NewsletterFactory(with_items=1))
    readers = SubscriptionFactory.create_batch(2)
    fast = [mail_render(edition=edition, subscription=reader, first_name="Anna") for reader in readers]
    monkeypatch.setattr(
        rendering, "_edition_urls", lambda edition: {**rendering_urls(edition), "unsubscribe": None}
    )
    slow = [mail_render(edition=edition, subscription=reader, first_name="Anna") for reader in readers]
    assert fast == slow
    assert fast[0]["unsubscribe_url"] != fast[1]["unsubscribe_url"]


rendering_urls = rendering._edition_urls


def test_each_lists_mail_carries_its_own_list_id(settings):
    settings.SITE_URL = "https://leden.vzhg.nl"
    lists = [
        NewsletterList.objects.general(),
        NewsletterList.objects.create(name="Griffiersnetwerk", slug="griffiers", public=False),
        NewsletterList.objects.create(
            name='Strategen, "Zuid-Holland" & één', slug="strategen_zh", public=False
        ),
    ]
    seen = {}
    for newsletter_list in lists:
        newsletter = NewsletterFactory(with_items=1, newsletter_list=newsletter_list)
        reader = SubscriptionFactory(newsletter_list=newsletter_list)
        mail = mail_render(edition=_edition(newsletter), subscription=reader, first_name="Anna")
        header = _received(mail, reader.email)["List-Id"]
        # The stdlib parser reads the name back as written, and the id after it in angle brackets.
        assert str(header).endswith(f"<{newsletter_list.slug}.lists.leden.vzhg.nl>")
        assert (
            str(header)[: -len(f" <{newsletter_list.slug}.lists.leden.vzhg.nl>")]
            .strip('"')
            .replace('\\"', '"')
            == newsletter_list.name
        )
        seen[newsletter_list.slug] = str(header)
    assert len(set(seen.values())) == 3
