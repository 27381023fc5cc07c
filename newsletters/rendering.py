"""Turning an edition into what arrives: sanitised Markdown, the agenda, the mail parts.

The browser preview, the test mail, every delivery and the web version all come out of
`newsletter_render`, so what the secretariat previews is what the reader gets.
"""

from __future__ import annotations

import datetime
import html as html_lib
import re
from dataclasses import dataclass, field
from email.utils import formataddr
from urllib.parse import quote

from django.apps import apps
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.functional import lazy
from django.utils.html import escape, strip_tags
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import gettext_lazy, pgettext_lazy

from vzhg.mail.language import mail_translation
from vzhg.markdown import markdown_to_html
from vzhg.site import absolute_url, site_host, site_url

from .clicks import edition_links, html_links_tracked, text_links_tracked
from .linking import linked_for_display

# Inline styles for the e-mail: Outlook and most webmail ignore <style> blocks or strip them.
_TEXT = "font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:22px;color:#222222;"
MAIL_STYLES = {
    "p": "margin:0 0 12px 0;" + _TEXT,
    "a": "color:#00558c;text-decoration:underline;",
    "ul": "margin:0 0 12px 0;padding-left:22px;" + _TEXT,
    "ol": "margin:0 0 12px 0;padding-left:22px;" + _TEXT,
    "li": "margin:0 0 4px 0;",
    "blockquote": "margin:0 0 12px 0;padding-left:12px;border-left:3px solid #cccccc;color:#444444;",
    "h3": "margin:16px 0 8px 0;font-family:Arial,Helvetica,sans-serif;font-size:17px;color:#00558c;",
    "h4": "margin:12px 0 6px 0;font-family:Arial,Helvetica,sans-serif;font-size:15px;color:#00558c;",
}


def html_for_mail(html: str) -> str:
    """Sanitised HTML with the mail's inline styles added to its tags."""

    def add_style(match: re.Match) -> str:
        tag, rest = match.group(1), match.group(2)
        return f'<{tag} style="{MAIL_STYLES[tag]}"{rest}>'

    tags = "|".join(MAIL_STYLES)
    return re.sub(rf"<({tags})\b([^>]*)>", add_style, html)


_ANCHOR = re.compile(r'<a\b[^>]*\bhref="(https?://[^"]+)"[^>]*>(.*?)</a>', re.DOTALL)


def html_to_text(html: str) -> str:
    """Sanitised HTML as plain text for the text part: no tags and no entities (`&amp;` is `&`).
    A web link keeps its address after its words, "words (https://...)", so the text part has the
    links the HTML part has (and they are counted the same way: clicks.text_links_tracked)."""

    def anchor(match: re.Match) -> str:
        url, words = match.group(1), match.group(2)
        shown = html_lib.unescape(strip_tags(words)).strip()
        return url if shown in ("", html_lib.unescape(url)) else f"{words} ({url})"

    html = _ANCHOR.sub(anchor, html)
    return html_lib.unescape(strip_tags(html.replace("</p>", "</p>\n").replace("</li>", "</li>\n"))).strip()


# An intro that opens with a greeting of its own ("Beste lezer,") would greet twice under the
# mail's personal greeting: its first paragraph is left out of the mail when it is only that.
GREETING_RE = re.compile(
    r"^(beste|geachte|lieve|hallo|hoi|dag|goedemorgen|goedemiddag|goedenavond|dear|hello|hi)\b[^\n]{0,60},$",
    re.IGNORECASE,
)


def intro_without_greeting(intro: str) -> str:
    """The intro (Markdown) without an opening paragraph that is only a greeting."""
    paragraphs = re.split(r"\n\s*\n", (intro or "").strip(), maxsplit=1)
    if paragraphs and GREETING_RE.match(strip_tags(markdown_to_html(paragraphs[0])).strip()):
        return paragraphs[1] if len(paragraphs) > 1 else ""
    return intro or ""


