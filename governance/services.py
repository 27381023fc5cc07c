"""Writes for governance: documents (checked uploads, versions), meetings (publish, guardrails,
ALV template, decisions), meeting packs (WeasyPrint front matter + pypdf merge) and notices."""

import hashlib
import io
import logging
import tempfile
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vzhg.mail.language import mail_translation
from vzhg.mail.services import mail_queue
from vzhg.uploads import office_file_check

from . import selectors
from .models import (
    AgendaItem,
    Body,
    Document,
    Meeting,
    MeetingPack,
    MeetingView,
    Motion,
    Notice,
    PersonalNote,
)

logger = logging.getLogger(__name__)

ALLOWED_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_OOXML_MAIN = {
    "docx": b"wordprocessingml.document.main+xml",
    "xlsx": b"spreadsheetml.sheet.main+xml",
}
NOTICE_DAYS = 7

# --- uploads ---------------------------------------------------------------------------------


def max_upload_bytes() -> int:
    return settings.GOVERNANCE_MAX_UPLOAD_MB * 1024 * 1024


def pdf_problem(fileobj) -> str | None:
    """Why pypdf cannot use this PDF (encrypted, corrupt), or None. Reads page by page."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        fileobj.seek(0)
        reader = PdfReader(fileobj)
        if reader.is_encrypted:
            return _("the PDF is encrypted (password protected)")
        if len(reader.pages) == 0:
            return _("the PDF has no pages")
        for page in reader.pages:
            page.mediabox  # noqa: B018 - touching each page proves its tree is readable
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as error:
        return _("the PDF is damaged (%(error)s)") % {"error": str(error)[:200] or error.__class__.__name__}
    finally:
        fileobj.seek(0)
    return None


def upload_check(*, uploaded) -> tuple[str, str]:
    """Check an uploaded file by name, size and content. Returns (extension, content type) or
    raises ValidationError with a message for the person who uploaded it."""
    name = uploaded.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED_TYPES:
        raise ValidationError(
            _("%(name)s: only PDF, Word (.docx) and Excel (.xlsx) files can be uploaded.") % {"name": name}
        )
    if uploaded.size > max_upload_bytes():
        raise ValidationError(
            _("%(name)s is %(size).1f MB; the limit is %(limit)d MB.")
            % {"name": name, "size": uploaded.size / 1024 / 1024, "limit": settings.GOVERNANCE_MAX_UPLOAD_MB}
        )
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    if extension == "pdf":
        if not head.startswith(b"%PDF-"):
            raise ValidationError(_("%(name)s is not a PDF file, whatever its name says.") % {"name": name})
        problem = pdf_problem(uploaded)
        if problem:
            raise ValidationError(
                _("%(name)s cannot go into the meeting pack: %(problem)s. Save it again as a plain PDF.")
                % {"name": name, "problem": problem}
            )
    else:
        office_file_check(
            uploaded,
            name=name,
            main_content_type=_OOXML_MAIN[extension],
            kind="Word" if extension == "docx" else "Excel",
        )
    return extension, ALLOWED_TYPES[extension]


@transaction.atomic
def document_add(
    *, item: AgendaItem, title: str, uploaded, actor=None, replaces: Document | None = None
) -> Document:
    """Store a checked upload as a document of an agenda item. With `replaces` it becomes the
    next version of that document; the old version is kept. A published meeting's pack is rebuilt."""
    _extension, content_type = upload_check(uploaded=uploaded)
    if replaces is not None and replaces.item_id != item.pk:
        raise ValidationError(_("A new version must belong to the same agenda item."))
    if replaces is not None and Document.objects.filter(replaces=replaces).exists():
        raise ValidationError(_("That document already has a newer version; replace the newest one."))
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in iter(lambda: uploaded.read(1024 * 1024), b""):
        digest.update(chunk)
    uploaded.seek(0)
    document = Document(
        item=item,
        title=title or Path(uploaded.name).stem,
        original_filename=Path(uploaded.name).name[:255],
        content_type=content_type,
        size=uploaded.size,
        sha256=digest.hexdigest(),
        version=replaces.version + 1 if replaces else 1,
        replaces=replaces,
        uploaded_by=actor,
    )
    document.file.save(uploaded.name, File(uploaded), save=False)
    document.save()
    meeting_pack_request(meeting=item.meeting)
    return document


