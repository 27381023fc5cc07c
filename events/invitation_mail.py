"""The invitation mail, in the secretariat's own words or in the standard ones.

The secretariat may give its own subject and its own Markdown text, with the merge fields of
`vzhg.merge` ("{aanhef}", "{voornaam}", "{evenement}"…). The fixed block stays under the own
text: the event's summary, date and place, the link to the programme and registration, and the
greeting at the end. The mail opens with the formal salutation ("Geachte heer Jansen,") unless
the own text starts with `{aanhef}` itself. Without an own text the mail is the standard one.

The text is prepared once per mailing (`invitation_texts_prepare`: Markdown to sanitised HTML,
the same sanitiser the messaging composer uses) and filled in per person
(`invitation_mail_render`), so the worker does not convert Markdown for every recipient.

A mailing goes faster still (`invitation_mails_render`): the templates are rendered once per
batch with stand-ins for the per-person parts (the salutation, the own text with its merge fields
filled, the subject), and each person's values are put in their place: HTML-escaped in the HTML
part, plain in the text part, exactly as the template would write them. The first person of
every batch is also rendered in full and compared; on any difference, or when a template or text
needs something the stand-ins cannot give, the batch is rendered in full person by person.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe

from vzhg.mail.language import mail_translation
from vzhg.markdown import markdown_to_html
from vzhg.merge import (
    MERGE_FIELDS,
    merge_fields_fill,
    merge_texts_check,
    merge_values_person,
    person_salutation,
)
from vzhg.site import absolute_url

from .emails import RenderedMail, event_context, staff_mail_render

logger = logging.getLogger(__name__)

# Every field about the person and about the event; an invitation is about no meeting.
INVITATION_MERGE_FIELDS = frozenset(MERGE_FIELDS) - {"vergadering"}
# An HTML tag or comment typed into the text: kept out of the text part (the HTML part is
# sanitised by markdown_to_html). Markdown's autolinks (<https://…>) are no tags and stay.
_HTML_TAG = re.compile(r"<!--.*?-->|</?[A-Za-z][A-Za-z0-9-]*(\s[^<>]*)?/?>", re.S)
_GREETS = re.compile(r"^\s*\{aanhef\}")


@dataclass(frozen=True)
class InvitationTexts:
    """The secretariat's own subject and text of one send, prepared once."""

    subject: str = ""
    body: str = ""
    body_text: str = ""  # the text part: Markdown as typed, without HTML tags
    body_html: str = ""  # the HTML part: sanitised HTML, merge fields not yet filled


@dataclass
class InvitationMail(RenderedMail):
    body_html: str = ""  # the own text as the HTML part shows it, filled in (for the preview)


def invitation_subject_default(*, event) -> str:
    """Today's standard subject ("Uitnodiging: <title>"), written so that it can be the own
    subject: a brace in the title is doubled, so it is no merge field."""
    with mail_translation():
        subject = render_to_string("events/staff/mail/invitation_subject.txt", {"event": event})
    subject = " ".join(subject.split())
    return subject.replace("{", "{{").replace("}", "}}")


def invitation_texts_check(*, subject: str, body: str) -> None:
    """Raise ValidationError (per field: "subject", "body") naming an unknown merge field and the
    known ones, as the messaging composer does."""
    merge_texts_check({"subject": subject, "body": body}, allowed=INVITATION_MERGE_FIELDS)


def invitation_texts_prepare(*, subject: str = "", body: str = "") -> InvitationTexts:
    subject, body = " ".join((subject or "").split()), (body or "").strip()
    if not body:
        return InvitationTexts(subject=subject)
    return InvitationTexts(
        subject=subject,
        body=body,
        body_text=_HTML_TAG.sub("", body),
        body_html=markdown_to_html(body),
    )


def invitation_merge_values(*, event, person) -> dict[str, str]:
    """The fields about the recipient and the event (call inside the mail's language)."""
    return {**merge_values_person(person), **_event_values(event)}


def _event_values(event) -> dict[str, str]:
    return {
        "evenement": event.title,
        "datum": date_format(timezone.localtime(event.starts_at), "DATE_FORMAT"),
        "mijn-aanmelding": absolute_url(reverse("events:mine")),
    }


