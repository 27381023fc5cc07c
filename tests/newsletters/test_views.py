"""The public pages, the subscribe / confirm / unsubscribe flow, the profile card."""

import re

import pytest
from django.core import mail as django_mail
from django.test import Client
from django.urls import reverse

from newsletters.models import Newsletter, Subscription
from newsletters.services import sending, subscriptions
from newsletters.tokens import confirm_token, unsubscribe_token
from tests.factories import MemberFactory

from .conftest import NewsletterFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db


def _link(text: str, name: str) -> str:
    return re.search(rf"https?://\S+/nieuwsbrief/{name}/\S+/", text).group(0)


def test_subscribe_needs_confirmation_before_anything_is_sent(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("newsletters:subscribe"), {"email": "  Nieuw@Example.org "}, follow=True
        )

    assert "we have sent a confirmation link to nieuw@example.org" in response.content.decode()
    subscription = Subscription.objects.get()
    assert (subscription.email, subscription.status, subscription.source) == (
        "nieuw@example.org",
        "pending",
        "public",
    )
    [confirmation] = django_mail.outbox
    assert confirmation.to == ["nieuw@example.org"]

    # An edition sent now does not reach the unconfirmed address.
    with django_capture_on_commit_callbacks(execute=True):
        assert sending.newsletter_send(newsletter=NewsletterFactory()) == 0
    assert len(django_mail.outbox) == 1

    link = _link(confirmation.body, "bevestigen")
    response = client.get(link.replace("http://127.0.0.1:8000", ""))

    assert response.status_code == 200
    assert "Subscription confirmed" in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.status == "confirmed" and subscription.confirmed_at is not None


def test_subscribe_with_an_invalid_address_says_so_and_stores_nothing(client):
    response = client.post(reverse("newsletters:subscribe"), {"email": "niet-een-adres"})

    assert response.status_code == 400
    assert "Enter a valid e-mail address" in response.content.decode()
    assert not Subscription.objects.exists() and django_mail.outbox == []


