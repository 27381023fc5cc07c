"""Newsletter images: a picture with too many pixels is refused in the form (never a 500, never
mailed), and an accepted one is stored re-encoded — upright, without metadata, bounded in size."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from newsletters.models import Item
from tests.bombs import png_bomb

from .conftest import NewsletterFactory
from .test_admin import _section_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def section(client, secretariat):
    client.cookies["django_language"] = "en"
    return NewsletterFactory(with_items=0).sections.first()


def post_item(client, section, content: bytes, name: str = "foto.png"):
    data = _section_post(
        section, title="Klimaatakkoord", text="Een tekst die niet verloren mag gaan.",
        image=SimpleUploadedFile(name, content), image_alt="Foto",
    )  # fmt: skip
    return client.post(reverse("admin:newsletters_section_change", args=[section.pk]), data)


@pytest.mark.parametrize("side", [20000, 10000])
def test_an_image_with_too_many_pixels_is_refused_in_the_form(client, section, side):
    response = post_item(client, section, png_bomb(side, side))

    assert response.status_code == 200
    page = response.content.decode()
    assert "at most 25 megapixels is allowed" in page
    assert "Een tekst die niet verloren mag gaan." in page
    assert not Item.objects.exists()


def test_the_pixel_message_names_the_size_when_pillow_can_read_it(client, section):
    response = post_item(client, section, png_bomb(6000, 5000))

    assert "The image is 6000 × 5000 pixels; at most 25 megapixels is allowed." in response.content.decode()


def test_the_pixel_message_is_dutch_by_default(client, section):
    client.cookies["django_language"] = "nl"
    response = post_item(client, section, png_bomb(20000, 20000))

    assert response.status_code == 200
    assert "megapixel" in response.content.decode()
    assert "at most 25 megapixels" not in response.content.decode()


def test_an_accepted_photo_is_stored_upright_without_metadata_and_bounded(client, section):
    photo = Image.new("RGB", (3000, 1500), (0, 85, 140))
    exif = Image.Exif()
    exif[0x010F] = "Camera van de secretaris"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° to show
    buffer = io.BytesIO()
    photo.save(buffer, format="JPEG", exif=exif, comment=b"Kantoor Den Haag")

    response = post_item(client, section, buffer.getvalue(), name="foto.jpg")

    assert response.status_code == 302
    item = Item.objects.get()
    with item.image.open("rb") as handle, Image.open(handle) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (1000, 2000)  # turned upright, long side at most 2000 px
        assert not stored.getexif()
        assert "comment" not in stored.info and "exif" not in stored.info
