import io

import pytest
from pypdf import PdfReader

from vzhg.pdf import PDF_BASE_URL, render_pdf, static_url_fetcher


@pytest.fixture
def template_dir(tmp_path, settings):
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    return tmp_path


def test_render_pdf_gives_a_tagged_pdf_with_title_language_and_our_stylesheet(template_dir):
    (template_dir / "doc.html").write_text(
        '{% load static %}<html lang="nl"><head><title>Proefdocument</title>'
        '<link rel="stylesheet" href="{% static \'css/vzhg.css\' %}"></head>'
        "<body><h1>Hallo</h1></body></html>"
    )
    pdf = render_pdf(template_name="doc.html", context={})
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata.title == "Proefdocument"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "nl"
    assert "/StructTreeRoot" in root
    assert "Hallo" in reader.pages[0].extract_text()


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/x.css",
        "https://example.org/static/css/vzhg.css",
        "file:///etc/passwd",
        PDF_BASE_URL + "static/../../etc/passwd",
        PDF_BASE_URL + "etc/passwd",
    ],
)
def test_pdf_fetcher_refuses_anything_but_our_static_files(url):
    with pytest.raises(ValueError):
        static_url_fetcher().fetch(url)


def test_pdf_fetcher_reads_our_static_files():
    response = static_url_fetcher().fetch(PDF_BASE_URL + "static/css/vzhg.css")
    assert b"--vzhg-blue" in response.read()