# --- agenda ----------------------------------------------------------------------------------


def agenda_renumber(*, meeting: Meeting) -> None:
    """Number the items 1, 2, 3 ... in their current order."""
    items = list(meeting.items.order_by("order", "pk"))
    for number, item in enumerate(items, start=1):
        if item.order != number:
            item.order = number
            item.save(update_fields=["order"])


ALV_TEMPLATE = [
    ("Opening en vaststelling van de agenda", AgendaItem.Kind.MEDEDELINGEN),
    ("Jaarverslag", AgendaItem.Kind.BESLUITVORMING),
    ("Jaarrekening", AgendaItem.Kind.BESLUITVORMING),
    ("Verslag van de kascommissie", AgendaItem.Kind.BESLUITVORMING),
    ("Benoeming kascommissie voor het komende jaar", AgendaItem.Kind.BESLUITVORMING),
    ("Definitieve begroting lopend jaar en voorlopige begroting komend jaar", AgendaItem.Kind.BESLUITVORMING),
    ("Contributie volgend jaar", AgendaItem.Kind.BESLUITVORMING),
    ("Verkiezing en (her)benoeming bestuursleden", AgendaItem.Kind.BESLUITVORMING),
    ("Moties", AgendaItem.Kind.BESLUITVORMING),
    ("Rondvraag en sluiting", AgendaItem.Kind.RONDVRAAG),
]


@transaction.atomic
def meeting_create_alv_from_template(*, body: Body, starts_at: datetime | None = None, actor=None) -> Meeting:
    """A draft ALV with the agenda the law and the workplan ask for (DOMAIN R2, R4, R5)."""
    if body.kind != Body.Kind.ALV:
        raise ValidationError(_("%(body)s is not a general assembly (ALV).") % {"body": body})
    if starts_at is None:
        today = timezone.localdate()
        year = today.year if today <= today.replace(month=6, day=1) else today.year + 1
        starts_at = timezone.make_aware(datetime(year, 6, 1, 10, 0))
    meeting = Meeting.objects.create(
        body=body,
        title=_("General assembly %(year)d") % {"year": starts_at.year},
        starts_at=starts_at,
        location="VNG, Nassaulaan 12, Den Haag",
    )
    for order, (title, kind) in enumerate(ALV_TEMPLATE, start=1):
        AgendaItem.objects.create(meeting=meeting, order=order, title=title, kind=kind)
    return meeting


def meeting_guardrail_problems(*, meeting: Meeting, now: datetime | None = None) -> list[str]:
    """What stops this meeting from being published now (DOMAIN R3)."""
    now = now or timezone.now()
    problems = []
    notice_items = [item for item in meeting.items.all() if item.kind in AgendaItem.NOTICE_KINDS]
    if notice_items:
        sent = meeting.notice_sent_at or now
        if meeting.starts_at - sent < timedelta(days=NOTICE_DAYS):
            problems.append(
                _(
                    "Item “%(item)s” (%(kind)s) must reach the members at least %(days)d days before the "
                    "meeting; publish it by %(deadline)s or move the meeting."
                )
                % {
                    "item": notice_items[0].title,
                    "kind": notice_items[0].get_kind_display(),
                    "days": NOTICE_DAYS,
                    "deadline": timezone.localtime(meeting.starts_at - timedelta(days=NOTICE_DAYS)).strftime(
                        "%d-%m-%Y %H:%M"
                    ),
                }
            )
    return problems


def alv_deadline_warning(*, today=None) -> str | None:
    """DOMAIN R2: the ALV must be held within six months after the (calendar) financial year."""
    today = today or timezone.localdate()
    deadline = today.replace(month=6, day=30)
    start = timezone.make_aware(datetime(today.year, 1, 1))
    end = timezone.make_aware(datetime.combine(deadline, time.max))
    if Meeting.objects.filter(body__kind=Body.Kind.ALV, starts_at__gte=start, starts_at__lte=end).exists():
        return None
    return _(
        "No general assembly (ALV) is planned on or before %(deadline)s. The law asks for one within "
        "six months after the financial year %(year)d ended."
    ) % {"deadline": deadline.strftime("%d-%m-%Y"), "year": today.year - 1}