def invitation_mail_render(*, event, person, texts: InvitationTexts | None = None) -> InvitationMail:
    """The invitation as `person` receives it: the standard mail, or the own subject and text
    with the merge fields filled in above the fixed block."""
    texts = texts or InvitationTexts()
    context = {**event_context(event), "person": person}
    with mail_translation():
        context["salutation"] = person_salutation(person)
    if not (texts.subject or texts.body):
        mail = staff_mail_render("invitation", context)
        return InvitationMail(subject=mail.subject, text=mail.text, html=mail.html)
    with mail_translation():
        values = invitation_merge_values(event=event, person=person)
        body_html = merge_fields_fill(texts.body_html, values, html=True)
        if texts.body:
            context |= {
                "own_text": merge_fields_fill(texts.body_text, values).strip(),
                "own_html": mark_safe(body_html),  # sanitised, fields escaped  # noqa: S308
                "greet": not _GREETS.match(texts.body),
            }
        subject = " ".join(merge_fields_fill(texts.subject, values).split()) if texts.subject else ""
    mail = staff_mail_render("invitation", context, subject=subject)
    return InvitationMail(subject=mail.subject, text=mail.text, html=mail.html, body_html=body_html)


# --- a mailing: the templates rendered once per batch, the per-person parts filled in ------------

# A stand-in in the rendered templates: private-use characters that no template writes.
_SLOT = re.compile("\ue000([a-z_]+)\ue001")
_SLOTS_TEXT = frozenset({"salutation", "own_text"})
_SLOTS_HTML = frozenset({"salutation", "subject", "own_html"})


def _slot(name: str) -> str:
    return f"\ue000{name}\ue001"


@dataclass(frozen=True)
class _Stamp:
    """An invitation rendered once with stand-ins, and what is the same for everybody."""

    texts: InvitationTexts
    subject: str  # the standard subject, when the own one is missing or fills in empty
    event_values: dict[str, str]
    text: str
    html: str


def _stamp_prepare(*, event, texts: InvitationTexts) -> _Stamp | None:
    """None when the rendered templates hold a stand-in in a place the fill cannot serve."""
    context = {**event_context(event), "salutation": _slot("salutation")}
    if texts.body:
        context |= {
            "own_text": _slot("own_text"),
            "own_html": mark_safe(_slot("own_html")),  # noqa: S308 - a stand-in
            "greet": not _GREETS.match(texts.body),
        }
    with mail_translation():
        subject = " ".join(
            render_to_string("events/staff/mail/invitation_subject.txt", event_context(event)).split()
        )
        event_values = _event_values(event)
    mail = staff_mail_render("invitation", context, subject=_slot("subject"))
    for part, allowed in ((mail.text, _SLOTS_TEXT), (mail.html, _SLOTS_HTML)):
        names = _SLOT.findall(part)
        if part.count("\ue000") != len(names) or not set(names) <= allowed:
            return None
    return _Stamp(texts=texts, subject=subject, event_values=event_values, text=mail.text, html=mail.html)


def _stamp_fill(stamp: _Stamp, *, person) -> InvitationMail | None:
    """`person`'s invitation from the stamp (call inside the mail's language); None when the
    template would take another branch for this person (an own text that fills in empty)."""
    texts = stamp.texts
    # Only an own subject or text reads the person's fields (and organisation).
    values = {**merge_values_person(person), **stamp.event_values} if texts.subject or texts.body else {}
    own_text = merge_fields_fill(texts.body_text, values).strip() if texts.body else ""
    if texts.body and not own_text:
        return None
    body_html = merge_fields_fill(texts.body_html, values, html=True)
    subject = (
        " ".join(merge_fields_fill(texts.subject, values).split()) if texts.subject else ""
    ) or stamp.subject
    salutation = person_salutation(person)
    text_values = {"salutation": salutation, "own_text": own_text}
    html_values = {
        "salutation": str(escape(salutation)),
        "subject": str(escape(subject)),
        "own_html": body_html,
    }
    return InvitationMail(
        subject=subject,
        text=_SLOT.sub(lambda match: text_values[match.group(1)], stamp.text),
        html=_SLOT.sub(lambda match: html_values[match.group(1)], stamp.html),
        body_html=body_html,
    )


def invitation_mails_render(*, event, people, texts: InvitationTexts) -> list[InvitationMail]:
    """Each person's invitation, as `invitation_mail_render` gives it, for a batch of a mailing."""
    people = list(people)
    if not people:
        return []
    stamp = _stamp_prepare(event=event, texts=texts)
    mails: list[InvitationMail] = []
    if stamp is not None:
        with mail_translation():
            for person in people:
                mail = _stamp_fill(stamp, person=person)
                mails.append(mail or invitation_mail_render(event=event, person=person, texts=texts))
        if mails[0] != invitation_mail_render(event=event, person=people[0], texts=texts):
            logger.warning(
                "Invitation stamp of event %s differs from the full render; rendering in full", event.pk
            )
            stamp = None
    if stamp is None:
        mails = [invitation_mail_render(event=event, person=person, texts=texts) for person in people]
    return mails
