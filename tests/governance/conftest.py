"""Fixtures for governance: a small association with an AB (public) and a DB (closed), their
members, published meetings with documents, and helpers that make real PDF and Office files."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from pypdf import PdfReader, PdfWriter

from demo.samples import sample_office, sample_pdf
from governance.board import documents as board_documents
from governance.models import AgendaItem, Body, Mandate, Meeting, Workplan
from tests.factories import MemberFactory, secretariat_user, staff_without_rights


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests read messages and pages in English (the site's default is Dutch, and the Dutch
    catalogue is tested in tests/test_i18n.py): English is the fallback language here."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _media(request, settings, tmp_path):
    """Files in a per-test folder; tests with a real worker keep the shared test media folder,
    which the worker process writes to as well."""
    if request.node.get_closest_marker("services") is None:
        settings.MEDIA_ROOT = tmp_path / "media"


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def pdf_upload(name: str = "stuk.pdf", *, title: str = "Stuk", pages: int = 1) -> SimpleUploadedFile:
    return upload(name, sample_pdf(title=title, pages=pages))


def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(sample_pdf(title="Geheim"))))
    writer.encrypt("geheim")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def corrupt_pdf() -> bytes:
    return b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nthis is not a pdf at all\n%%EOF\n"


def office_upload(kind: str) -> SimpleUploadedFile:
    return upload(f"bijlage.{kind}", sample_office(kind=kind))


@pytest.fixture
def bodies(db):
    return {
        "ab": Body.objects.create(
            name="Algemeen bestuur", slug="ab", kind=Body.Kind.AB, public_meetings=True, order=1
        ),
        "db": Body.objects.create(name="Dagelijks bestuur", slug="db", kind=Body.Kind.DB, order=2),
        "alv": Body.objects.create(name="Algemene ledenvergadering", slug="alv", kind=Body.Kind.ALV, order=0),
    }


def seat(person, body, role=Mandate.Role.LID, start=datetime.date(2024, 1, 1), end=None):
    return Mandate.objects.create(person=person, body=body, role=role, start=start, end=end)


@pytest.fixture
def people(bodies):
    """A DB member, an AB member, a plain member, and staff."""
    db_member = MemberFactory()
    ab_member = MemberFactory()
    seat(db_member, bodies["db"], Mandate.Role.VOORZITTER)
    seat(db_member, bodies["ab"], Mandate.Role.VOORZITTER)
    seat(ab_member, bodies["ab"])
    return {
        "db_member": db_member.user,
        "ab_member": ab_member.user,
        "member": MemberFactory().user,
        "staff": secretariat_user(),
        "staff_without_rights": staff_without_rights(),
    }


def make_meeting(
    body, *, days=10, title="Vergadering", items=3, confidential=False, status=Meeting.Status.PUBLISHED
):
    meeting = Meeting.objects.create(
        body=body,
        title=title,
        starts_at=timezone.now() + datetime.timedelta(days=days),
        location="VNG, Den Haag",
        status=status,
    )
    for n in range(1, items + 1):
        AgendaItem.objects.create(
            meeting=meeting,
            order=n,
            title=f"Agendapunt {n}",
            kind=AgendaItem.Kind.BESLUITVORMING,
            proposal=f"Voorstel nummer {n}: het bestuur besluit in te stemmen.",
            confidential=confidential and n == items,
        )
    return meeting


def add_pdf(item, *, pages=1, title=None):
    return board_documents.document_add(
        item=item,
        title=title or f"Bijlage bij {item.title}",
        uploaded=pdf_upload(title=item.title, pages=pages),
    )


@pytest.fixture
def plan(db):
    """The workplan of the figures' year (tests/governance/report_counts.YEAR)."""
    from .report_counts import YEAR

    return Workplan.objects.create(year=YEAR)
