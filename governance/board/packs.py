"""Meeting packs: reserve a version, hand it to the worker, build it (WeasyPrint front matter +
pypdf merge, bookmarks, page labels) and sweep the ones a dead worker left behind."""

import io
import logging
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from governance.models import (
    AgendaItem,
    Meeting,
    MeetingPack,
)

from . import actions, documents, selectors

logger = logging.getLogger(__name__)


# A build that has not finished after this long was cut off (the task's hard time limit is 600 s).
PACK_STALE_AFTER = timedelta(seconds=660)


# A pending row not taken up by the worker after this long is handed over again.
PENDING_REDISPATCH_AFTER = timedelta(seconds=60)


# A row handed over this long ago and still pending (its message lost) is handed over again.
HANDED_REDISPATCH_AFTER = timedelta(minutes=15)


# Builds a dead worker cut off are started again this many times in all, then end as failed.
BUILD_MAX_ATTEMPTS = 3


def meeting_pack_request(*, meeting: Meeting) -> MeetingPack | None:
    """Reserve the next pack version of a published meeting (pending) and hand its build to the
    worker after commit. A pack still waiting for the worker already covers the change (it reads
    the documents when it runs), so no second one is reserved. With the broker down the pack stays
    pending and `meeting_packs_sweep` hands it over later."""
    with transaction.atomic():
        locked = (
            Meeting.objects.select_for_update().filter(pk=meeting.pk, status=Meeting.Status.PUBLISHED).first()
        )
        if locked is None:
            return None
        waiting = locked.packs.filter(status=MeetingPack.Status.PENDING).order_by("-version").first()
        if waiting is not None:
            return waiting
        version = (locked.packs.aggregate(v=Max("version"))["v"] or 0) + 1
        pack = MeetingPack.objects.create(meeting=locked, version=version, status=MeetingPack.Status.PENDING)
        _pack_dispatch_on_commit(pack_id=pack.pk)
    return pack


def _pack_dispatch_on_commit(*, pack_id: int) -> None:
    from vzhg.tasks import task_dispatch_on_commit

    from .tasks import meeting_pack_build_task

    task_dispatch_on_commit(
        meeting_pack_build_task,
        args=(pack_id,),
        on_handed=lambda: MeetingPack.objects.filter(pk=pack_id, status=MeetingPack.Status.PENDING).update(
            dispatched_at=timezone.now()
        ),
    )


def meeting_packs_sweep(*, now: datetime | None = None) -> int:
    """Run by Celery beat: hand pending packs to the worker again (never handed: after a minute;
    handed but not started: after HANDED_REDISPATCH_AFTER), and put packs a dead worker left
    building back to pending, or to failed after BUILD_MAX_ATTEMPTS. Returns how many it handed."""
    from vzhg.tasks import handoffs_sweep, task_dispatch

    from .tasks import meeting_pack_build_task

    def give_up(pack: MeetingPack, now) -> list[str]:
        pack.status = MeetingPack.Status.FAILED
        pack.error = _build_stopped_message(pack.attempts)
        pack.built_at = now
        return ["status", "error", "built_at"]

    def dispatch(pack_id: int) -> bool:
        return task_dispatch(
            meeting_pack_build_task,
            args=(pack_id,),
            on_handed=lambda: MeetingPack.objects.filter(
                pk=pack_id, status=MeetingPack.Status.PENDING
            ).update(dispatched_at=timezone.now()),
        )

    return handoffs_sweep(
        queryset=MeetingPack.objects.all(),
        running_status=MeetingPack.Status.BUILDING,
        pending_status=MeetingPack.Status.PENDING,
        stale_after=PACK_STALE_AFTER,
        pending_after=PENDING_REDISPATCH_AFTER,
        handed_after=HANDED_REDISPATCH_AFTER,
        max_attempts=BUILD_MAX_ATTEMPTS,
        give_up=give_up,
        dispatch=dispatch,
        now=now or timezone.now(),
        label="meeting pack",
    )


def _build_stopped_message(attempts: int) -> str:
    return ngettext(
        "The build stopped without finishing (the worker was stopped, perhaps for lack of memory) "
        "%(count)d time; it is not tried again. Ask for a new one.",
        "The build stopped without finishing (the worker was stopped, perhaps for lack of memory) "
        "%(count)d times; it is not tried again. Ask for a new one.",
        attempts,
    ) % {"count": attempts}


@dataclass
class PackEntry:
    item: AgendaItem
    pdfs: list  # [(document, first page number in the pack, page count)]
    others: list  # [document]


class PackProblem(Exception):
    pass


def _pack_front_matter(*, meeting, entries, total, language, open_actions=()) -> bytes:
    from vzhg.pdf import render_pdf

    return render_pdf(
        template_name="pdf/governance_pack.html",
        context={
            "meeting": meeting,
            "entries": entries,
            "total": total,
            "now": timezone.now(),
            "open_actions": open_actions,
        },
        language=language,
    )