def test_subscribing_an_address_already_on_the_list_reveals_nothing(
    client, django_capture_on_commit_callbacks
):
    SubscriptionFactory(email="al@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("newsletters:subscribe"), {"email": "al@example.org"}, follow=True)

    assert "we have sent a confirmation link" in response.content.decode()
    assert django_mail.outbox == [] and Subscription.objects.get().status == "confirmed"


@pytest.mark.parametrize("name", ["confirm", "unsubscribe"])
def test_a_tampered_token_gets_a_clear_answer(client, name):
    subscription = SubscriptionFactory(status=Subscription.Status.PENDING)
    token = confirm_token(subscription) if name == "confirm" else unsubscribe_token(subscription)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")

    for method in (client.get, client.post):
        response = method(reverse(f"newsletters:{name}", kwargs={"token": tampered}))
        assert response.status_code == 400
        assert "This link does not work" in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.status == "pending"


def test_a_confirm_token_cannot_be_moved_to_another_subscription(client):
    first = SubscriptionFactory(status=Subscription.Status.PENDING)
    token = confirm_token(first)
    first.delete()
    SubscriptionFactory(status=Subscription.Status.PENDING)  # may get the same pk on some databases

    response = client.get(reverse("newsletters:confirm", kwargs={"token": token}))

    assert response.status_code == 400
    assert not Subscription.objects.filter(status="confirmed").exists()


def test_one_click_unsubscribe_works_without_csrf_and_is_immediate():
    subscription = SubscriptionFactory()
    url = reverse("newsletters:unsubscribe", kwargs={"token": unsubscribe_token(subscription)})
    client = Client(enforce_csrf_checks=True)

    page = client.get(url)
    assert page.status_code == 200 and "Unsubscribe" in page.content.decode()
    subscription.refresh_from_db()
    assert subscription.status == "confirmed"  # a GET (a link scanner) changes nothing

    # RFC 8058: the mail client POSTs List-Unsubscribe=One-Click, no cookie, no CSRF token.
    response = client.post(url, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.status == "unsubscribed" and subscription.unsubscribed_at is not None


def test_an_import_never_undoes_an_unsubscribe(secretariat):
    subscription = SubscriptionFactory(email="weg@example.org")
    subscriptions.subscription_unsubscribe(subscription=subscription)

    report = subscriptions.subscription_import(text="email\nweg@example.org\nnieuw@example.org\nkapot@\n")

    assert report.unsubscribed == ["weg@example.org"] and report.created == ["nieuw@example.org"]
    assert report.invalid == [(4, "kapot@")]
    assert Subscription.objects.get(email="weg@example.org").status == "unsubscribed"
    assert Subscription.objects.get(email="nieuw@example.org").status == "confirmed"


def test_profile_card_subscribes_and_unsubscribes_the_person(client):
    person = MemberFactory()
    client.force_login(person.user)

    page = client.get(reverse("members:profile")).content.decode()
    assert "You do not receive the VZHG newsletter." in page

    client.post(reverse("newsletters:profile_subscription"), {"subscribe": "1"})
    subscription = Subscription.objects.get()
    assert (subscription.person, subscription.email, subscription.status) == (
        person,
        person.email,
        "confirmed",
    )
    assert "You receive the VZHG newsletter at" in client.get(reverse("members:profile")).content.decode()

    client.post(reverse("newsletters:profile_subscription"), {"subscribe": "0"})
    subscription.refresh_from_db()
    assert subscription.status == "unsubscribed"


def test_archive_lists_sent_editions_only(client):
    sent = NewsletterFactory(status=Newsletter.Status.SENT, title="September-editie")
    concept = NewsletterFactory(title="Geheime concepteditie")

    page = client.get(reverse("newsletters:archive")).content.decode()

    assert "September-editie" in page and "Geheime concepteditie" not in page
    assert client.get(sent.get_absolute_url()).status_code == 200
    assert client.get(concept.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("size", [3, 30])
def test_archive_query_count_does_not_grow(client, django_assert_num_queries, size):
    for _ in range(size):
        NewsletterFactory(status=Newsletter.Status.SENT, with_items=0)
    with django_assert_num_queries(1):
        response = client.get(reverse("newsletters:archive"))
    assert response.content.decode().count("/nieuwsbrief/nieuwsbrief-") == size


@pytest.mark.parametrize("size", [2, 20])
def test_edition_page_query_count_does_not_grow(client, django_assert_num_queries, size):
    newsletter = NewsletterFactory(status=Newsletter.Status.SENT, with_items=size)
    with django_assert_num_queries(3):
        response = client.get(newsletter.get_absolute_url())
    assert response.content.decode().count("Tekst van bericht") == size


def _edition_with_image(status):
    import datetime

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from newsletters.models import Item

    from .conftest import png_bytes

    scheduled_for = (
        timezone.now() + datetime.timedelta(days=2) if status == Newsletter.Status.SCHEDULED else None
    )
    newsletter = NewsletterFactory(
        status=status, title="Editie met foto", with_items=1, scheduled_for=scheduled_for
    )
    item = Item.objects.get(section__newsletter=newsletter)
    item.image.save("foto.png", ContentFile(png_bytes()), save=True)
    return newsletter, reverse("newsletters:image", kwargs={"item_id": item.pk})


@pytest.mark.parametrize("status", [Newsletter.Status.CONCEPT, Newsletter.Status.SCHEDULED])
def test_an_unsent_edition_and_its_images_are_only_for_who_may_view_newsletters(client, status):
    from tests.factories import secretariat_user, staff_without_rights

    newsletter, image_url = _edition_with_image(status)

    # Anonymous, a member and a staff account without rights: nothing of an unsent edition.
    for user in (None, MemberFactory().user, staff_without_rights()):
        if user is not None:
            client.force_login(user)
        assert client.get(newsletter.get_absolute_url()).status_code == 404
        assert client.get(image_url).status_code == 404

    client.force_login(secretariat_user())
    assert client.get(newsletter.get_absolute_url()).status_code == 200
    image = client.get(image_url)
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert image["Cache-Control"] == "private, no-store"  # no shared cache keeps it for others


def test_the_images_of_a_sent_edition_are_public(client):
    newsletter, image_url = _edition_with_image(Newsletter.Status.SENT)

    image = client.get(image_url)

    assert image.status_code == 200 and image["Cache-Control"] == "public, max-age=86400"
    assert client.get(newsletter.get_absolute_url()).status_code == 200