SHORT_MONTHS = (
    pgettext_lazy("short month", "Jan"), pgettext_lazy("short month", "Feb"),
    pgettext_lazy("short month", "Mar"), pgettext_lazy("short month", "Apr"),
    pgettext_lazy("short month", "May"), pgettext_lazy("short month", "Jun"),
    pgettext_lazy("short month", "Jul"), pgettext_lazy("short month", "Aug"),
    pgettext_lazy("short month", "Sep"), pgettext_lazy("short month", "Oct"),
    pgettext_lazy("short month", "Nov"), pgettext_lazy("short month", "Dec"),
)  # fmt: skip


def short_date(moment: datetime.date) -> str:
    """A short date in the active language: "ma 7 dec." in Dutch, "Mon 7 Dec" in English."""
    return f"{dateformat.format(moment, 'D')} {moment.day} {SHORT_MONTHS[moment.month - 1]}"


short_date_lazy = lazy(short_date, str)


# --- the agenda -------------------------------------------------------------------------------


def _model(label: str):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def agenda_entries(*, start: datetime.datetime | None = None, weeks: int | None = None) -> list[dict]:
    """Published upcoming events and board meetings of the coming weeks, earliest first.

    The models are looked up when the agenda is built, so the newsletter works (without these
    entries) in an installation without the events or governance app.
    """
    start = start or timezone.now()
    weeks = settings.NEWSLETTER_AGENDA_WEEKS if weeks is None else weeks
    end = start + datetime.timedelta(weeks=weeks)
    entries: list[dict] = []

    Event = _model("events.Event")  # noqa: N806
    if Event is not None:
        events = Event.objects.filter(
            status=Event.Status.PUBLISHED, starts_at__gte=start, starts_at__lt=end
        ).order_by("starts_at")
        for event in events[:50]:
            entries.append(
                {
                    "kind": "event",
                    "starts_at": event.starts_at.isoformat(),
                    "title": event.title,
                    "where": event.venue_name,
                    "url": absolute_url(event.get_absolute_url()),
                }
            )

    Meeting = _model("governance.Meeting")  # noqa: N806
    if Meeting is not None:
        # Meeting pages are for the board only (their links carry a token): date and title only.
        meetings = Meeting.objects.filter(
            status=Meeting.Status.PUBLISHED, starts_at__gte=start, starts_at__lt=end
        ).order_by("starts_at")
        for meeting in meetings[:50]:
            entries.append(
                {
                    "kind": "meeting",
                    "starts_at": meeting.starts_at.isoformat(),
                    "title": meeting.title,
                    "where": meeting.location,
                    "url": "",
                }
            )

    entries.sort(key=lambda entry: entry["starts_at"])
    return entries


def agenda_start(*, newsletter, now: datetime.datetime | None = None) -> datetime.datetime:
    """Where an edition's agenda begins: at the edition's own moment — when it is scheduled,
    else the start of its date (Amsterdam) — not on the day someone happens to open it; and
    never before now, so a mail does not list what is over."""
    now = now or timezone.now()
    if newsletter.scheduled_for is not None:
        planned = newsletter.scheduled_for
    else:
        planned = datetime.datetime.combine(
            newsletter.date, datetime.time.min, tzinfo=timezone.get_default_timezone()
        )
    return max(now, planned)


def _agenda_for_display(entries: list[dict]) -> list[dict]:
    shown = []
    for entry in entries:
        moment = timezone.localtime(datetime.datetime.fromisoformat(entry["starts_at"]))
        # The short date is worded when the template shows it, in the mail's (or page's) language.
        shown.append({**entry, "moment": moment, "short_date": short_date_lazy(moment)})
    return shown


# --- the edition --------------------------------------------------------------------------------


@dataclass
class RenderedEdition:
    """The parts of an edition that are the same for every reader (rendered once per batch)."""

    newsletter: object
    intro_html: str
    intro_mail_html: str
    intro_text: str
    sections: list[dict]
    agenda: list[dict]
    closing_html: str = ""
    closing_mail_html: str = ""
    closing_text: str = ""
    rendered: dict = field(default_factory=dict)  # greeted? -> (html, text) with stand-ins


