"""The public sign-up cannot be used to flood a mailbox: confirmation mails are limited per
address and per client, with the same friendly answer whether or not the address is known."""

import pytest
from django.core import mail as django_mail
from django.urls import reverse

from newsletters.models import Subscription

from .conftest import SubscriptionFactory

pytestmark = pytest.mark.django_db

LIMITED = "We have just sent several confirmation links"


@pytest.fixture
def client(client):
    client.cookies["django_language"] = "en"
    return client


def subscribe(client, email, django_capture_on_commit_callbacks, **extra):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("newsletters:subscribe"), {"email": email}, **extra)


def test_repeated_sign_ups_for_one_address_send_three_mails_at_most(
    client, django_capture_on_commit_callbacks
):
    responses = [
        subscribe(client, "doelwit@example.org", django_capture_on_commit_callbacks) for _ in range(10)
    ]

    assert [r.status_code for r in responses[:3]] == [302, 302, 302]
    assert {r.status_code for r in responses[3:]} == {429}
    assert LIMITED in responses[3].content.decode()
    assert len(django_mail.outbox) == 3
    # Also when the address is typed differently.
    again = subscribe(client, " DOELWIT@Example.org ", django_capture_on_commit_callbacks)
    assert again.status_code == 429 and len(django_mail.outbox) == 3


def test_the_limit_looks_the_same_for_an_address_already_on_the_list(
    client, django_capture_on_commit_callbacks
):
    SubscriptionFactory(email="al@example.org")

    known = [
        subscribe(client, "al@example.org", django_capture_on_commit_callbacks).status_code for _ in range(5)
    ]
    unknown = [
        subscribe(client, "nieuw@example.org", django_capture_on_commit_callbacks).status_code
        for _ in range(5)
    ]

    assert known == unknown == [302, 302, 302, 429, 429]


def test_one_client_cannot_sign_up_address_after_address(
    client, settings, django_capture_on_commit_callbacks
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1  # as in production, behind the proxy
    flood = [
        subscribe(
            client,
            f"adres{n}@example.org",
            django_capture_on_commit_callbacks,
            HTTP_X_FORWARDED_FOR="198.51.100.7",
        )
        for n in range(31)
    ]
    other = subscribe(
        client, "iemand@example.org", django_capture_on_commit_callbacks, HTTP_X_FORWARDED_FOR="203.0.113.9"
    )

    assert {r.status_code for r in flood[:30]} == {302}
    assert flood[30].status_code == 429 and LIMITED in flood[30].content.decode()
    assert not Subscription.objects.filter(email="adres30@example.org").exists()
    assert other.status_code == 302
    assert len(django_mail.outbox) == 31


def test_the_limit_message_is_dutch_by_default(django_capture_on_commit_callbacks):
    from django.test import Client

    client = Client()
    client.cookies["django_language"] = "nl"
    for _ in range(3):
        subscribe(client, "doelwit@example.org", django_capture_on_commit_callbacks)
    page = subscribe(client, "doelwit@example.org", django_capture_on_commit_callbacks).content.decode()

    assert "probeer het over een uur opnieuw" in page