def _page_label_stamp(*, text: str, width: float, height: float, font):
    """A blank page of the given size holding `text` in 8 pt at its bottom right, in the stamp
    font embedded once in the pack (vzhg.pdf.stamp_font_embed). The text is marked as a
    pagination artifact, so screen readers of the tagged front pages skip it."""
    from pypdf import PageObject
    from pypdf.generic import ContentStream, DictionaryObject, NameObject

    stamp = PageObject.create_blank_page(width=width, height=height)
    stamp[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/VZHGPageNo"): font.reference})}
    )
    size = 8
    x = max(width - 18 * 2.835 - font.width(text, size), 10)
    operators = (
        b"/Artifact <</Type /Pagination /Subtype /Footer>> BDC q 0.25 g BT /VZHGPageNo %d Tf %.2f %.2f Td ("
        % (size, x, 8 * 2.835)
        + font.encode(text)
        + b") Tj ET Q EMC"
    )
    content = ContentStream(None, None)
    content.set_data(operators)
    stamp.replace_contents(content)
    return stamp


def _pack_finish_metadata(writer, *, meeting: Meeting, language: str) -> None:
    """Language, title shown in the window, and an honest description: the front matter is tagged
    (it comes from WeasyPrint's PDF/UA output), the documents after it are as members uploaded
    them. The front matter's PDF/UA claim (XMP) is dropped: it does not hold for the whole pack."""
    from pypdf.generic import NameObject, TextStringObject

    root = writer._root_object
    root[NameObject("/Lang")] = TextStringObject(language)
    if "/Metadata" in root:
        del root[NameObject("/Metadata")]
    preferences = writer.create_viewer_preferences()
    preferences.display_doctitle = True
    with translation.override(language):
        writer.add_metadata(
            {
                "/Title": str(meeting),
                "/Subject": _(
                    "Meeting pack of %(body)s: cover, contents and agenda (tagged for screen readers), "
                    "followed by the documents exactly as they were uploaded; those are not checked or "
                    "tagged by VZHG and may not be accessible."
                )
                % {"body": meeting.body.name},
                "/Author": _("Vereniging van Zuid-Hollandse Gemeenten"),
                "/Creator": "VZHG",
            }
        )


