"""The delivery report of an edition: sent, failed, undeliverable since, unsubscribed since."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from newsletters.models import Delivery, Newsletter, Subscription
from newsletters.selectors import newsletter_report

from .conftest import NewsletterFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db


def _sent_edition(readers: int):
    sent_at = timezone.now() - datetime.timedelta(days=2)
    newsletter = NewsletterFactory(status=Newsletter.Status.SENT, sent_at=sent_at)
    subscriptions = SubscriptionFactory.create_batch(readers)
    for subscription in subscriptions:
        Delivery.objects.create(
            newsletter=newsletter, subscription=subscription, status="sent", sent_at=sent_at
        )
    return newsletter, subscriptions


def test_the_report_counts_what_happened_to_the_edition_and_after_it():
    newsletter, (ok, bounced, left, left_before, failed) = _sent_edition(5)
    Delivery.objects.filter(subscription=failed).update(status="failed", sent_at=None)
    Subscription.objects.filter(pk=bounced.pk).update(bounced_at=timezone.now())
    Subscription.objects.filter(pk=left.pk).update(status="unsubscribed", unsubscribed_at=timezone.now())
    Subscription.objects.filter(pk=left_before.pk).update(
        status="unsubscribed", unsubscribed_at=timezone.now() - datetime.timedelta(days=5)
    )
    SubscriptionFactory(status="unsubscribed", unsubscribed_at=timezone.now())  # never got this edition

    assert newsletter_report(newsletter=newsletter) == {
        "sent": 4,
        "failed": 1,
        "undeliverable": 1,
        "unsubscribed": 1,
    }


@pytest.mark.parametrize("readers", [5, 50])
def test_the_admin_shows_the_report_in_the_same_queries_however_many_readers(
    client, secretariat, readers, django_assert_max_num_queries
):
    newsletter, _subscriptions = _sent_edition(readers)
    with django_assert_max_num_queries(20):
        page = client.get(
            reverse("admin:newsletters_newsletter_change", args=[newsletter.pk])
        ).content.decode()

    assert f"{readers} sent, 0 failed, 0 undeliverable since, 0 unsubscribed since" in page


def test_a_concept_has_no_report_yet(client, secretariat):
    newsletter = NewsletterFactory()
    page = client.get(reverse("admin:newsletters_newsletter_change", args=[newsletter.pk])).content.decode()
    assert "unsubscribed since" not in page
