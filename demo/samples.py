"""Small generated documents for the demo data, the tests and the benchmark (fictional text).

The tests and benchmarks import them from here too (tests are not an app: they may import demo)."""

import io
import zipfile

from vzhg.pdf import render_pdf

FILLER = [
    "Dit stuk is gegenereerd voor de demonstratie van het bestuursportaal.",
    "De inhoud is fictief; namen en bedragen zijn verzonnen.",
]


def sample_pdf(*, title: str, pages: int = 1) -> bytes:
    """A PDF of `pages` A4 pages, each headed with `title` and its page number."""
    return render_pdf(
        template_name="pdf/governance_sample.html",
        context={
            "title": title,
            "pages": [f"{title} — blad {n}" for n in range(1, pages + 1)],
            "lines": FILLER,
        },
        pdf_variant=None,
    )


_CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}


def sample_office(*, kind: str) -> bytes:
    """A minimal Office Open XML package (.docx or .xlsx) with the right [Content_Types].xml."""
    part = "/word/document.xml" if kind == "docx" else "/xl/workbook.xml"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="{part}" ContentType="{_CONTENT_TYPES[kind]}"/></Types>',
        )
        archive.writestr(part.lstrip("/"), "<document/>")
    return buffer.getvalue()
