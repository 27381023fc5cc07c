"""Materials of past events: presentations (files checked by content) and recording links, shown
on the event's page and in the archive, downloads as the event page (some only after login)."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from demo.samples import sample_office
from events.material_models import EventMaterial, material_kind
from events.models import Event
from tests.bombs import office_bomb
from tests.events.conftest import make_event
from tests.factories import MemberFactory, secretariat_user

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def pptx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types><Override PartName="/ppt/presentation.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/></Types>',
        )
        archive.writestr("ppt/presentation.xml", "<p:presentation/>")
    return buffer.getvalue()


def past_event(**fields) -> Event:
    starts = timezone.now() - timedelta(days=10)
    return make_event(starts_at=starts, ends_at=starts + timedelta(hours=2), **fields)


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


# --- the upload checks ---------------------------------------------------------------------------


def test_pdf_and_office_files_are_recognised_by_content():
    assert material_kind(upload("slides.pdf", PDF)) == "pdf"
    assert material_kind(upload("slides.pptx", pptx_bytes())) == "pptx"
    assert material_kind(upload("notes.bin", sample_office(kind="docx"))) == "docx"


@pytest.mark.parametrize(
    "name, content",
    [
        ("slides.pdf", b"<html><script>alert(1)</script></html>"),  # the name lies
        ("slides.pptx", b"PK\x03\x04 not really a zip"),
        ("photo.pdf", b"\x89PNG\r\n\x1a\n" + b"\0" * 100),
    ],
)
def test_other_files_are_refused(name, content):
    with pytest.raises(ValidationError):
        material_kind(upload(name, content))


def test_a_zip_bomb_is_refused_before_anything_is_unpacked():
    with pytest.raises(ValidationError) as error:
        material_kind(upload("slides.docx", office_bomb(kind="docx", unpacked_mb=200)))
    assert "material_wrong_type" not in str(error.value.code)


def test_too_large_a_file_is_refused():
    big = upload("slides.pdf", PDF)
    big.size = 31 * 1024 * 1024
    with pytest.raises(ValidationError, match="30 MB"):
        material_kind(big)


def test_a_material_is_a_file_or_a_link_not_both_nor_neither():
    event = past_event()
    with pytest.raises(IntegrityError):
        EventMaterial.objects.create(event=event, title="Leeg")


# --- where they show -----------------------------------------------------------------------------


@pytest.fixture
def materials():
    event = past_event(title="Webinar omgevingswet")
    slides = EventMaterial.objects.create(
        event=event, title="Presentatie provincie", file=upload("slides.pdf", PDF), order=1
    )
    recording = EventMaterial.objects.create(event=event, url="https://video.example.org/webinar", order=2)
    members_only = EventMaterial.objects.create(
        event=event,
        title="Sheets voor leden",
        file=upload("leden.pptx", pptx_bytes()),
        login_required=True,
        order=3,
    )
    return event, slides, recording, members_only


def test_the_event_page_and_the_archive_show_the_materials(client, materials):
    event, slides, recording, members_only = materials

    for path in [event.get_absolute_url(), reverse("events:archive")]:
        page = client.get(path).content.decode()
        assert "Presentatie provincie" in page
        assert slides.get_absolute_url() in page
        assert 'href="https://video.example.org/webinar"' in page
        assert "Kijk hier het webinar terug" in page  # a recording without a title
        assert "Sheets voor leden" not in page  # only after login


def test_a_logged_in_member_sees_the_members_materials(client, materials):
    event, _slides, _recording, members_only = materials
    client.force_login(MemberFactory().user)

    page = client.get(event.get_absolute_url()).content.decode()

    assert "Sheets voor leden" in page
    response = client.get(members_only.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="sheets-voor-leden.pptx"')


def test_downloads_follow_the_event(client, materials):
    event, slides, _recording, members_only = materials

    response = client.get(slides.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF

    # only after login: anonymous visitors go to the login page
    response = client.get(members_only.get_absolute_url())
    assert response.status_code == 302 and response["Location"].startswith("/account/login/")

    # a draft event's materials, or a material under another event's address: 404
    other = past_event()
    assert (
        client.get(reverse("events:material", kwargs={"slug": other.slug, "pk": slides.pk})).status_code
        == 404
    )
    Event.objects.filter(pk=event.pk).update(status=Event.Status.DRAFT)
    assert client.get(slides.get_absolute_url()).status_code == 404
    client.force_login(secretariat_user())
    assert client.get(slides.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("size", [5, 50])
def test_archive_query_count_does_not_grow(client, django_assert_num_queries, size):
    for n in range(size):
        event = past_event(title=f"Webinar {n}")
        EventMaterial.objects.create(event=event, url=f"https://video.example.org/{n}")

    # the events, their materials
    with django_assert_num_queries(2):
        response = client.get(reverse("events:archive"))
    assert response.content.decode().count("video.example.org/") == size
