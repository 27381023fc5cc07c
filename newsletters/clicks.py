"""Click counts per link per edition, aggregated: no reader is identified and no open pixel is sent.

Every link in an edition's mail goes through /nieuwsbrief/klik/<token>/, where the token is the
signed pair (edition, URL) and nothing about the reader. The redirect only goes to a link of that
edition, so it can never be used as an open redirect.
"""

from __future__ import annotations

import html as html_lib
import re

from django.core import signing
from django.db import models, transaction
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vzhg.errors import ServiceError
from vzhg.site import absolute_url

SALT = "newsletters.click"
_HREF = re.compile(r'href="(https?://[^"]+)"')


class LinkClick(models.Model):
    """How often one link of one edition was followed (from any copy of the mail)."""

    newsletter = models.ForeignKey(
        "newsletters.Newsletter",
        verbose_name=gettext_lazy("newsletter"),
        on_delete=models.CASCADE,
        related_name="link_clicks",
    )
    url = models.URLField(gettext_lazy("link"), max_length=500)
    count = models.PositiveIntegerField(gettext_lazy("clicks"), default=0)

    class Meta:
        app_label = "newsletters"
        verbose_name = gettext_lazy("link clicks")
        verbose_name_plural = gettext_lazy("link clicks")
        ordering = ["-count", "url"]
        constraints = [models.UniqueConstraint(fields=["newsletter", "url"], name="link_click_once_per_url")]

    def __str__(self) -> str:
        return self.url


def click_url(*, newsletter_id: int, url: str) -> str:
    # No timestamp in the token: the same link of an edition gets the same token in every part,
    # batch and mail (the clicks are counted per edition and URL, and never expire).
    token = signing.Signer(salt=SALT).sign_object({"n": newsletter_id, "u": url}, compress=True)
    return absolute_url(reverse("newsletters:click", kwargs={"token": token}))


def _hrefs(html: str) -> list[str]:
    return [html_lib.unescape(href) for href in _HREF.findall(html)]


def html_links_tracked(html: str, *, newsletter_id: int, links: set[str]) -> str:
    """The mail's HTML with each of the edition's own links going through the click counter (the
    web version, unsubscribe and site links are left alone)."""

    def track(match: re.Match) -> str:
        url = html_lib.unescape(match.group(1))
        if url not in links:
            return match.group(0)
        return f'href="{html_lib.escape(click_url(newsletter_id=newsletter_id, url=url))}"'

    return _HREF.sub(track, html)


# A web address in plain text, up to white space, an angle bracket or a closing parenthesis.
_TEXT_URL = re.compile(r"https?://[^\s<>()]+")


def text_links_tracked(text: str, *, newsletter_id: int, links: set[str]) -> str:
    """The mail's text part with each of the edition's own links going through the click counter,
    as in the HTML part: the same signed redirect, no reader in it (the web version, unsubscribe
    and site links are left alone). Punctuation that ends a sentence stays outside the link."""

    def track(match: re.Match) -> str:
        found = match.group(0)
        url = found.rstrip(".,;:!?'\"")
        if url not in links:
            return found
        return click_url(newsletter_id=newsletter_id, url=url) + found[len(url) :]

    return _TEXT_URL.sub(track, text)


def edition_links(edition) -> set[str]:
    """Every web link the edition (a RenderedEdition) itself contains."""
    links: set[str] = set()
    for html in [edition.intro_html, edition.closing_html]:
        links.update(_hrefs(html))
    for section in edition.sections:
        for item in section["items"]:
            links.update(_hrefs(item["html"]))
            if item["link"]:
                links.add(item["link"])
            if item["linked"] and item["linked"]["url"]:
                links.add(item["linked"]["url"])
    return links


def _token_data(token: str) -> dict:
    try:
        return signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):
        # Links in editions mailed before the tokens lost their timestamp (signing.dumps).
        return signing.loads(token, salt=SALT)


def link_click_record(*, token: str) -> str:
    """Count one click and return where it goes; refuse a token that is not ours or a URL that is
    not one of that edition's links."""
    from .models import Newsletter
    from .rendering import edition_render
    from .selectors import newsletter_full

    try:
        data = _token_data(token)
        newsletter_id, url = int(data["n"]), str(data["u"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise ServiceError(_("This link is not valid."), code="bad_token") from exc
    newsletter = newsletter_full(Newsletter.objects.filter(pk=newsletter_id)).first()
    if newsletter is None or url not in edition_links(edition_render(newsletter=newsletter)):
        raise ServiceError(_("This link is not valid."), code="not_in_edition")
    if newsletter.is_published:  # test mails of a concept are not counted
        with transaction.atomic():
            click, _created = LinkClick.objects.get_or_create(newsletter=newsletter, url=url)
            LinkClick.objects.filter(pk=click.pk).update(count=F("count") + 1)
    return url