def edition_render(*, newsletter) -> RenderedEdition:
    """Sanitise and lay out an edition once. `newsletter` comes from selectors.newsletter_full()."""
    sections = []
    for section in newsletter.sections.all():
        items = []
        for item in section.items.all():
            html = markdown_to_html(item.text)
            items.append(
                {
                    "title": item.title,
                    "html": html,
                    "mail_html": html_for_mail(html),
                    "text": html_to_text(html),
                    "link": item.link,
                    "link_label": item.link_label or gettext_lazy("Read more"),
                    "image_url": absolute_url(reverse("newsletters:image", kwargs={"item_id": item.pk}))
                    if item.image
                    else "",
                    "image_path": reverse("newsletters:image", kwargs={"item_id": item.pk})
                    if item.image
                    else "",
                    "image_alt": item.image_alt,
                    "linked": linked_for_display(item.linked),
                }
            )
        if items:
            sections.append({"title": section.title, "items": items})
    if newsletter.status == newsletter.Status.CONCEPT or (
        newsletter.status == newsletter.Status.SCHEDULED and not newsletter.agenda
    ):
        agenda = agenda_entries(start=agenda_start(newsletter=newsletter))
    else:
        agenda = newsletter.agenda
    intro_html = markdown_to_html(newsletter.intro)
    # The mail greets the reader itself; the intro's own greeting would be a second one.
    intro_mail = markdown_to_html(intro_without_greeting(newsletter.intro))
    closing_html = markdown_to_html(newsletter.closing)
    return RenderedEdition(
        newsletter=newsletter,
        intro_html=intro_html,
        intro_mail_html=html_for_mail(intro_mail),
        intro_text=html_to_text(intro_mail),
        sections=sections,
        agenda=_agenda_for_display(agenda),
        closing_html=closing_html,
        closing_mail_html=html_for_mail(closing_html),
        closing_text=html_to_text(closing_html),
    )


# Stand-ins rendered into the mail once per edition and replaced per reader: rendering the
# templates for every one of thousands of readers would cost more than sending.
_NAME = "\ue000first-name\ue000"
_UNSUBSCRIBE = "\ue000unsubscribe-url\ue000"


def _templates(edition: RenderedEdition, *, greeted: bool) -> tuple[str, str]:
    cache = edition.rendered
    if greeted not in cache:
        newsletter = edition.newsletter
        context = {
            "edition": edition,
            "newsletter": newsletter,
            "first_name": _NAME if greeted else "",
            "web_url": absolute_url(newsletter.get_absolute_url()),
            "unsubscribe_url": _UNSUBSCRIBE,
            "site_url": site_url(),
        }
        # Every reader gets the site's language, whoever previews or sends it.
        with mail_translation():
            cache[greeted] = (
                html_links_tracked(
                    render_to_string("newsletters/mail/edition.html", context),
                    newsletter_id=newsletter.pk,
                    links=edition_links(edition),
                ),
                text_links_tracked(
                    render_to_string("newsletters/mail/edition.txt", context),
                    newsletter_id=newsletter.pk,
                    links=edition_links(edition),
                ),
            )
    return cache[greeted]


def mail_render(*, edition: RenderedEdition, subscription=None, first_name: str = "") -> dict:
    """Subject, HTML, text and headers of the mail for one reader (or a preview without one)."""
    reader = mail_reader(edition=edition, subscription=subscription)
    unsubscribe_url = reader["unsubscribe_url"]
    html, text = _templates(edition, greeted=bool(first_name))
    html = html.replace(_NAME, escape(first_name)).replace(_UNSUBSCRIBE, escape(unsubscribe_url))
    text = text.replace(_NAME, first_name).replace(_UNSUBSCRIBE, unsubscribe_url)
    return {
        "subject": edition.newsletter.title,
        "html": html,
        "text": text,
        "headers": reader["headers"],
        "web_url": reader["web_url"],
        "unsubscribe_url": unsubscribe_url,
    }


