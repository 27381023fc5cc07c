"""Meeting documents: checked uploads (type sniffing, PDF sanity, size) and new versions."""

import hashlib
import logging
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from governance.models import (
    AgendaItem,
    Document,
)
from vzhg.errors import ServiceError
from vzhg.uploads import office_file_check

from . import convocation, packs

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
    raises ServiceError with a message for the person who uploaded it."""
    name = uploaded.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED_TYPES:
        raise ServiceError(
            _("%(name)s: only PDF, Word (.docx) and Excel (.xlsx) files can be uploaded.") % {"name": name}
        )
    if uploaded.size > max_upload_bytes():
        raise ServiceError(
            _("%(name)s is %(size).1f MB; the limit is %(limit)d MB.")
            % {"name": name, "size": uploaded.size / 1024 / 1024, "limit": settings.GOVERNANCE_MAX_UPLOAD_MB}
        )
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    if extension == "pdf":
        if not head.startswith(b"%PDF-"):
            raise ServiceError(_("%(name)s is not a PDF file, whatever its name says.") % {"name": name})
        problem = pdf_problem(uploaded)
        if problem:
            raise ServiceError(
                _("%(name)s cannot go into the meeting pack: %(problem)s. Save it again as a plain PDF.")
                % {"name": name, "problem": problem}
            )
    else:
        try:
            office_file_check(
                uploaded,
                name=name,
                main_content_type=_OOXML_MAIN[extension],
                kind="Word" if extension == "docx" else "Excel",
            )
        except ValidationError as error:  # the shared sniffing speaks Django's form language
            raise ServiceError(" ".join(error.messages)) from error
    return extension, ALLOWED_TYPES[extension]


@transaction.atomic
def document_add(
    *, item: AgendaItem, title: str, uploaded, actor=None, replaces: Document | None = None
) -> Document:
    """Store a checked upload as a document of an agenda item. With `replaces` it becomes the
    next version of that document; the old version is kept. A published meeting's pack is rebuilt
    and the people who got its notice get a short mail naming the added or replaced document."""
    _extension, content_type = upload_check(uploaded=uploaded)
    if replaces is not None and replaces.item_id != item.pk:
        raise ServiceError(_("A new version must belong to the same agenda item."))
    if replaces is not None and Document.objects.filter(replaces=replaces).exists():
        raise ServiceError(_("That document already has a newer version; replace the newest one."))
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
    packs.meeting_pack_request(meeting=item.meeting)
    convocation.late_document_notify(document=document)
    return document
