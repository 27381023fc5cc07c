"""The workplan and annual report PDFs, checked from the files: rendered through the version
service and its (eager) Celery task, then read back with pdftotext, pdffonts and pypdf."""

import re
import subprocess

import pytest
from django.utils import translation
from pypdf import PdfReader

from governance.models import ReportVersion, Workplan
from governance.reports import annual as report_annual
from governance.reports import services as report_services
from tests.factories import UserFactory

from .report_data import build_year

pytestmark = pytest.mark.django_db

TOC_LINE = re.compile(r"^\s*(?P<title>\S.*?)[\s.]*\s(?P<page>\d+)\s*$")


def render(kind: str, year: int, capture) -> ReportVersion:
    with capture(execute=True):
        version = report_services.report_version_request(
            kind=kind, year=year, actor=UserFactory(is_staff=True)
        )
    version.refresh_from_db()
    assert version.status == ReportVersion.Status.READY, version.error
    return version


def page_text(path, number: int) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-f", str(number), "-l", str(number), str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def toc_entries(text: str) -> list[tuple[str, int]]:
    """(title, printed page) for every line of the contents page that ends in a page number."""
    entries = []
    for line in text.splitlines():
        match = TOC_LINE.match(line)
        if match and "..." in line:
            entries.append((match["title"].rstrip(" ."), int(match["page"])))
    return entries


def heading_page(pages: list[str], title: str, after: int) -> int | None:
    """The first page after the contents on which a line is the heading `title` (alone, or after
    the activity's label and a colon)."""
    for number in range(after + 1, len(pages) + 1):
        for line in pages[number - 1].splitlines():
            text = line.strip()
            if text == title or text.endswith(f": {title}"):
                return number
    return None


def check_document(version: ReportVersion, *, title: str, expected_chapters: list[str]) -> list[str]:
    path = version.file.path
    reader = PdfReader(path)
    count = len(reader.pages)
    assert count > 1 and version.page_count == count
    pages = [page_text(path, number) for number in range(1, count + 1)]

    # Title page: the association, the title, the year; no running header or page number there.
    assert "Vereniging van Zuid-Hollandse Gemeenten" in pages[0] and title in pages[0]
    with translation.override("nl"):
        page_word, of_word = translation.gettext("page"), translation.gettext("of")
    assert not re.search(rf"{page_word} 1 {of_word}", pages[0])

    # The contents page's numbers are where the chapters really start.
    toc_page = next(number for number, text in enumerate(pages, start=1) if "....." in text)
    entries = toc_entries(pages[toc_page - 1])
    titles = [entry_title for entry_title, _page in entries]
    for chapter in expected_chapters:
        assert chapter in titles, f"{chapter!r} missing from the contents: {titles}"
    for entry_title, printed in entries:
        assert heading_page(pages, entry_title, after=toc_page) == printed, (
            f"{entry_title!r}: printed {printed}"
        )

    # Every page after the title page: the document's title on top, "pagina N van M" below.
    for number in range(2, count + 1):
        first_line = next(line for line in pages[number - 1].splitlines() if line.strip())
        assert first_line.strip().startswith(title)
        assert f"{page_word} {number} {of_word} {count}" in pages[number - 1]

    # Metadata: title, language, tagged (PDF/UA).
    assert reader.metadata.title == title
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "nl"
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]

    # Every font is embedded.
    fonts = subprocess.run(
        ["pdffonts", path], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts
    return pages


def test_workplan_pdf(django_capture_on_commit_callbacks):
    year = build_year(activities=6)
    version = render("workplan", year.year, django_capture_on_commit_callbacks)
    with translation.override("nl"):
        title = str(year.workplan.display_title)

    pages = check_document(
        version,
        title=title,
        expected_chapters=[
            "Inleiding en achtergrond",
            "Betrokkenheid van de leden",
            "A1 Themabijeenkomst nummer 1",
            "A6 Themabijeenkomst nummer 6",
        ],
    )

    text = "\n".join(pages)
    assert "Adopted by the Algemeen bestuur on 10 december" in text or "Vastgesteld" in text  # Dutch date
    assert "„Elke regio telt“" in text  # Dutch quotation marks in the Markdown chapters
    assert re.search(r"2 per (year|jaar) — 3 (held|gehouden)", text)
    assert "Voortgang A1" not in text  # progress reports are not part of the workplan


def test_annual_report_pdf(django_capture_on_commit_callbacks):
    year = build_year(municipalities=50, events=12, registrations_per_event=20)
    version = render("annual_report", year.year, django_capture_on_commit_callbacks)
    with translation.override("nl"):
        title = str(year.report.display_title)

    pages = check_document(
        version, title=title, expected_chapters=["Voorwoord van de voorzitter", "Terugblik op het jaar"]
    )

    text = "\n".join(pages)
    assert "12 events were held" in text or "12 bijeenkomsten" in text
    # The chart is in the PDF: every municipality's label and the three not reached marked in words.
    chart_page = next(
        page
        for page in pages
        if "Gemeente 50" in page and ("— not reached" in page or "— niet bereikt" in page)
    )
    assert all(f"Gemeente {n:02d}" in chart_page for n in range(1, 51))
    not_reached = report_annual.engagement(year=year.year).not_reached
    assert 0 < len(not_reached) < 50
    assert len(re.findall(r"0 — (not reached|niet bereikt)", chart_page)) == len(not_reached)
    assert "Voortgang A1, halfjaar 2." in text  # the year-end progress text


def test_a_concept_says_so_on_every_page(django_capture_on_commit_callbacks):
    year = build_year(workplan_status=Workplan.Status.CONCEPT)
    version = render("workplan", year.year, django_capture_on_commit_callbacks)
    reader = PdfReader(version.file.path)

    with translation.override("nl"):
        concept = translation.gettext("Concept").upper()
    for number in range(2, len(reader.pages) + 1):
        header = page_text(version.file.path, number).strip().splitlines()[0]
        assert concept in header
