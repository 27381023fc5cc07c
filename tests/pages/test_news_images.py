"""A news item's image (issue 16): checked by content, size and pixel count, re-encoded without
metadata, required alt text, shown with width and height on the item, the list and the home page,
served only for published items, and its file deleted with the item."""

import io
import os

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse

from pages.models import NewsItem
from tests.bombs import png_bomb
from tests.factories import secretariat_user

from .conftest import make_news

pytestmark = pytest.mark.django_db

ADD = reverse("admin:pages_newsitem_add")


def png_bytes(size=(40, 30), *, with_text_chunk: bool = False) -> bytes:
    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    if with_text_chunk:
        info.add_text("Author", "Geheime Fotograaf")
    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 85, 140)).save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def secretariat(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    client.force_login(secretariat_user())
    return client


def _add(client, upload, alt="Het nieuwe bestuur op de trap van het provinciehuis"):
    data = {
        "published_on": "2026-11-20",
        "published": "on",
        "title_nl": "Nieuw bestuur",
        "body_nl": "Gekozen.",
        "title_en": "",
        "body_en": "",
        "image": upload,
        "image_alt": alt,
    }
    return client.post(ADD, data)


def test_an_image_is_stored_without_metadata_and_shown_with_its_size(client, secretariat):
    response = _add(secretariat, SimpleUploadedFile("bestuur.png", png_bytes(with_text_chunk=True)))
    assert response.status_code == 302
    item = NewsItem.objects.get()
    assert (item.image_width, item.image_height) == (40, 30)
    assert b"Geheime Fotograaf" not in item.image.read()

    client.logout()
    for url in (item.get_absolute_url(), reverse("pages:news"), reverse("home")):
        page = client.get(url).content.decode()
        assert f'src="{item.image_url}" width="40" height="30"' in page, url
        assert 'alt="Het nieuwe bestuur op de trap van het provinciehuis"' in page, url

    served = client.get(item.image_url)
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content).startswith(b"\x89PNG")


def test_an_image_needs_a_description(secretariat):
    response = _add(secretariat, SimpleUploadedFile("bestuur.png", png_bytes()), alt="")
    assert response.status_code == 200
    assert "Beschrijf de afbeelding voor lezers die hem niet kunnen zien." in response.content.decode()
    assert not NewsItem.objects.exists()


def test_the_database_holds_the_description_rule_too():
    item = make_news()
    with pytest.raises(IntegrityError):
        NewsItem.objects.filter(pk=item.pk).update(image="pages/news/x.png", image_alt="")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bestuur.png", b"<html><script>alert(1)</script></html>", "geen PNG-, JPEG- of WebP-afbeelding"),
        ("bom.png", png_bomb(10_000, 10_000), "megapixel"),
        ("groot.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (2 * 1024 * 1024 + 1), "Maximaal 2 MB"),
    ],
)
def test_what_is_no_image_too_big_or_a_bomb_is_refused(secretariat, name, content, message):
    response = _add(secretariat, SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not NewsItem.objects.exists()


def test_a_drafts_image_is_not_served(client):
    item = make_news(published=False, image=SimpleUploadedFile("x.png", png_bytes()), image_alt="Een foto")
    assert client.get(reverse("pages:news_image", kwargs={"pk": item.pk})).status_code == 404
    NewsItem.objects.filter(pk=item.pk).update(published=True)
    assert client.get(reverse("pages:news_image", kwargs={"pk": item.pk})).status_code == 200


def test_deleting_a_news_item_deletes_its_file_and_a_replaced_image_goes(
    secretariat, django_capture_on_commit_callbacks
):
    item = make_news(image=SimpleUploadedFile("eerste.png", png_bytes()), image_alt="Eerste foto")
    first = item.image.path
    with django_capture_on_commit_callbacks(execute=True):
        item.image = SimpleUploadedFile("tweede.png", png_bytes())
        item.save()
    assert not os.path.exists(first)
    second = item.image.path
    assert os.path.exists(second)

    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat.post(
            reverse("admin:pages_newsitem_changelist"),
            {"action": "delete_selected", "_selected_action": [item.pk], "post": "yes"},
        )
    assert response.status_code == 302
    assert not NewsItem.objects.exists()
    assert not os.path.exists(second)
