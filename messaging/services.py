"""Writes of messaging: draft a message, check and attach files, test it, send it exactly once.

Sending (`message_send`) locks the message row, so two clicks on "Send" (two requests) send
once: the second finds it no longer a draft and is refused. The request only records the send;
the worker prepares the outbox rows (messaging.sending). Every recipient is one
MessageRecipient row (unique per message and address) linked to its outbox row, whose status
is the delivery's (queued → sending → sent / failed with the reason), or marked undeliverable
(skipped, no mail).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from members.models import Person
from vzhg.errors import ServiceError
from vzhg.mail.attachments import StoredAttachment
from vzhg.mail.language import mail_translation
from vzhg.mail.services import mail_queue, mail_reference
from vzhg.markdown import markdown_to_html
from vzhg.merge import merge_fields_fill, merge_texts_check, merge_values_person
from vzhg.site import absolute_url
from vzhg.uploads import office_file_check

from .audiences import PEOPLE, audience_get, source_parse
from .models import Message, MessageAttachment, MessageTemplate, SalutationStyle
from .selectors import message_reach_count

# All attachments of one message together: what a mail may carry (stored once; the outbox rows name the file).
MAX_ATTACHMENTS_MB = 10
ALLOWED_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_OOXML_MAIN = {"docx": b"wordprocessingml.document.main+xml", "xlsx": b"spreadsheetml.sheet.main+xml"}
PERSON_FIELDS = frozenset({"aanhef", "voornaam", "achternaam", "naam", "gemeente", "functie"})


# --- merge fields ---------------------------------------------------------------------------------


def message_allowed_fields(*, audience: str) -> frozenset[str]:
    """The fields a message to `audience` may use: about the person, and about its source."""
    found = audience_get(audience)
    return PERSON_FIELDS | (found.merge_fields if found is not None else frozenset())


def message_texts_check(*, subject: str, body: str, audience: str) -> None:
    """Raise ValidationError (per field) for an unknown merge field in the subject or text."""
    merge_texts_check({"subject": subject, "body": body}, allowed=message_allowed_fields(audience=audience))


def template_texts_check(*, subject: str, body: str) -> None:
    merge_texts_check({"subject": subject, "body": body})


def _source_values(source) -> dict[str, str]:
    """The fields about what the message is about (an event; a meeting; nothing)."""
    if source is None:
        return {}
    values = {}
    starts_at = getattr(source, "starts_at", None)
    if starts_at is not None:
        values["datum"] = date_format(timezone.localtime(starts_at), "DATE_FORMAT")
    if source._meta.label_lower == "events.event":
        values["evenement"] = source.title
        values["mijn-aanmelding"] = absolute_url(reverse("events:mine"))
    if source._meta.label_lower == "governance.meeting":
        values["vergadering"] = source.title
    return values


def _formal(message: Message) -> bool | None:
    if message.salutation_style == SalutationStyle.FORMAL:
        return True
    if message.salutation_style == SalutationStyle.INFORMAL:
        return False
    return None  # by the person's function


@dataclass
class RenderedMessage:
    subject: str
    text: str
    html: str
    body_html: str  # the sanitised text with the fields filled, for the preview in the admin


def message_render(
    *, message: Message, person: Person, source=None, markdown_html: str | None = None
) -> RenderedMessage:
    """The message as `person` receives it, merge fields filled, in the mail's language.
    `markdown_html`: the text already turned into HTML (once per batch, not once per person)."""
    with mail_translation(recipient=person):
        values = {**merge_values_person(person, formal=_formal(message)), **_source_values(source)}
        subject = " ".join(merge_fields_fill(message.subject, values).split())
        text = merge_fields_fill(message.body, values)
        if markdown_html is None:
            markdown_html = markdown_to_html(message.body)
        body_html = merge_fields_fill(markdown_html, values, html=True)
        html = render_to_string("messaging/email/message.html", {"subject": subject, "body_html": body_html})
    return RenderedMessage(subject=subject, text=text, html=html, body_html=body_html)


# --- drafts ---------------------------------------------------------------------------------------


@transaction.atomic
def message_create(
    *,
    audience: str,
    subject: str,
    body: str,
    actor,
    source: str = "",
    people: list[Person] | None = None,
    reply_to: str = "",
    salutation_style: str = SalutationStyle.AUTO,
    template: MessageTemplate | None = None,
    draft: bool = False,
) -> Message:
    """A draft message (checked: audience known, merge fields known). `draft`: subject and text
    may still be empty (the people list's action opens the composer with the people chosen)."""
    if audience != PEOPLE and audience_get(audience) is None:
        raise ServiceError(_("Unknown audience."), code="unknown_audience")
    if template is not None:
        subject, body, salutation_style = template.subject, template.body, template.salutation_style
    message = Message(
        audience=audience,
        source=source,
        subject=subject,
        body=body,
        reply_to=reply_to,
        salutation_style=salutation_style,
        template=template,
        created_by=actor,
    )
    message_texts_check(subject=subject, body=body, audience=audience)
    if not draft:
        message.full_clean(exclude=["people"])
    message.save()
    if people:
        message.people.set(people)
    return message


def people_from_addresses(*, text: str) -> tuple[list[Person], list[str]]:
    """The known people among pasted addresses (any separator), and the addresses not known."""
    addresses = {a.lower() for a in re.findall(r"[^\s,;<>()\"']+@[^\s,;<>()\"']+", text or "")}
    people = list(Person.objects.filter(email__in=addresses))
    known = {person.email.lower() for person in people}
    return people, sorted(addresses - known)


def attachment_check(*, uploaded) -> str:
    """Check an upload like a meeting document (type by content, Office files by their ZIP
    directory). Returns its content type or raises ServiceError."""
    name = uploaded.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED_TYPES:
        raise ServiceError(
            _("%(name)s: only PDF, Word (.docx) and Excel (.xlsx) files can be attached.") % {"name": name}
        )
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    if extension == "pdf":
        if not head.startswith(b"%PDF-"):
            raise ServiceError(_("%(name)s is not a PDF file, whatever its name says.") % {"name": name})
    else:
        try:
            office_file_check(
                uploaded,
                name=name,
                main_content_type=_OOXML_MAIN[extension],
                kind="Word" if extension == "docx" else "Excel",
            )
        except ValidationError as error:
            raise ServiceError(" ".join(error.messages)) from error
    return ALLOWED_TYPES[extension]


@transaction.atomic
def attachment_add(*, message: Message, uploaded) -> MessageAttachment:
    if message.status != Message.Status.DRAFT:
        raise ServiceError(_("This message has been sent; it can no longer change."), code="sent")
    content_type = attachment_check(uploaded=uploaded)
    total = sum(message.attachments.values_list("size", flat=True)) + uploaded.size
    if total > MAX_ATTACHMENTS_MB * 1024 * 1024:
        raise ServiceError(
            _("The attachments together would be %(size).1f MB; a message may carry %(limit)d MB.")
            % {"size": total / 1024 / 1024, "limit": MAX_ATTACHMENTS_MB},
            code="too_large",
        )
    return MessageAttachment.objects.create(
        message=message, file=uploaded, name=uploaded.name, content_type=content_type, size=uploaded.size
    )


def message_attachments(message: Message) -> list[StoredAttachment]:
    """The message's files, attached by reference: stored once, however many recipients."""
    return [
        StoredAttachment(
            filename=attachment.name, path=attachment.file.name, mimetype=attachment.content_type
        )
        for attachment in message.attachments.all()
    ]


def message_headers(message: Message) -> dict:
    headers = {"Auto-Submitted": "no"}  # written by a person: out-of-office replies are welcome
    if message.reply_to:
        headers["Reply-To"] = message.reply_to
    return headers


# --- sending --------------------------------------------------------------------------------------


@transaction.atomic
def message_test_send(*, message: Message, as_person: Person, addresses: list[str], actor) -> int:
    """The message as `as_person` receives it, to each of `addresses` (staff), marked as a test."""
    rendered = message_render(message=message, person=as_person, source=source_parse(message.source))
    attachments = message_attachments(message)
    addresses = sorted({address.strip().lower() for address in addresses if address and address.strip()})
    for address in addresses:
        mail_queue(
            to=address,
            subject=_("[Test] %(subject)s") % {"subject": rendered.subject},
            text=rendered.text,
            html=rendered.html,
            headers=message_headers(message),
            attachments=attachments,
            kind="messaging.message.test",
            reference=mail_reference(message),
        )
    return len(addresses)


def message_send(*, message_id: int, actor) -> int:
    """Record that the message is to be sent, and hand it to the worker after commit
    (messaging.sending prepares one outbox row per recipient, batch by batch). Returns the number
    of recipients (one per deliverable address; `skipped_count` on the message: how many
    undeliverable addresses are skipped). A second call (a double click) is refused: the row is
    locked and found no longer a draft. A broker that is away is no error: the message stays
    pending and the sweep hands it over."""
    from .sending import message_dispatch

    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        if message.status != Message.Status.DRAFT:
            raise ServiceError(_("This message has already been sent."), code="already_sent")
        reach = message_reach_count(message=message)
        if not reach.recipients:
            raise ServiceError(
                _("This message reaches nobody: no recipient has a deliverable e-mail address."),
                code="empty",
            )
        now = timezone.now()
        message.status = Message.Status.PENDING
        message.recipient_count = reach.recipients
        message.skipped_count = reach.undeliverable
        message.sent_by = actor if getattr(actor, "pk", None) else None
        message.sent_at = message.requested_at = now
        message.save(
            update_fields=["status", "recipient_count", "skipped_count", "sent_by", "sent_at", "requested_at"]
        )
        message_dispatch(message_id=message.pk, on_commit=True)
    return reach.recipients