def kvk_todo_warning() -> str | None:
    """Board changes the secretariat still has to register with the KvK."""
    count = selectors.kvk_todo().count()
    if not count:
        return None
    return ngettext(
        "%(count)d board change has not been reported to the KvK yet.",
        "%(count)d board changes have not been reported to the KvK yet.",
        count,
    ) % {"count": count}


def mandates_kvk_report(*, mandates, on=None) -> int:
    """Record that the start, and where the mandate ended, its end were reported to the KvK.
    Dates already recorded are kept. Returns how many mandates changed."""
    on = on or timezone.localdate()
    changed = 0
    for mandate in mandates.select_related("body"):
        if not mandate.kvk_to_report:
            continue
        if mandate.kvk_start_reported_on is None:
            mandate.kvk_start_reported_on = on
        if mandate.end is not None and mandate.kvk_end_reported_on is None:
            mandate.kvk_end_reported_on = on
        mandate.save(update_fields=["kvk_start_reported_on", "kvk_end_reported_on"])
        changed += 1
    return changed


@transaction.atomic
def meeting_publish(*, meeting: Meeting, actor=None) -> Meeting:
    """Publish a meeting: refuse when a guardrail says no, then build the pack (Celery) and tell
    the body's members by e-mail, once per person for this publication."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    problems = meeting_guardrail_problems(meeting=meeting)
    if problems:
        raise ValidationError(problems)
    if meeting.status == Meeting.Status.HELD:
        raise ValidationError(_("This meeting has been held; it cannot be published again."))
    now = timezone.now()
    agenda_renumber(meeting=meeting)
    meeting.status = Meeting.Status.PUBLISHED
    meeting.published_at = now
    meeting.notice_sent_at = meeting.notice_sent_at or now
    meeting.publication += 1
    meeting.save()
    meeting_pack_request(meeting=meeting)
    _notices_queue(meeting=meeting, kind=Notice.Kind.PUBLISHED)
    return meeting


def meeting_not_started_problem(*, meeting: Meeting, now: datetime | None = None) -> str | None:
    """Why nothing that happens at a meeting (held, decisions, motion outcomes) can be recorded
    yet: the meeting has not begun. None when it has."""
    now = now or timezone.now()
    if meeting.starts_at is not None and meeting.starts_at > now:
        return _(
            "%(meeting)s has not taken place yet (it starts on %(date)s); record what happened there after the meeting."
        ) % {
            "meeting": meeting.title,
            "date": timezone.localtime(meeting.starts_at).strftime("%d-%m-%Y %H:%M"),
        }
    return None


@transaction.atomic
def meeting_mark_held(*, meeting: Meeting, actor=None, now: datetime | None = None) -> Meeting:
    """Record that the meeting was held; refused for a meeting that has not begun."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    problem = meeting_not_started_problem(meeting=meeting, now=now)
    if problem:
        raise ValidationError(problem)
    meeting.status = Meeting.Status.HELD
    meeting.save(update_fields=["status"])
    return meeting


@transaction.atomic
def agenda_item_decide(*, item: AgendaItem, decision: str, actor=None) -> AgendaItem:
    """Record the decision on an agenda item (the besluitenlijst): only once the meeting began."""
    decision = decision.strip()
    if decision:
        problem = meeting_not_started_problem(meeting=item.meeting)
        if problem:
            raise ValidationError(problem)
    item.decision = decision
    item.save(update_fields=["decision"])
    return item


def motion_outcome_problem(*, motion: Motion, outcome: str, votes_for, votes_against) -> str | None:
    """Why this outcome cannot be recorded for the motion, or None."""
    if outcome == Motion.Outcome.PENDING:
        if votes_for is not None or votes_against is not None:
            return _(
                "A motion that is not yet decided has no votes; choose its outcome or leave the votes empty."
            )
        return None
    if motion.meeting_id is None:
        return None
    return meeting_not_started_problem(meeting=motion.meeting)


