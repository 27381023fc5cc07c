"""Public board page, board history, and the board portal. Every file goes through a view that
checks who asks; anything out of reach answers 404."""

import hashlib
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from contacts import access as contacts_access
from governance.models import Body, PersonalNote
from vzhg.pdf import render_pdf

from . import access as board_access
from . import actions, assembly_views, extensions, minutes_views, services
from . import selectors as board_selectors
from .assembly_record import assembly_record, assembly_record_shown
from .forms import NoteForm


@require_GET
def board(request):
    return render(
        request,
        "governance/board.html",
        {"mandates": board_selectors.current_board(), "meetings": board_selectors.public_upcoming_meetings()},
    )


@require_GET
def board_history(request):
    return render(request, "governance/board_history.html", {"mandates": board_selectors.board_history()})


@login_required
@require_GET
def portal(request):
    now = timezone.now()
    meetings = board_selectors.meetings_for_user(user=request.user)
    context = {
        "upcoming": meetings.filter(starts_at__gte=now).order_by("starts_at"),
        "past": meetings.filter(starts_at__lt=now).order_by("-starts_at")[:30],
        "actions": list(actions.open_actions_of(user=request.user)),
    }
    for extra in extensions.PORTAL_CONTEXT:  # the workplan and annual report links (reports room)
        context.update(extra(request.user))
    # The signals gathered for the VNG and the province: today's AB/DB and the secretariat.
    # (The board check first: one query, where the permission check loads two for a board member.)
    # Who contacts.access.may_read_signals lets in, asked in this order.
    user = request.user
    context["signals"] = contacts_access.is_board_member(user) or user.has_perm(contacts_access.VIEW_SIGNAL)
    return render(request, "governance/portal.html", context)


def _meeting_or_404(request, pk, token):
    meeting = board_selectors.meeting_detail(pk=pk, token=token)
    if meeting is None:
        raise Http404
    access = board_access.Access(user=request.user, meeting=meeting)
    if not access.meeting:
        raise Http404
    return meeting, access


def _pack_allowed(access, meeting) -> bool:
    return access.member or not any(item.confidential for item in meeting.items.all())


@require_GET
def meeting(request, pk, token):
    meeting, access = _meeting_or_404(request, pk, token)
    items = [item for item in meeting.items.all() if access.item(item)]
    last_seen = services.meeting_view_record(user=request.user, meeting=meeting)
    notes = {}
    if request.user.is_authenticated:
        document_ids = [document.pk for item in items for document in item.current_documents]
        notes = {
            note.document_id: note
            for note in PersonalNote.objects.filter(user=request.user, document_id__in=document_ids)
        }
    rows = []
    for item in items:
        documents = [
            {
                "document": document,
                "new": last_seen is not None and document.uploaded_at > last_seen,
                "note": notes.get(document.pk),
                "form": NoteForm(instance=notes.get(document.pk), prefix=f"d{document.pk}"),
            }
            for document in item.current_documents
        ]
        rows.append(
            {
                "item": item,
                "documents": documents,
                "new": last_seen is not None and item.created_at > last_seen,
            }
        )
    pack = meeting.ready_packs[0] if meeting.ready_packs and _pack_allowed(access, meeting) else None
    return render(
        request,
        "governance/meeting.html",
        {
            "meeting": meeting,
            "rows": rows,
            "pack": pack,
            "pack_new": pack is not None and last_seen is not None and pack.built_at > last_seen,
            "last_seen": last_seen,
            "access": access,
            "can_note": request.user.is_authenticated and access.member,
            "motions": _motions(meeting),
            "assembly": assembly_views.meeting_links(user=request.user, meeting=meeting),
            "minutes": _minutes_shown(access, meeting),
        },
    )


def _minutes_shown(access, meeting):
    minutes = getattr(meeting, "minutes", None)
    return (
        minutes if minutes_views.minutes_readable(access=access, meeting=meeting, minutes=minutes) else None
    )


