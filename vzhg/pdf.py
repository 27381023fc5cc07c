"""PDF rendering with WeasyPrint: a plain function of (template, context).

WeasyPrint gets a URL fetcher that reads only our own static files, so a document can never make
the server fetch anything from the network or from the file system outside the static files.
Templates link their stylesheets and images with `{% static %}` as usual.
"""

import io
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

# Relative URLs in a document resolve against this made-up origin; the fetcher maps it back to
# the static files and refuses any other address.
PDF_BASE_URL = "https://pdf.vzhg.invalid/"


def _static_path(url: str) -> Path | None:
    prefix = PDF_BASE_URL.rstrip("/") + settings.STATIC_URL
    if not url.startswith(prefix):
        return None
    relative = url.removeprefix(prefix).split("?", 1)[0].split("#", 1)[0]
    if ".." in Path(relative).parts:
        return None
    found = finders.find(relative)
    if found:
        return Path(found)
    candidate = Path(settings.STATIC_ROOT) / relative
    return candidate if candidate.is_file() else None


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # lazy: WeasyPrint loads Pango

    class StaticOnlyURLFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = _static_path(url)
            if path is None:
                raise ValueError(f"A PDF may only load our own static files, not {url!r}")
            mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mimetype})

    return StaticOnlyURLFetcher


def static_url_fetcher():
    """A WeasyPrint URL fetcher that serves our static files and refuses everything else."""
    return _fetcher_class()(allowed_protocols={"https", "data"})


def render_pdf(
    *,
    template_name: str,
    context: dict,
    language: str | None = None,
    pdf_variant: str | None = "pdf/ua-1",
) -> bytes:
    """Render a Django template to PDF bytes. `pdf_variant='pdf/ua-1'` gives a tagged PDF that
    carries the document's language and title (from the template's <html lang> and <title>)."""
    from weasyprint import HTML

    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        html = render_to_string(template_name, context)
    document = HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=static_url_fetcher())
    options = {"pdf_variant": pdf_variant} if pdf_variant else {}
    return document.write_pdf(**options)


# --- text stamped onto existing PDFs (page numbers of the meeting pack) ------------------------

# The stamp's font: a TrueType font embedded in the PDF (a standard font such as Helvetica would
# not be embedded, which PDF/UA and archiving forbid). Liberation Sans (fonts-liberation2) or
# DejaVu Sans, both installed by the Dockerfile and by scripts/test.
STAMP_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)
_STAMP_FIRST_CHAR, _STAMP_LAST_CHAR = 32, 126  # printable ASCII: digits, letters, punctuation


def stamp_font_path() -> Path:
    for candidate in STAMP_FONT_CANDIDATES:
        if Path(candidate).is_file():
            return Path(candidate)
    raise FileNotFoundError(
        "No font for the page stamp: install fonts-liberation2 or fonts-dejavu-core ("
        + ", ".join(STAMP_FONT_CANDIDATES)
        + ")"
    )


@dataclass
class EmbeddedFont:
    """A simple TrueType font (WinAnsi, printable ASCII) embedded once in a pypdf writer."""

    reference: object  # pypdf IndirectObject of the /Font dictionary
    widths: dict[int, float]  # character code → advance width in 1/1000 em

    def width(self, text: str, size: float) -> float:
        return sum(self.widths.get(ord(char), self.widths[ord("?")]) for char in text) * size / 1000

    @staticmethod
    def encode(text: str) -> bytes:
        """Text as a PDF string literal body, limited to the embedded characters."""
        safe = "".join(char if _STAMP_FIRST_CHAR <= ord(char) <= _STAMP_LAST_CHAR else "?" for char in text)
        return safe.encode("ascii").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def stamp_font_embed(writer) -> EmbeddedFont:
    """Embed a subset (printable ASCII) of the stamp font in `writer` as a TrueType font with its
    FontFile2, and return it for content streams that use it."""
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        NumberObject,
    )

    path = stamp_font_path()
    font = TTFont(str(path))
    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "kern", "FFTM"]
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=range(_STAMP_FIRST_CHAR, _STAMP_LAST_CHAR + 1))
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    data = buffer.getvalue()

    scale = 1000 / font["head"].unitsPerEm
    cmap = font.getBestCmap()
    metrics = font["hmtx"].metrics
    widths = {
        code: round(metrics[cmap[code]][0] * scale) if code in cmap else 0
        for code in range(_STAMP_FIRST_CHAR, _STAMP_LAST_CHAR + 1)
    }
    head, hhea, os2 = font["head"], font["hhea"], font.get("OS/2")
    postscript = font["name"].getDebugName(6) or path.stem
    base_font = "VZHGAA+" + postscript.replace(" ", "")

    file_stream = DecodedStreamObject()
    file_stream.set_data(data)
    file_stream[NameObject("/Length1")] = NumberObject(len(data))
    font_file = file_stream.flate_encode()
    descriptor = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/FontDescriptor"),
            NameObject("/FontName"): NameObject("/" + base_font),
            NameObject("/Flags"): NumberObject(32),  # non-symbolic
            NameObject("/FontBBox"): ArrayObject(
                [NumberObject(round(v * scale)) for v in (head.xMin, head.yMin, head.xMax, head.yMax)]
            ),
            NameObject("/ItalicAngle"): NumberObject(0),
            NameObject("/Ascent"): NumberObject(round(hhea.ascent * scale)),
            NameObject("/Descent"): NumberObject(round(hhea.descent * scale)),
            NameObject("/CapHeight"): NumberObject(
                round(getattr(os2, "sCapHeight", hhea.ascent) * scale) if os2 else round(hhea.ascent * scale)
            ),
            NameObject("/StemV"): NumberObject(80),
            NameObject("/FontFile2"): writer._add_object(font_file),
        }
    )
    font_dict = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/TrueType"),
            NameObject("/BaseFont"): NameObject("/" + base_font),
            NameObject("/FirstChar"): NumberObject(_STAMP_FIRST_CHAR),
            NameObject("/LastChar"): NumberObject(_STAMP_LAST_CHAR),
            NameObject("/Widths"): ArrayObject([FloatObject(widths[code]) for code in sorted(widths)]),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            NameObject("/FontDescriptor"): writer._add_object(descriptor),
        }
    )
    return EmbeddedFont(reference=writer._add_object(font_dict), widths=widths)
