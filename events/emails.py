"""Every mail events sends, rendered here: the mails about a registration (confirmed, waitlisted,
promoted, changed, cancelled) and the secretariat's mails (invitation, reminder, cancellation
notice: templates/events/staff/mail/).

Each is personal, rendered in the site's default language (settings.LANGUAGE_CODE, Dutch),
multipart (text + HTML) and, where the person has a place, carries an .ics invitation. They go
through the outbox (vzhg.mail.services.mail_queue), which hands them to Celery after the
transaction commits.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from vzhg.mail.language import mail_translation
from vzhg.mail.services import mail_lazy_change, mail_queue, mail_queue_lazy, mail_reference
from vzhg.site import absolute_url

from . import ics
from .checkin import checkin_qr_png, checkin_url
from .tokens import cancel_token_make

MAIL_KIND = "events.registration"
# The mails about a registration's workshops: a place from a workshop's waiting list, and the
# result of the allocation after closing.
# The mails that confirm a place: they carry the .ics and the check-in QR code.
PLACE_KINDS = ("confirmed", "promoted", "changed", "workshop", "allocated")
# The mails that give the place carry the QR code as an image too; the others carry its link.
QR_KINDS = ("confirmed", "promoted")
WORKSHOP_MAIL_KINDS = {"workshop": "events.workshop.assigned", "allocated": "events.workshop.allocated"}
# The mails that list the member's own answers to the event's questions ("Je antwoorden").
ANSWER_KINDS = ("confirmed", "promoted", "changed")


# --- the secretariat's mails ----------------------------------------------------------------------


@dataclass
class RenderedMail:
    subject: str
    text: str
    html: str


def staff_mail_render(template: str, context: dict, *, subject: str = "") -> RenderedMail:
    """templates/events/staff/mail/<template>_{subject,text,html}: personal, Dutch, multipart.
    `subject`: the secretariat's own, instead of the template's."""
    with mail_translation():
        base = f"events/staff/mail/{template}"
        subject = subject or " ".join(render_to_string(f"{base}_subject.txt", context).split())
        context = {**context, "subject": subject}  # the HTML part's <title>
        return RenderedMail(
            subject=subject,
            text=render_to_string(f"{base}.txt", context),
            html=render_to_string(f"{base}.html", context),
        )


def event_context(event) -> dict:
    return {"event": event, "event_url": absolute_url(event.get_absolute_url())}


# --- the mails about a registration ----------------------------------------------------------------


@dataclass
class AnswerLines:
    """The member's own answers as a mail lists them: (question, answer) in question order, and
    whether answers to sensitive questions were left out."""

    lines: list[tuple[str, str]]
    confidential: bool = False


def registration_answer_lines(*, registration, answers: list | None = None) -> AnswerLines:
    """The answers of a registration for its mail ("Lunch: ja"), without the answers to questions
    marked sensitive (dieetwensen): a mail's copy stays in the outbox after the retention job has
    cleared them, so the mail only says that they are not in it. `answers`: the registration's
    Answer rows with their questions when the caller has them (prefetched counts too); otherwise
    one query."""
    if answers is None:
        prefetched = getattr(registration, "_prefetched_objects_cache", {})
        answers = list(
            registration.answers.all()
            if "answers" in prefetched
            else registration.answers.select_related("question")
        )
    lines = [(answer.question.label, answer.display) for answer in answers if not answer.question.sensitive]
    return AnswerLines(lines=lines, confidential=any(answer.question.sensitive for answer in answers))


def _subject(kind: str, title: str) -> str:
    subjects = {
        "confirmed": _("Registration confirmed: %(title)s"),
        "waitlisted": _("On the waiting list: %(title)s"),
        "promoted": _("A place has become free: %(title)s"),
        "changed": _("Registration changed: %(title)s"),
        "cancelled": _("Registration cancelled: %(title)s"),
        "workshop": _("Your workshop: %(title)s"),
        "allocated": _("Your workshops: %(title)s"),
    }
    return subjects[kind] % {"title": title}


def registration_mail_queue(
    *, registration, kind: str, reason: tuple[str, str] | None = None, lazy: bool = False
):
    """Queue the mail of `kind` for a registration (inside the caller's transaction).

    `reason` is the (code, workshop title) of a waiting-list placement; it is worded here, in
    the mail's language. `lazy` (registration_create, in a rush): a lazy outbox row that renders
    nothing now; the worker builds the mail when it sends it (registration_mails_build), from what
    decides its content: the registration, the kind, its status and the reason as decided here.
    """
    person = registration.person
    if person is None or not person.email:
        return None
    if kind in ("changed", "cancelled", "workshop"):
        # The person's calendar entry changes: its next version needs a higher SEQUENCE.
        from .lifecycle import event_ics_sequence_bump

        event_ics_sequence_bump(event=registration.event)
    if lazy:
        return mail_queue_lazy(
            to=person.email,
            kind=WORKSHOP_MAIL_KINDS.get(kind, f"{MAIL_KIND}.{kind}"),
            reference=mail_reference(registration),
            **_lazy_content(registration=registration, kind=kind, reason=reason),
        )
    choices = list(registration.choices.select_related("session", "round").order_by("round__number"))
    rendered, attachments = registration_mail_render(
        registration=registration, kind=kind, choices=choices, reason=reason
    )
    return mail_queue(
        to=person.email,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        attachments=attachments,
        kind=WORKSHOP_MAIL_KINDS.get(kind, f"{MAIL_KIND}.{kind}"),
        reference=mail_reference(registration),
    )


def _lazy_content(*, registration, kind: str, reason: tuple[str, str] | None) -> dict:
    """A lazy registration mail's subject and what its builder needs."""
    with mail_translation(recipient=registration.person):
        subject = _subject(kind, registration.event.title)
    return {
        "subject": subject,
        "build": {
            "registration": registration.pk,
            "kind": kind,
            "status": registration.status,
            "reason": list(reason) if reason else None,
        },
    }


def registration_mail_redecide(*, mail, registration, kind: str, reason: tuple[str, str] | None) -> None:
    """A lazy mail queued before its registration was decided (registration_create) and decided
    otherwise: the same outbox row, now about `kind` (in the same transaction, before it is
    handed over after commit)."""
    mail_lazy_change(
        mail=mail,
        kind=WORKSHOP_MAIL_KINDS.get(kind, f"{MAIL_KIND}.{kind}"),
        **_lazy_content(registration=registration, kind=kind, reason=reason),
    )


def registration_mails_build(mails: list) -> dict:
    """The builder of the lazy registration mails (vzhg/mail/builders.py), run by the worker when
    it sends them: per outbox row its content, or why it is not sent (the registration is gone, or
    its person: erased, anonymised). Three queries for a batch, however large."""
    from django.db.models import Prefetch

    from vzhg.mail.builders import Built

    from .models import Registration, SessionChoice

    found = {
        registration.pk: registration
        for registration in Registration.objects.filter(
            pk__in={mail.build.get("registration") for mail in mails}
        )
        .select_related("person__organisation", "person__user", "event", "organisation")
        .prefetch_related(
            Prefetch(
                "choices",
                queryset=SessionChoice.objects.select_related("session", "round").order_by("round__number"),
            )
        )
    }
    results: dict = {}
    for mail in mails:
        spec = mail.build
        registration = found.get(spec.get("registration"))
        if registration is None:
            results[mail.pk] = _("Not sent: the registration it was about no longer exists.")
            continue
        if registration.person is None or registration.anonymised_at is not None:
            results[mail.pk] = _("Not sent: the person of the registration has been removed.")
            continue
        registration.status = spec["status"]  # the content as it was decided, whatever came since
        reason = tuple(spec["reason"]) if spec.get("reason") else None
        choices = list(registration.choices.all())
        rendered, attachments = registration_mail_render(
            registration=registration, kind=spec["kind"], choices=choices, reason=reason
        )
        results[mail.pk] = Built(
            text=rendered.text, html=rendered.html, attachments=attachments, subject=rendered.subject
        )
    return results


# Every kind registration_mail_queue(lazy=True) may queue (registration_create uses the first two).
LAZY_MAIL_KINDS = [
    WORKSHOP_MAIL_KINDS.get(kind, f"{MAIL_KIND}.{kind}")
    for kind in ("confirmed", "waitlisted", "promoted", "changed", "cancelled", "workshop", "allocated")
]


def registration_mail_render(
    *,
    registration,
    kind: str,
    choices: list,
    reason: tuple[str, str] | None = None,
    answers: list | None = None,
) -> tuple[RenderedMail, list[tuple[str, bytes, str]]]:
    """The mail of `kind` for a registration with a person and an address, and its attachments;
    no queries of its own (`choices`: its SessionChoice rows with session and round, in round
    order), so a batch can render many (events/allocation_send.py). The mails that confirm a
    place (ANSWER_KINDS) list the member's answers: `answers` as registration_answer_lines takes
    them (without them, one query)."""
    from .services import waitlist_reason_text

    person = registration.person
    event = registration.event
    with_place = kind in PLACE_KINDS and registration.status == registration.Status.CONFIRMED
    with mail_translation(recipient=person):
        context = {
            "kind": kind,
            "person": person,
            "event": event,
            "registration": registration,
            "choices": choices,
            "reason": waitlist_reason_text(*reason) if reason else "",
            "event_url": absolute_url(event.get_absolute_url()),
            "change_url": absolute_url(reverse("events:registration_change", kwargs={"pk": registration.pk})),
            "cancel_url": absolute_url(
                reverse("events:cancel_token", kwargs={"token": cancel_token_make(registration=registration)})
            ),
            "mine_url": absolute_url(reverse("events:mine")),
            # "Wijzig je workshopkeuze" only where there are workshops to choose, otherwise
            # "Wijzig je aanmelding" (no query: choices, or ranked workshops, show them).
            "has_workshops": bool(choices) or bool(event.workshop_ranks),
            # The door's check-in link (its QR code is attached) for a confirmed place at an
            # event with a door (not online-only: Event.has_door).
            "checkin_url": checkin_url(registration=registration) if with_place and event.has_door else "",
            # The meeting link goes only to people with a confirmed place.
            "show_online_url": registration.status == registration.Status.CONFIRMED
            and kind in ("confirmed", "promoted", "changed", "workshop", "allocated")
            and bool(event.online_url),
            "answers": registration_answer_lines(registration=registration, answers=answers)
            if kind in ANSWER_KINDS and with_place
            else None,
        }
        subject = _subject(kind, event.title)
        text = render_to_string("events/email/registration.txt", context)
        html = render_to_string("events/email/registration.html", context)
        attachments = []
        if with_place:
            description = render_to_string("events/email/ics_description.txt", context).strip()
            attachments.append(
                (
                    "uitnodiging.ics",
                    ics.registration_ics(
                        registration=registration, method="REQUEST", description=description
                    ),
                    ics.content_type("REQUEST"),
                )
            )
            if kind in QR_KINDS and context["checkin_url"]:
                attachments.append(("inchecken.png", checkin_qr_png(url=context["checkin_url"]), "image/png"))
        elif kind == "cancelled":
            attachments.append(
                (
                    "afmelding.ics",
                    ics.registration_ics(registration=registration, method="CANCEL"),
                    ics.content_type("CANCEL"),
                )
            )
    return RenderedMail(subject=subject, text=text, html=html), attachments