def mail_reader(*, edition: RenderedEdition, subscription=None) -> dict:
    """The reader's own parts of the mail besides the first name: the unsubscribe URL and the
    headers (mail_render puts them in the mail; a sending batch fills them in, see
    `mail_template_parts`)."""
    from .tokens import unsubscribe_token

    parts = _edition_urls(edition)
    if subscription is not None:
        unsubscribe_url = _unsubscribe_url(parts, unsubscribe_token(subscription))
    else:
        unsubscribe_url = parts["subscribe"]
    headers = {}
    if subscription is not None:
        # RFC 2369 and RFC 8058: one-click unsubscribe by POST to the URL, or by mail.
        headers = {
            "List-Unsubscribe": (
                f"<{unsubscribe_url}>, <mailto:{_mailto_address(subscription)}?subject=unsubscribe>"
            ),
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": _list_id(edition),
            "Precedence": "bulk",
        }
    return {"unsubscribe_url": unsubscribe_url, "headers": headers, "web_url": parts["web"]}


def mail_template_parts(*, edition: RenderedEdition, greeted: bool) -> tuple[str, str, dict]:
    """The edition's HTML and text with the reader's stand-ins still in them, and the stand-ins
    ({"name": …, "unsubscribe": …}): mail_render replaces them with the first name and the
    unsubscribe URL (HTML-escaped in the HTML)."""
    html, text = _templates(edition, greeted=greeted)
    return html, text, {"name": _NAME, "unsubscribe": _UNSUBSCRIBE}


# A token stand-in for reversing the unsubscribe URL once per edition (ASCII: reverse() quotes it
# as it is); each reader's token is quoted as reverse() would and put in its place.
_TOKEN = "token-stand-in"


def _edition_urls(edition: RenderedEdition) -> dict:
    """The edition's URLs that are the same for every reader, reversed once per edition (reverse()
    per reader cost as much as filling in the whole mail)."""
    cache = edition.rendered
    if "urls" not in cache:
        unsubscribe = absolute_url(reverse("newsletters:unsubscribe", kwargs={"token": _TOKEN}))
        cache["urls"] = {
            "web": absolute_url(edition.newsletter.get_absolute_url()),
            "subscribe": absolute_url(reverse("newsletters:subscribe")),
            "unsubscribe": unsubscribe.split(_TOKEN) if unsubscribe.count(_TOKEN) == 1 else None,
        }
    return cache["urls"]


def _unsubscribe_url(parts: dict, token: str) -> str:
    if parts["unsubscribe"] is None or not token or "/" in token:
        return absolute_url(reverse("newsletters:unsubscribe", kwargs={"token": token}))
    before, after = parts["unsubscribe"]
    return before + quote(token, safe=RFC3986_SUBDELIMS + "/~:@") + after


def _list_id(edition: RenderedEdition) -> str:
    """RFC 2919 List-Id of the edition's list: its name and `<slug>.lists.<site host>`, so a
    reader's mail program can tell the lists apart and filter each."""
    cache = edition.rendered
    if "list_id" not in cache:
        newsletter_list = edition.newsletter.newsletter_list
        cache["list_id"] = formataddr(
            (newsletter_list.name, f"{newsletter_list.slug}.lists.{site_host()}"), charset="utf-8"
        )
    return cache["list_id"]


def _mailto_address(subscription) -> str:
    """On the bounce mailbox with the subscription's token, where it is read and acted on
    (newsletters/verp.py); without MAIL_BOUNCE_ADDRESS the secretariat's address, read by hand."""
    from email.utils import parseaddr

    from .verp import unsubscribe_mailto

    return (
        unsubscribe_mailto(subscription)
        or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
        or "secretariaat@vzhg.nl"
    )
