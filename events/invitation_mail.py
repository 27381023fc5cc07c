"""The invitation mail, in the secretariat's own words or in the standard ones.

The secretariat may give its own subject and its own Markdown text, with the merge fields of
`vzhg.merge` ("{aanhef}", "{voornaam}", "{evenement}"…). The fixed block stays under the own
text: the event's summary, date and place, the link to the programme and registration, and the
greeting at the end. The mail opens with the formal salutation ("Geachte heer Jansen,") unless
the own text starts with `{aanhef}` itself. Without an own text the mail is the standard one.

The text is prepared once per mailing (`invitation_texts_prepare`: Markdown to sanitised HTML,
the same sanitiser the messaging composer uses) and filled in per person
(`invitation_mail_render`), so the worker does not convert Markdown for every recipient.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe

from vzhg.mail.language import mail_translation
from vzhg.markdown import markdown_to_html
from vzhg.merge import MERGE_FIELDS, merge_fields_check, merge_fields_fill, merge_values_person
from vzhg.site import absolute_url

from .emails import RenderedMail, event_context, staff_mail_render

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
    errors = {}
    for field, text in (("subject", subject), ("body", body)):
        try:
            merge_fields_check(text, allowed=INVITATION_MERGE_FIELDS)
        except ValidationError as error:
            errors[field] = error
    if errors:
        raise ValidationError(errors)


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
    return {
        **merge_values_person(person),
        "evenement": event.title,
        "datum": date_format(timezone.localtime(event.starts_at), "DATE_FORMAT"),
        "mijn-aanmelding": absolute_url(reverse("events:mine")),
    }


def invitation_mail_render(*, event, person, texts: InvitationTexts | None = None) -> InvitationMail:
    """The invitation as `person` receives it: the standard mail, or the own subject and text
    with the merge fields filled in above the fixed block."""
    texts = texts or InvitationTexts()
    context = {**event_context(event), "person": person}
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
