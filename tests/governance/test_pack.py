"""The meeting pack, checked from the PDF itself (pypdf and pdftotext)."""

import re
import subprocess

import pytest
from pypdf import PdfReader

from governance.board import documents as board_documents
from governance.board import packs as board_packs
from governance.models import Document, MeetingPack
from vzhg.errors import ServiceError

from .conftest import add_pdf, corrupt_pdf, encrypted_pdf, make_meeting, office_upload, upload

pytestmark = pytest.mark.django_db


def pdf_text(path) -> list[str]:
    """The text of each page, by pdftotext (poppler-utils)."""
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return out.split("\f")


def outline(reader):
    top = [entry for entry in reader.outline if not isinstance(entry, list)]
    return [(entry.title, reader.get_destination_page_number(entry)) for entry in top]


@pytest.fixture
def meeting(bodies):
    meeting = make_meeting(bodies["db"], items=3)
    items = list(meeting.items.order_by("order"))
    add_pdf(items[0], pages=2, title="Jaarverslag")
    add_pdf(items[2], pages=3, title="Begroting")
    board_documents.document_add(item=items[1], title="Cijfers", uploaded=office_upload("xlsx"))
    return meeting


def test_pack_has_cover_contents_agenda_and_every_document_page(meeting):
    pack = board_packs.meeting_pack_build(meeting_id=meeting.pk)

    assert pack.status == MeetingPack.Status.READY, pack.error
    reader = PdfReader(pack.file.path)
    pages = pdf_text(pack.file.path)
    # cover + contents + agenda (front matter) + 2 + 3 document pages
    front = next(i for i, text in enumerate(pages) if "Agendapunt 1 — blad 1" in text)
    assert front >= 3
    assert len(reader.pages) == pack.page_count == front + 2 + 3
    assert "Inhoud" in pages[1] or "Contents" in pages[1]
    # proposals present in the agenda
    joined = "\n".join(pages[:front])
    for n in (1, 2, 3):
        assert f"Voorstel nummer {n}" in joined
    # the spreadsheet is listed, not merged
    assert "bijlage.xlsx" in joined
    # page X of Y on every page
    total = len(reader.pages)
    for number, text in enumerate(pages[:total], start=1):
        assert re.search(rf"\b(pagina|page) {number} (van|of) {total}\b", text), (number, text[-200:])
    # bookmarks: the agenda items, in order
    assert [title for title, _page in outline(reader)] == [
        "1. Agendapunt 1",
        "2. Agendapunt 2",
        "3. Agendapunt 3",
    ]
    # the contents page gives the right page for each document
    toc = pages[1]
    first_report = next(i for i, text in enumerate(pages) if "Agendapunt 1 — blad 1" in text) + 1
    first_budget = next(i for i, text in enumerate(pages) if "Agendapunt 3 — blad 1" in text) + 1
    assert re.search(rf"Jaarverslag\s+{first_report}\b", toc), toc
    assert re.search(rf"Begroting\s+{first_budget}\b", toc), toc
    # the item bookmarks point at the agenda page holding each item
    for title, page in outline(reader):
        assert title.split(". ", 1)[1] in pages[page]


def test_a_new_version_keeps_the_old_and_the_next_build_is_a_new_version(meeting):
    first = board_packs.meeting_pack_build(meeting_id=meeting.pk)
    old = Document.objects.get(title="Begroting")
    new = board_documents.document_add(
        item=old.item,
        title="Begroting",
        uploaded=upload("begroting-v2.pdf", old.file.open("rb").read()),
        replaces=old,
    )
    second = board_packs.meeting_pack_build(meeting_id=meeting.pk)

    assert new.version == 2 and Document.objects.filter(pk=old.pk).exists()
    assert (first.version, second.version) == (1, 2)
    assert second.status == MeetingPack.Status.READY


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("geheim.pdf", encrypted_pdf, "encrypted"),
        ("kapot.pdf", corrupt_pdf, "damaged"),
        ("nep.pdf", lambda: b"MZ\x90\x00 not a pdf", "is not a PDF"),
        ("virus.exe", lambda: b"MZ\x90\x00", "only PDF, Word"),
        ("nep.docx", lambda: b"PK\x03\x04 broken", "damaged or not an Office file"),
        ("tabel.xlsx", lambda: b"just text", "not a real Excel"),
    ],
)
def test_bad_uploads_are_refused_with_a_clear_message_and_the_pack_stays(meeting, name, content, message):
    before = board_packs.meeting_pack_build(meeting_id=meeting.pk)
    item = meeting.items.first()
    with pytest.raises(ServiceError) as refused:
        board_documents.document_add(item=item, title="Slecht", uploaded=upload(name, content()))

    assert message in str(refused.value)
    assert name in str(refused.value) or message == "only PDF, Word"
    assert not Document.objects.filter(title="Slecht").exists()
    assert meeting.packs.filter(status=MeetingPack.Status.READY).get() == before