def _motions(meeting):
    """Only the general assembly (ALV) handles motions; other meetings cost no query."""
    return board_selectors.meeting_motions(meeting=meeting) if meeting.body.kind == Body.Kind.ALV else []


def _decision_items(request, pk, token):
    meeting, access = _meeting_or_404(request, pk, token)
    return meeting, [item for item in meeting.items.all() if access.item(item)]


@require_GET
def decisions(request, pk, token):
    meeting, items = _decision_items(request, pk, token)
    motions = _motions(meeting)
    context = {
        "meeting": meeting,
        "items": items,
        "motions": motions,
        "assembly": assembly_record(meeting=meeting),
    }
    return render(request, "governance/decisions.html", context)


# The public list of decisions is asked for anonymously, often; it is rendered once per content
# (what it shows, in the current language) and kept in the cache.
DECISIONS_PDF_CACHE_SECONDS = 24 * 3600


def _decisions_pdf(*, meeting, items, motions) -> bytes:
    assembly = assembly_record(meeting=meeting)
    shown = [
        get_language(),
        meeting.pk,
        meeting.title,
        meeting.body.name,
        meeting.starts_at.isoformat(),
        [(item.order, item.title, item.decision) for item in items],
        [
            (
                motion.title,
                [organisation.name for organisation in motion.submitted_by.all()],
                motion.outcome,
                motion.votes_for,
                motion.votes_against,
            )
            for motion in motions
        ],
        assembly_record_shown(assembly),
    ]
    key = "governance:decisions-pdf:" + hashlib.sha256(json.dumps(shown).encode()).hexdigest()
    pdf = cache.get(key)
    if pdf is None:
        pdf = render_pdf(
            template_name="pdf/governance_decisions.html",
            context={"meeting": meeting, "items": items, "motions": motions, "assembly": assembly},
        )
        cache.set(key, pdf, DECISIONS_PDF_CACHE_SECONDS)
    return pdf


@require_GET
def decisions_pdf(request, pk, token):
    meeting, items = _decision_items(request, pk, token)
    pdf = _decisions_pdf(meeting=meeting, items=items, motions=_motions(meeting))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="besluitenlijst-{meeting.pk}.pdf"'
    return response


@require_GET
def document(request, pk, token):
    document = board_selectors.document_with_meeting(pk=pk, token=token)
    if document is None:
        raise Http404
    access = board_access.Access(user=request.user, meeting=document.item.meeting)
    if not access.item(document.item):
        raise Http404
    try:
        handle = document.file.open("rb")
    except OSError as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        content_type=document.content_type,
        as_attachment=not document.is_pdf,
        filename=document.original_filename,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def note(request, pk, token):
    document = board_selectors.document_with_meeting(pk=pk, token=token)
    if document is None:
        raise Http404
    access = board_access.Access(user=request.user, meeting=document.item.meeting)
    if not (access.member and access.item(document.item)):
        raise Http404
    form = NoteForm(request.POST, prefix=f"d{document.pk}")
    if form.is_valid():
        saved = services.note_save(user=request.user, document=document, text=form.cleaned_data["text"] or "")
        messages.success(
            request, _("Your note has been saved.") if saved else _("Your note has been removed.")
        )
    else:
        messages.error(
            request, _("The note could not be saved: %(errors)s") % {"errors": form.errors.as_text()}
        )
    return redirect(document.item.meeting.get_absolute_url() + f"#document-{document.pk}")


@require_GET
def pack(request, pk, token):
    pack = board_selectors.pack_with_meeting(pk=pk, token=token)
    if pack is None or not pack.file:
        raise Http404
    meeting = pack.meeting
    access = board_access.Access(user=request.user, meeting=meeting)
    if not access.meeting or not _pack_allowed(access, meeting):
        raise Http404
    try:
        handle = pack.file.open("rb")
    except OSError as error:
        raise Http404 from error
    response = FileResponse(
        handle, content_type="application/pdf", filename=f"vergaderpakket-{meeting.pk}-v{pack.version}.pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response
