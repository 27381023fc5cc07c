"""What an edition becomes: sanitised Markdown, checked images, the agenda, the mail parts."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from events.models import Event
from governance.models import Body, Meeting
from newsletters.models import Item, Newsletter
from newsletters.rendering import agenda_entries, edition_render, mail_render
from newsletters.selectors import newsletter_full
from vzhg.markdown import markdown_to_html

from .conftest import NewsletterFactory, SubscriptionFactory, png_bytes

pytestmark = pytest.mark.django_db


def test_markdown_keeps_formatting_and_removes_scripts():
    html = markdown_to_html(
        "**Vet** en [VNG](https://vng.nl)\n\n<script>alert('x')</script>\n\n"
        "[klik](javascript:alert(1)) <img src=x onerror=alert(1)> <b onclick=x>b</b>"
    )

    assert "<strong>Vet</strong>" in html
    assert 'href="https://vng.nl"' in html
    assert "<script" not in html and "alert('x')" not in html
    assert (
        "javascript:" not in html and "onerror" not in html and "onclick" not in html and "<img" not in html
    )


def test_script_in_an_item_never_reaches_the_mail_or_the_page(client):
    newsletter = NewsletterFactory(with_items=0, status=Newsletter.Status.SENT)
    Item.objects.create(
        section=newsletter.sections.first(), title="Gevaarlijk", text="Hallo <script>steal()</script> wereld"
    )
    full = newsletter_full().get(pk=newsletter.pk)

    mail = mail_render(edition=edition_render(newsletter=full), subscription=SubscriptionFactory())
    page = client.get(newsletter.get_absolute_url()).content.decode()

    for text in (mail["html"], mail["text"], page):
        assert "Hallo" in text and "wereld" in text
        assert "<script>steal" not in text and "steal()" not in text


def _upload(name, content, content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_an_image_is_checked_by_its_content_and_size():
    newsletter = NewsletterFactory(with_items=0)
    section = newsletter.sections.first()

    good = Item(
        section=section, title="Foto", image=_upload("foto.png", png_bytes()), image_alt="Het provinciehuis"
    )
    good.full_clean()

    fake = Item(
        section=section, title="Nep", image=_upload("foto.png", b"%PDF-1.7 not an image"), image_alt="x"
    )
    with pytest.raises(ValidationError) as error:
        fake.full_clean()
    assert "not a PNG, JPEG or WebP image" in str(error.value)

    gif = Item(
        section=section,
        title="Gif",
        image=_upload("a.gif", b"GIF89a" + b"\x00" * 20, "image/gif"),
        image_alt="x",
    )
    with pytest.raises(ValidationError):
        gif.full_clean()

    big = Item(
        section=section,
        title="Groot",
        image=_upload("big.png", png_bytes() + b"\x00" * (2 * 1024 * 1024)),
        image_alt="x",
    )
    with pytest.raises(ValidationError) as error:
        big.full_clean()
    assert "at most 2 MB" in str(error.value)

    no_alt = Item(section=section, title="Zonder", image=_upload("foto.png", png_bytes()))
    with pytest.raises(ValidationError) as error:
        no_alt.full_clean()
    assert "image_alt" in error.value.message_dict


def test_agenda_lists_published_events_and_meetings_of_the_coming_weeks(settings):
    settings.NEWSLETTER_AGENDA_WEEKS = 8
    now = timezone.now()

    def event(title, days, status=Event.Status.PUBLISHED):
        starts = now + datetime.timedelta(days=days)
        return Event.objects.create(
            title=title, slug=title.lower().replace(" ", "-"), kind=Event.Kind.NETWORK, status=status,
            starts_at=starts, ends_at=starts + datetime.timedelta(hours=2), venue_name="Provinciehuis",
        )  # fmt: skip

    event("Najaarscongres", 20)
    event("Concept bijeenkomst", 10, status=Event.Status.DRAFT)
    event("Te ver weg", 70)
    event("Al geweest", -2)
    body = Body.objects.create(name="Algemeen bestuur", slug="ab", kind=Body.Kind.AB)
    Meeting.objects.create(
        body=body,
        title="Vergadering AB",
        starts_at=now + datetime.timedelta(days=5),
        status=Meeting.Status.PUBLISHED,
    )
    Meeting.objects.create(
        body=body,
        title="Concept DB",
        starts_at=now + datetime.timedelta(days=6),
        status=Meeting.Status.CONCEPT,
    )

    entries = agenda_entries()

    assert [entry["title"] for entry in entries] == ["Vergadering AB", "Najaarscongres"]
    assert entries[1]["where"] == "Provinciehuis"
    assert entries[1]["url"].endswith("/agenda/najaarscongres/") or "najaarscongres" in entries[1]["url"]
    assert entries[0]["url"] == ""  # meeting pages carry a token; the newsletter never links them

    # The agenda is frozen when sending starts: the archive keeps showing what was sent.
    newsletter = NewsletterFactory()
    full = newsletter_full().get(pk=newsletter.pk)
    mail = mail_render(edition=edition_render(newsletter=full))
    assert "Najaarscongres" in mail["html"] and "Vergadering AB" in mail["text"]
    assert "Concept bijeenkomst" not in mail["html"] and "Te ver weg" not in mail["html"]


def test_mail_has_greeting_links_and_no_external_resources(settings):
    settings.SITE_URL = "https://vzhg.example.nl"
    newsletter = NewsletterFactory()
    item = Item.objects.create(
        section=newsletter.sections.first(), title="Met foto", text="x",
        image=_upload("foto.png", png_bytes()), image_alt="Foto van de vergadering",
    )  # fmt: skip
    subscription = SubscriptionFactory(person=None)
    full = newsletter_full().get(pk=newsletter.pk)

    mail = mail_render(edition=edition_render(newsletter=full), subscription=subscription, first_name="Anna")

    assert "Dear Anna," in mail["html"] and "Dear Anna," in mail["text"]
    assert "<script" not in mail["html"] and "<link" not in mail["html"] and "<style" not in mail["html"]
    assert f'src="https://vzhg.example.nl/nieuwsbrief/afbeelding/{item.pk}/"' in mail["html"]
    import re

    sources = re.findall(r'src="([^"]+)"', mail["html"])
    assert sources and all(src.startswith("https://vzhg.example.nl/") for src in sources)
    assert mail["unsubscribe_url"].startswith("https://vzhg.example.nl/nieuwsbrief/afmelden/")
    assert mail["headers"]["List-Unsubscribe"] == (
        f"<{mail['unsubscribe_url']}>, <mailto:secretariaat@vzhg.nl?subject=unsubscribe>"
    )
    assert mail["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail["web_url"] == f"https://vzhg.example.nl/nieuwsbrief/{newsletter.slug}/"
    assert mail["web_url"] in mail["html"] and mail["unsubscribe_url"] in mail["text"]