@transaction.atomic
def motion_decide(
    *,
    motion: Motion,
    outcome: str,
    votes_for: int | None,
    votes_against: int | None,
    note: str = "",
    actor=None,
) -> Motion:
    """Record the general assembly's decision on a motion: only once the meeting began."""
    problem = motion_outcome_problem(
        motion=motion, outcome=outcome, votes_for=votes_for, votes_against=votes_against
    )
    if problem:
        raise ValidationError(problem)
    motion.outcome = outcome
    motion.votes_for = votes_for
    motion.votes_against = votes_against
    motion.outcome_note = note.strip()
    motion.save(update_fields=["outcome", "votes_for", "votes_against", "outcome_note"])
    return motion


def _notices_queue(*, meeting: Meeting, kind: str) -> int:
    people = selectors.meeting_members(meeting=meeting)
    already = set(
        Notice.objects.filter(meeting=meeting, kind=kind, publication=meeting.publication).values_list(
            "person_id", flat=True
        )
    )
    site = settings.SITE_URL.rstrip("/")
    when = timezone.localtime(meeting.starts_at)
    sent = 0
    for person in people:
        if person.pk in already or not person.email:
            continue
        context = {
            "meeting": meeting,
            "person": person,
            "when": when,
            "url": site + meeting.get_absolute_url(),
        }
        with mail_translation(recipient=person):
            template = "published" if kind == Notice.Kind.PUBLISHED else "reminder"
            subject = " ".join(render_to_string(f"governance/email/{template}_subject.txt", context).split())
            text = render_to_string(f"governance/email/{template}.txt", context)
            html = render_to_string(f"governance/email/{template}.html", {**context, "subject": subject})
        mail = mail_queue(to=person.email, subject=subject, text=text, html=html, kind=f"governance.meeting.{kind}")
        Notice.objects.create(
            meeting=meeting, person=person, kind=kind, publication=meeting.publication, mail=mail
        )
        sent += 1
    return sent


def meeting_reminders_send(*, now: datetime | None = None) -> int:
    """Remind the members of published meetings that start within GOVERNANCE_REMINDER_HOURS."""
    now = now or timezone.now()
    horizon = now + timedelta(hours=settings.GOVERNANCE_REMINDER_HOURS)
    count = 0
    for meeting_id in Meeting.objects.filter(
        status=Meeting.Status.PUBLISHED,
        reminder_sent_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=horizon,
    ).values_list("pk", flat=True):
        with transaction.atomic():
            meeting = Meeting.objects.select_for_update().get(pk=meeting_id)
            if meeting.reminder_sent_at is not None:
                continue
            count += _notices_queue(meeting=meeting, kind=Notice.Kind.REMINDER)
            meeting.reminder_sent_at = now
            meeting.save(update_fields=["reminder_sent_at"])
    return count


# --- portal ----------------------------------------------------------------------------------


@transaction.atomic
def note_save(*, user, document: Document, text: str) -> PersonalNote | None:
    """Save (or, with empty text, delete) my note on a document."""
    text = text.strip()
    if not text:
        PersonalNote.objects.filter(user=user, document=document).delete()
        return None
    note, _created = PersonalNote.objects.update_or_create(
        user=user, document=document, defaults={"text": text}
    )
    return note


def meeting_view_record(*, user, meeting: Meeting) -> datetime | None:
    """Remember that the user looked at the meeting now; return when they looked before."""
    if not user.is_authenticated:
        return None
    previous = (
        MeetingView.objects.filter(user=user, meeting=meeting).values_list("last_seen_at", flat=True).first()
    )
    MeetingView.objects.update_or_create(
        user=user, meeting=meeting, defaults={"last_seen_at": timezone.now()}
    )
    return previous


# --- meeting packs ---------------------------------------------------------------------------


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


def _pack_front_matter(*, meeting, entries, total, language) -> bytes:
    from vzhg.pdf import render_pdf

    return render_pdf(
        template_name="pdf/governance_pack.html",
        context={"meeting": meeting, "entries": entries, "total": total, "now": timezone.now()},
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
            if document.size > max_upload_bytes():
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
            problem = pdf_problem(handle)
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
            front = _pack_front_matter(meeting=meeting, entries=entries, total=total, language=language)
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
            for document, _first, _count, reader in entry.pdfs:
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
