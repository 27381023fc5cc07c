"""The minutes (notulen) of a meeting, as a page and, once adopted, as a tagged PDF; the public
archive of held meetings of public bodies. Anything out of reach answers 404."""

import hashlib
import json

from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from governance.models import Minutes
from vzhg.pdf import render_pdf

from . import access as board_access
from . import archive as board_archive
from . import minutes as board_minutes
from . import selectors as board_selectors
from .assembly_record import assembly_record, assembly_record_shown


def minutes_readable(*, access: board_access.Access, meeting, minutes: Minutes | None) -> bool:
    """Concept minutes: the secretariat and the members of the body. Adopted minutes: whoever may
    read the meeting, except that a meeting with confidential items keeps them for its body (as
    its pack)."""
    if minutes is None:
        return False
    if minutes.status != Minutes.Status.ADOPTED:
        return access.staff or access.member
    return access.meeting and (access.member or not any(item.confidential for item in meeting.items.all()))


def _minutes_or_404(request, pk, token):
    meeting = board_selectors.meeting_detail(pk=pk, token=token)
    if meeting is None:
        raise Http404
    access = board_access.Access(user=request.user, meeting=meeting)
    minutes = board_minutes.minutes_of(meeting=meeting)
    if not minutes_readable(access=access, meeting=meeting, minutes=minutes):
        raise Http404
    return meeting, minutes


def _context(meeting, minutes) -> dict:
    return {
        "meeting": meeting,
        "minutes": minutes,
        "html": board_minutes.minutes_html(minutes),
        "attendance": board_minutes.meeting_attendance(meeting=meeting),
        "assembly": assembly_record(meeting=meeting),
    }


@require_GET
def minutes(request, pk, token):
    meeting, minutes = _minutes_or_404(request, pk, token)
    return render(request, "governance/minutes.html", _context(meeting, minutes))


MINUTES_PDF_CACHE_SECONDS = 24 * 3600


@require_GET
def minutes_pdf(request, pk, token):
    """Adopted minutes only, rendered once per content (and language) and kept in the cache."""
    meeting, minutes = _minutes_or_404(request, pk, token)
    if minutes.status != Minutes.Status.ADOPTED:
        raise Http404
    context = _context(meeting, minutes)
    shown = [
        get_language(),
        meeting.pk,
        meeting.title,
        meeting.body.name,
        minutes.text,
        minutes.adopted_at.isoformat() if minutes.adopted_at else None,
        [(line.person.pk, line.person.full_name, line.status) for line in context["attendance"]],
        assembly_record_shown(context["assembly"]),
    ]
    key = "governance:minutes-pdf:" + hashlib.sha256(json.dumps(shown).encode()).hexdigest()
    pdf = cache.get(key)
    if pdf is None:
        pdf = render_pdf(template_name="pdf/governance_minutes.html", context=context)
        cache.set(key, pdf, MINUTES_PDF_CACHE_SECONDS)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="notulen-{meeting.pk}.pdf"'
    return response


@require_GET
def archive(request):
    return render(request, "governance/archive.html", {"bodies": board_archive.public_archive_index()})


@require_GET
def archive_year(request, slug, year):
    body = board_archive.public_archive_body(slug=slug)
    if body is None:
        raise Http404
    meetings = list(board_archive.public_archive_meetings(body=body, year=year))
    if not meetings:
        raise Http404
    return render(request, "governance/archive_year.html", {"body": body, "year": year, "meetings": meetings})
