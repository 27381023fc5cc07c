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

from . import selectors
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
    """The confirmed registrants in name order, with organisation, workshops and remarks."""
    registrations = list(selectors.confirmed_registrations(event=event))
    return _cached_pdf(
        template_name="pdf/events_attendees.html",
        context={"event": event, "registrations": registrations, "rounds": list(event.rounds.all())},
    )


def badges_pdf(*, event: Event) -> bytes:
    """A name badge per confirmed registrant, eight to an A4 page."""
    registrations = list(selectors.confirmed_registrations(event=event))
    pages = [registrations[i : i + BADGES_PER_PAGE] for i in range(0, len(registrations), BADGES_PER_PAGE)]
    return _cached_pdf(template_name="pdf/events_badges.html", context={"event": event, "pages": pages})