def test_oversized_upload_is_refused(meeting, settings):
    settings.GOVERNANCE_MAX_UPLOAD_MB = 1
    big = upload("groot.pdf", b"%PDF-1.7\n" + b"0" * (1024 * 1024 + 10))
    with pytest.raises(ServiceError) as refused:
        board_documents.document_add(item=meeting.items.first(), title="Groot", uploaded=big)
    assert "the limit is 1 MB" in str(refused.value)


@pytest.mark.parametrize("bad", ["encrypted", "corrupt", "oversized"])
def test_a_bad_document_in_storage_fails_the_build_by_name_and_keeps_the_previous_pack(
    meeting, settings, bad
):
    before = board_packs.meeting_pack_build(meeting_id=meeting.pk)
    document = Document.objects.get(title="Begroting")
    if bad == "oversized":
        settings.GOVERNANCE_MAX_UPLOAD_MB = 0
    else:
        content = encrypted_pdf() if bad == "encrypted" else corrupt_pdf()
        with open(document.file.path, "wb") as handle:
            handle.write(content)

    failed = board_packs.meeting_pack_build(meeting_id=meeting.pk)

    assert failed.status == MeetingPack.Status.FAILED
    assert "Begroting" in failed.error and "3. Agendapunt 3" in failed.error
    assert before.file and PdfReader(before.file.path).pages
    assert meeting.packs.filter(status=MeetingPack.Status.READY).order_by("-version").first() == before


def test_word_and_excel_uploads_are_accepted_by_content(meeting):
    for kind in ("docx", "xlsx"):
        document = board_documents.document_add(
            item=meeting.items.first(), title=kind, uploaded=office_upload(kind)
        )
        assert document.content_type.endswith("document" if kind == "docx" else "sheet")
        assert len(document.sha256) == 64 and document.size > 0


def _fonts(resources, seen):
    """Every font dictionary reachable from a page's resources (form XObjects included)."""
    if not resources:
        return
    resources = resources.get_object()
    for font in (resources.get("/Font") or {}).values():
        font = font.get_object()
        if id(font) not in seen:
            seen[id(font)] = font
    for xobject in (resources.get("/XObject") or {}).values():
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form":
            _fonts(xobject.get("/Resources"), seen)


def _embedded(font) -> bool:
    if font.get("/Subtype") == "/Type3":
        return True  # glyphs are drawn by the font's own content streams
    if font.get("/Subtype") == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font.get("/FontDescriptor")
    descriptor = descriptor.get_object() if descriptor is not None else {}
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def test_the_pack_says_its_language_shows_its_title_and_embeds_every_font(meeting, settings):
    settings.LANGUAGE_CODE = "nl"
    pack = board_packs.meeting_pack_build(meeting_id=meeting.pk)
    assert pack.status == MeetingPack.Status.READY, pack.error

    reader = PdfReader(pack.file.path)
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "nl"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712 - a pypdf BooleanObject
    assert reader.metadata.title == str(meeting)
    # Honest about what is inside: the front matter is tagged, the documents are as uploaded.
    assert "zoals ze zijn geüpload" in reader.metadata.subject
    # The front matter's PDF/UA claim (XMP) does not hold for the whole pack: it is not made.
    assert "/Metadata" not in root
    # Cover, contents and agenda stay tagged (structure tree, marked content).
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712
    assert "/StructTreeRoot" in root
    # Every font on every page is embedded, the page stamp's included.
    fonts = {}
    for page in reader.pages:
        _fonts(page.get("/Resources"), fonts)
    assert fonts
    assert [f.get("/BaseFont") for f in fonts.values() if not _embedded(f)] == []
    assert not any(f.get("/BaseFont") == "/Helvetica" for f in fonts.values())
    # The stamp reads "pagina N van M" in the embedded font on every page.
    total = len(reader.pages)
    texts = pdf_text(pack.file.path)
    for number in (1, total):
        assert f"pagina {number} van {total}" in texts[number - 1]
