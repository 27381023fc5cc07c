"""Composing, previewing, testing, sending and following an edition in the admin; the list."""

import pytest
from django.core import mail as django_mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from newsletters.models import Delivery, Item, Newsletter, Subscription
from tests.factories import MemberFactory, MunicipalityFactory, PersonFactory, RegionFactory

from .conftest import NewsletterFactory, SubscriptionFactory, png_bytes

pytestmark = pytest.mark.django_db


def _inline_management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_a_new_edition_gets_the_default_sections(client, secretariat):
    response = client.post(
        reverse("admin:newsletters_newsletter_add"),
        {"title": "Nieuwsbrief oktober", "slug": "oktober", "date": "2026-10-01", "intro": "Beste lezer,",
         **_inline_management("sections")},
    )  # fmt: skip

    assert response.status_code == 302, response.content.decode()[:2000]
    newsletter = Newsletter.objects.get()
    assert newsletter.created_by == secretariat
    assert list(newsletter.sections.values_list("title", flat=True)) == [
        "Vanuit het bestuur", "Provincie Zuid-Holland", "VNG", "Overig",
    ]  # fmt: skip


def _section_post(section, **item):
    data = {"title": section.title, "order": section.order, **_inline_management("items", total=1)}
    data.update({f"items-0-{key}": value for key, value in item.items()})
    data.setdefault("items-0-order", "0")
    return data


def test_an_item_with_a_wrong_image_is_refused_and_nothing_is_lost(client, secretariat):
    newsletter = NewsletterFactory(with_items=0)
    section = newsletter.sections.first()
    url = reverse("admin:newsletters_section_change", args=[section.pk])
    data = _section_post(
        section, title="Klimaatakkoord", text="Een lange tekst die niet verloren mag gaan.",
        image=SimpleUploadedFile("foto.png", b"MZ\x90\x00 not an image at all", content_type="image/png"),
        image_alt="Foto",
    )  # fmt: skip

    response = client.post(url, data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "This file is not a PNG, JPEG or WebP image." in page
    assert "Een lange tekst die niet verloren mag gaan." in page  # the typed text is still there
    assert not Item.objects.exists()

    data["items-0-image"] = SimpleUploadedFile("foto.png", png_bytes(), content_type="image/png")
    response = client.post(url, data)
    assert response.status_code == 302
    item = Item.objects.get()
    assert item.image and item.title == "Klimaatakkoord"
    # A concept's image is not public yet; staff can see it for the preview.
    image_url = reverse("newsletters:image", kwargs={"item_id": item.pk})
    assert client.get(image_url)["Content-Type"] == "image/png"
    client.logout()
    assert client.get(image_url).status_code == 404
    Newsletter.objects.filter(pk=newsletter.pk).update(status=Newsletter.Status.SENT)
    assert client.get(image_url).status_code == 200


def test_preview_is_the_mail_itself(client, secretariat):
    newsletter = NewsletterFactory(title="Voorbeeldeditie")
    url = reverse("admin:newsletters_newsletter_preview", args=[newsletter.pk])

    html = client.get(url)
    text = client.get(url + "?part=text")

    assert html.status_code == 200 and "Voorbeeldeditie" in html.content.decode()
    assert "Tekst van bericht 0" in html.content.decode()
    assert "'unsafe-inline'" in html["Content-Security-Policy"].split("style-src")[1].split(";")[0]
    assert "script-src 'self'" in html["Content-Security-Policy"]
    assert text["Content-Type"].startswith("text/plain") and "Tekst van bericht 0" in text.content.decode()


def test_send_a_test_to_myself_then_send_and_follow_progress(
    client, secretariat, django_capture_on_commit_callbacks
):
    person = PersonFactory(email=secretariat.email, first_name="Sanne", user=secretariat)
    newsletter = NewsletterFactory(title="Editie november")
    SubscriptionFactory.create_batch(3)
    url = reverse("admin:newsletters_newsletter_change", args=[newsletter.pk])
    form = {
        "title": newsletter.title,
        "slug": newsletter.slug,
        "date": newsletter.date.isoformat(),
        "intro": newsletter.intro,
    }
    sections = list(newsletter.sections.all())
    form.update(_inline_management("sections", total=len(sections), initial=len(sections)))
    for index, section in enumerate(sections):
        form.update({f"sections-{index}-id": section.pk, f"sections-{index}-newsletter": newsletter.pk,
                     f"sections-{index}-title": section.title,
                     f"sections-{index}-order": section.order})  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**form, "_send_test": "1"}, follow=True)

    assert f"A test has been sent to {secretariat.email}" in response.content.decode()
    [test] = django_mail.outbox
    assert test.to == [secretariat.email] and test.subject == "[TEST] Editie november"
    assert "Dear Sanne," in test.body
    assert not Delivery.objects.exists()
    assert person.pk

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**form, "_send_now": "1"}, follow=True)
    assert "Sending has started to 3 subscribers." in response.content.decode()

    page = client.get(url).content.decode()
    assert "3 sent, 0 queued, 0 failed of 3" in page
    assert len(django_mail.outbox) == 4
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.SENT

    # A sent edition can no longer be changed or sent again.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**form, "title": "Anders", "_send_now": "1"})
    newsletter.refresh_from_db()
    assert newsletter.title == "Editie november" and len(django_mail.outbox) == 4

    deliveries = client.get(
        reverse("admin:newsletters_delivery_changelist") + f"?newsletter__id__exact={newsletter.pk}"
    )
    assert deliveries.status_code == 200 and deliveries.content.decode().count("lezer") >= 3


