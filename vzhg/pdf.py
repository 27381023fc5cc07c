"""PDF rendering with WeasyPrint: a plain function of (template, context).

WeasyPrint gets a URL fetcher that reads only our own static files, so a document can never make
the server fetch anything from the network or from the file system outside the static files.
Templates link their stylesheets and images with `{% static %}` as usual.
"""

import mimetypes
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
