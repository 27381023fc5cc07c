"""The attendee list and the name badges of an event as PDF, rendered by WeasyPrint and cached.

A render takes seconds for a congress, and the secretariat opens these lists again and again on
the day itself. The bytes are cached under a digest of the HTML they are made from (the
template rendered with the event and its confirmed registrants, in the active language), so a
repeat request costs a template render and a cache read, and any change the PDF would show (a
new or cancelled registration, a changed name, workshop or remark) gives a new key.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import translation

from vzhg.pdf import render_pdf

from . import questions, selectors
from .models import Event

# They name people and their remarks: kept no longer than a working day.
PDF_CACHE_SECONDS = 8 * 60 * 60
BADGES_PER_PAGE = 8


def _cached_pdf(*, template_name: str, context: dict) -> bytes:
    language = translation.get_language() or ""
    html = render_to_string(template_name, context)
    key = "events:pdf:" + hashlib.sha256(f"{template_name}\n{language}\n{html}".encode()).hexdigest()
    pdf = cache.get(key)
    if pdf is None:
        pdf = render_pdf(template_name=template_name, context=context, language=language or None)
        cache.set(key, pdf, PDF_CACHE_SECONDS)
    return pdf


def attendees_pdf(*, event: Event) -> bytes:
    """The confirmed registrants and walk-ins in name order, with organisation, workshops, the answers to the
    event's own questions and remarks."""
    event_questions = questions.event_questions(event=event)
    registrations = list(questions.registrations_with_answers(event=event))
    for registration in registrations:
        cells = questions.answer_cells(registration=registration, questions=event_questions)
        registration.answer_lines = [
            (q.label, cell) for q, cell in zip(event_questions, cells, strict=True) if cell
        ]
    return _cached_pdf(
        template_name="pdf/events_attendees.html",
        context={
            "event": event,
            "registrations": registrations,
            "rounds": list(event.rounds.all()),
            "questions": event_questions,
        },
    )


def badges_pdf(*, event: Event) -> bytes:
    """A name badge per confirmed registrant and walk-in, eight to an A4 page."""
    registrations = list(selectors.attendee_registrations(event=event))
    pages = [registrations[i : i + BADGES_PER_PAGE] for i in range(0, len(registrations), BADGES_PER_PAGE)]
    return _cached_pdf(template_name="pdf/events_badges.html", context={"event": event, "pages": pages})