def test_schedule_from_the_admin(client, secretariat):
    newsletter = NewsletterFactory()
    url = reverse("admin:newsletters_newsletter_change", args=[newsletter.pk])
    form = {"title": newsletter.title, "slug": newsletter.slug, "date": newsletter.date.isoformat(),
            "intro": "", **_inline_management("sections")}  # fmt: skip

    response = client.post(url, {**form, "_schedule": "1", "scheduled_for": "2020-01-01T09:00"}, follow=True)
    assert "Choose a moment in the future." in response.content.decode()

    response = client.post(url, {**form, "_schedule": "1", "scheduled_for": "2099-01-01T09:00"}, follow=True)
    assert "The edition will be sent at 01-01-2099 09:00." in response.content.decode()
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.SCHEDULED


def test_subscribe_people_by_function_and_region(client, secretariat):
    west = RegionFactory(name="West")
    east = RegionFactory(name="Oost")
    griffier_west = PersonFactory(organisation=MunicipalityFactory(region=west), function="griffier")
    PersonFactory(organisation=MunicipalityFactory(region=east), function="griffier")
    PersonFactory(organisation=griffier_west.organisation, function="wethouder")
    gone = PersonFactory(organisation=MunicipalityFactory(region=west), function="griffier")
    SubscriptionFactory(email=gone.email, person=gone, status=Subscription.Status.UNSUBSCRIBED)

    response = client.post(
        reverse("admin:newsletters_subscription_subscribe_people"),
        {"functions": ["griffier"], "regions": [west.pk]},
        follow=True,
    )

    assert (
        "1 subscribed, 0 already on the list, 1 left alone because they unsubscribed."
        in response.content.decode()
    )
    subscription = Subscription.objects.get(status="confirmed")
    assert (subscription.person, subscription.source) == (griffier_west, "staff")
    assert Subscription.objects.get(person=gone).status == "unsubscribed"


def test_import_addresses_reports_bad_lines(client, secretariat):
    upload = SimpleUploadedFile(
        "lijst.csv", b"naam;email\nAnna;anna@example.org\nBram;geen-adres\n", content_type="text/csv"
    )

    response = client.post(reverse("admin:newsletters_subscription_import"), {"file": upload})

    page = response.content.decode()
    assert response.status_code == 200
    assert "line 3: “geen-adres”" in page
    assert list(Subscription.objects.values_list("email", "source")) == [("anna@example.org", "import")]

    binary = SimpleUploadedFile("foto.csv", png_bytes(), content_type="text/csv")
    response = client.post(reverse("admin:newsletters_subscription_import"), {"file": binary})
    assert "The file is not a text (CSV) file." in response.content.decode()


def test_bounced_addresses_are_visible_to_staff(client, secretariat):
    SubscriptionFactory(
        email="kapot@example.org",
        bounced_at="2026-01-01T10:00Z",
        bounce_reason="550 5.1.1 Mailbox does not exist",
    )
    SubscriptionFactory(email="heel@example.org")

    page = client.get(reverse("admin:newsletters_subscription_changelist") + "?bounced=yes").content.decode()

    assert "kapot@example.org" in page and "550 5.1.1 Mailbox does not exist" in page
    assert "heel@example.org" not in page


def test_members_cannot_reach_the_newsletter_admin(client):
    client.force_login(MemberFactory().user)
    newsletter = NewsletterFactory()
    response = client.get(reverse("admin:newsletters_newsletter_preview", args=[newsletter.pk]))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_the_previews_image_source_is_the_site_url_of_the_moment(client, secretariat, settings):
    """The preview's CSP is computed per request, not when the admin module was imported."""
    settings.SITE_URL = "https://nieuw.vzhg.example/"
    newsletter = NewsletterFactory()

    html = client.get(reverse("admin:newsletters_newsletter_preview", args=[newsletter.pk]))

    img_src = html["Content-Security-Policy"].split("img-src")[1].split(";")[0]
    assert "https://nieuw.vzhg.example" in img_src


def test_subscribe_people_includes_regions_nested_at_any_depth(client, secretariat):
    province = RegionFactory(name="Zuid-Holland Zuid")
    district = RegionFactory(name="Drechtsteden", parent=province)
    town = RegionFactory(name="Dordrecht e.o.", parent=district)
    deep = PersonFactory(organisation=MunicipalityFactory(region=town), function="griffier")
    PersonFactory(organisation=MunicipalityFactory(region=RegionFactory(name="Elders")), function="griffier")

    client.post(
        reverse("admin:newsletters_subscription_subscribe_people"), {"regions": [province.pk]}, follow=True
    )

    assert list(Subscription.objects.values_list("person", flat=True)) == [deep.pk]
