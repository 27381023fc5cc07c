import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture(autouse=True)
def _dutch(settings):
    settings.LANGUAGE_CODE = "nl"
    with translation.override("nl"):
        yield


def pdf_upload(name: str = "programma.pdf", size: int = 0) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF + b"0" * size, content_type="application/pdf")


def docx_upload(
    name: str = "notitie.docx", main: bytes = b"wordprocessingml.document.main+xml"
) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", b"<Types>" + main + b"</Types>")
        archive.writestr("word/document.xml", b"<w:document/>")
    return SimpleUploadedFile(name, buffer.getvalue())