def _pack_reserve(*, meeting_id: int) -> MeetingPack:
    """The meeting's pending pack, or a new pending version (any meeting status: staff and the
    demo data build packs of any meeting by hand)."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting_id)
        waiting = meeting.packs.filter(status=MeetingPack.Status.PENDING).order_by("-version").first()
        if waiting is not None:
            return waiting
        version = (meeting.packs.aggregate(v=Max("version"))["v"] or 0) + 1
        return MeetingPack.objects.create(meeting=meeting, version=version, status=MeetingPack.Status.PENDING)


def _pack_claim(*, pack_id: int) -> MeetingPack | None:
    """Short transaction: pending → building, one attempt more. None when the pack is not pending
    (built already, being built by another task, failed): a second task does nothing."""
    meeting_id = MeetingPack.objects.filter(pk=pack_id).values_list("meeting_id", flat=True).first()
    if meeting_id is None:
        return None
    with transaction.atomic():
        # The meeting row first, as meeting_pack_request takes it: a document added while the
        # claim waits is committed before the build reads the documents, or finds this pack
        # building and reserves the next one.
        Meeting.objects.select_for_update().filter(pk=meeting_id).first()
        pack = (
            MeetingPack.objects.select_for_update()
            .filter(pk=pack_id, status=MeetingPack.Status.PENDING)
            .first()
        )
        if pack is None:
            return None
        pack.status = MeetingPack.Status.BUILDING
        pack.started_at = timezone.now()
        pack.attempts += 1
        pack.save(update_fields=["status", "started_at", "attempts"])
    return pack


def _pack_store(*, pack: MeetingPack, fields: list[str]) -> bool:
    """Short transaction: store the result, only while this build still owns the pack (the sweep
    may have handed a build it thought dead to another task). Returns whether it was stored."""
    with transaction.atomic():
        current = (
            MeetingPack.objects.select_for_update().filter(pk=pack.pk).values("status", "started_at").first()
        )
        if current != {"status": MeetingPack.Status.BUILDING, "started_at": pack.started_at}:
            logger.warning(
                "meeting pack %s was taken over while it was built; this result is dropped", pack.pk
            )
            return False
        pack.save(update_fields=fields)
    return True


def meeting_pack_build(*, meeting_id: int | None = None, pack_id: int | None = None) -> MeetingPack:
    """Build a pack: `pack_id` a pending version (the worker's task), or `meeting_id` the
    meeting's pending version or a new one (by hand, demo data). A document that cannot be used
    (encrypted, damaged, too large) ends the build as FAILED with the document named; the
    previous pack stays the one members get.

    No transaction is held while it renders: the pack is claimed (pending → building) in one
    short transaction and stored in another, as `report_version_build` does."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    from vzhg.pdf import stamp_font_embed

    if pack_id is None:
        pack_id = _pack_reserve(meeting_id=meeting_id).pk
    pack = _pack_claim(pack_id=pack_id)
    if pack is None:
        return MeetingPack.objects.get(pk=pack_id)
    meeting = Meeting.objects.select_related("body").get(pk=pack.meeting_id)
    version = pack.version

    language = settings.LANGUAGE_CODE
    items = list(selectors.pack_items(meeting=meeting))
    open_actions = list(actions.open_actions_before(meeting=meeting))  # carried over ("Openstaande acties")
    readers = []
    problems = []
    entries = []
    for item in items:
        entry = PackEntry(item=item, pdfs=[], others=[])
        for document in item.current_documents:
            if not document.is_pdf:
                entry.others.append(document)
                continue
            label = f"{item.order}. {item.title} — {document.title} ({document.original_filename})"
            if document.size > documents.max_upload_bytes():
                problems.append(
                    _("%(doc)s: larger than %(limit)d MB")
                    % {"doc": label, "limit": settings.GOVERNANCE_MAX_UPLOAD_MB}
                )
                continue
            try:
                handle = document.file.open("rb")
            except OSError as error:
                problems.append(f"{label}: {error}")
                continue
            problem = documents.pdf_problem(handle)
            if problem:
                handle.close()
                problems.append(f"{label}: {problem}")
                continue
            reader = PdfReader(handle)
            readers.append((handle, reader))
            entry.pdfs.append([document, 0, len(reader.pages), reader])
        entries.append(entry)

    def finish_failed(message: str) -> MeetingPack:
        for handle, _reader in readers:
            handle.close()
        pack.status = MeetingPack.Status.FAILED
        pack.error = message
        pack.built_at = timezone.now()
        _pack_store(pack=pack, fields=["status", "error", "built_at"])
        logger.warning("meeting pack %s v%s failed: %s", meeting.pk, version, message)
        return pack

    if problems:
        return finish_failed(
            _("These documents could not be put in the pack; the previous pack stays available:")
            + "\n"
            + "\n".join(problems)
        )

    try:
        # Render the front matter until its own page count is stable, so the numbers in the
        # table of contents point at the right pages of the merged pack.
        front_pages = 2
        for _attempt in range(4):
            page = front_pages + 1
            for entry in entries:
                for pdf in entry.pdfs:
                    pdf[1] = page
                    page += pdf[2]
            total = page - 1
            front = _pack_front_matter(
                meeting=meeting, entries=entries, total=total, language=language, open_actions=open_actions
            )
            front_reader = PdfReader(io.BytesIO(front))
            if len(front_reader.pages) == front_pages:
                break
            front_pages = len(front_reader.pages)
        else:
            raise PackProblem("table of contents did not settle")

        # The tagged front matter is the base of the pack (its structure tree, marked content and
        # language are kept); the documents' pages follow untagged, as uploaded.
        writer = PdfWriter(clone_from=front_reader)
        if "/Outlines" in writer._root_object:
            # WeasyPrint's bookmarks of the front matter's headings; the pack gets its own below.
            del writer._root_object[NameObject("/Outlines")]
        anchors = _front_anchor_pages(front_reader)
        for entry in entries:
            for _document, _first, _count, reader in entry.pdfs:
                for doc_page in reader.pages:
                    added = writer.add_page(doc_page)
                    # Their structure trees are not carried over: a StructParents key would point
                    # into the front matter's parent tree.
                    if "/StructParents" in added:
                        del added[NameObject("/StructParents")]
        total = len(writer.pages)
        font = stamp_font_embed(writer)
        with translation.override(language):
            for number, target in enumerate(writer.pages, start=1):
                box = target.mediabox
                label = _("page %(number)d of %(total)d") % {"number": number, "total": total}
                stamp = _page_label_stamp(
                    text=label, width=float(box.width), height=float(box.height), font=font
                )
                target.merge_translated_page(stamp, float(box.left), float(box.bottom))
        for entry in entries:
            agenda_page = anchors.get(f"item-{entry.item.pk}", 0)
            parent = writer.add_outline_item(
                title=f"{entry.item.order}. {entry.item.title}", page_number=agenda_page
            )
            for document, first, _count, _reader in entry.pdfs:
                writer.add_outline_item(title=document.title, page_number=first - 1, parent=parent)
        _pack_finish_metadata(writer, meeting=meeting, language=language)
        with tempfile.TemporaryFile() as out:
            writer.write(out)
            out.seek(0)
            pack.file.save(f"pack-{meeting.pk}-v{version}.pdf", File(out), save=False)
        pack.page_count = total
    except Exception as error:  # noqa: BLE001 - a build must end in a state staff can see
        logger.exception("meeting pack %s v%s failed", meeting.pk, version)
        return finish_failed(_("The pack could not be built: %(error)s") % {"error": error})
    for handle, _reader in readers:
        handle.close()
    pack.status = MeetingPack.Status.READY
    pack.built_at = timezone.now()
    if not _pack_store(pack=pack, fields=["file", "page_count", "status", "built_at"]):
        pack.file.delete(save=False)
        pack.refresh_from_db()
    return pack


def _front_anchor_pages(reader) -> dict[str, int]:
    """Page index of each named destination WeasyPrint wrote (one per agenda item)."""
    result = {}
    for name, destination in reader.named_destinations.items():
        try:
            result[str(name)] = reader.get_destination_page_number(destination)
        except Exception:  # noqa: BLE001, S112 - a destination we cannot place is skipped
            continue
    return result
