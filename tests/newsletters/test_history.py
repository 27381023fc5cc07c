"""The audit trail: every change staff make to an edition or a subscription names who made it;
a reader's own (un)subscribe is recorded too, without the token of the link they used."""

import pytest
from django.test import Client
from django.urls import reverse

from newsletters.models import Delivery, Newsletter, Subscription
from newsletters.services import sending, subscriptions
from newsletters.tokens import confirm_token, unsubscribe_token
from tests.factories import MemberFactory

from .conftest import NewsletterFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db


def _edition_form(newsletter):
    return {
        "title": newsletter.title, "slug": newsletter.slug, "date": newsletter.date.isoformat(), "intro": "",
        "sections-TOTAL_FORMS": "0", "sections-INITIAL_FORMS": "0",
        "sections-MIN_NUM_FORMS": "0", "sections-MAX_NUM_FORMS": "1000",
    }  # fmt: skip


def _latest(model, pk):
    return model.history.filter(id=pk).order_by("-history_id").first()


def test_each_staff_action_on_an_edition_names_who_did_it(
    client, secretariat, django_capture_on_commit_callbacks
):
    newsletter = NewsletterFactory()
    SubscriptionFactory()
    url = reverse("admin:newsletters_newsletter_change", args=[newsletter.pk])
    form = _edition_form(newsletter)

    steps = [
        ({"_send_test": "1"}, "test mail sent to secretariaat-test@vzhg.nl", "concept"),
        ({"_schedule": "1", "scheduled_for": "2099-01-01T09:00"}, "scheduled", "scheduled"),
        ({"_unschedule": "1"}, "schedule cancelled", "concept"),
        ({"_send_now": "1"}, "sending started", "sending"),
    ]
    for action, reason, status in steps:
        with django_capture_on_commit_callbacks(execute=False):
            client.post(url, {**form, **action})
        record = _latest(Newsletter, newsletter.pk)
        assert (record.history_user, record.history_change_reason, record.status) == (
            secretariat,
            reason,
            status,
        )

    Delivery.objects.filter(newsletter=newsletter).update(status=Delivery.Status.FAILED)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(url, {**form, "_resend_failed": "1"})
    record = _latest(Newsletter, newsletter.pk)
    assert (record.history_user, record.history_change_reason) == (
        secretariat,
        "1 failed deliveries queued again",
    )

    # The history page shows it to the secretariat.
    page = client.get(reverse("admin:newsletters_newsletter_history", args=[newsletter.pk]))
    assert page.status_code == 200 and "secretariaat-test@vzhg.nl" in page.content.decode()


def test_the_schedule_starting_a_send_is_recorded_without_a_user():
    newsletter = NewsletterFactory()
    sending.newsletter_send(newsletter=newsletter)
    record = _latest(Newsletter, newsletter.pk)
    assert (record.history_user, record.history_change_reason) == (None, "sending started as scheduled")


def test_staff_changes_to_subscriptions_name_who_made_them(client, secretariat):
    bounced = SubscriptionFactory(bounced_at="2026-01-01T10:00Z", bounce_reason="550 5.1.1")
    leaving = SubscriptionFactory()
    changelist = reverse("admin:newsletters_subscription_changelist")

    client.post(changelist, {"action": "clear_bounce", "_selected_action": [bounced.pk]})
    client.post(changelist, {"action": "unsubscribe_selected", "_selected_action": [leaving.pk]})
    client.post(reverse("admin:newsletters_subscription_import"), {"addresses": "nieuw@example.org"})

    records = {
        (record.email, record.history_change_reason, record.history_user)
        for record in Subscription.history.all()
    }
    assert (bounced.email, "bounce cleared", secretariat) in records
    assert (leaving.email, "unsubscribed by staff", secretariat) in records
    assert ("nieuw@example.org", "imported by staff", secretariat) in records
    assert _latest(Subscription, bounced.pk).bounced_at is None


def _values(record) -> str:
    """Every stored column of a history row, as text."""
    return " ".join(str(getattr(record, field.attname)) for field in record._meta.concrete_fields)


def test_a_readers_own_unsubscribe_by_link_is_recorded_without_the_token():
    subscription = SubscriptionFactory()
    token = unsubscribe_token(subscription)

    Client().post(reverse("newsletters:unsubscribe", kwargs={"token": token}))

    record = _latest(Subscription, subscription.pk)
    assert (record.status, record.history_user, record.history_change_reason) == (
        "unsubscribed",
        None,
        "unsubscribed by link",
    )
    for record in Subscription.history.filter(id=subscription.pk):
        assert token not in _values(record)


def test_a_readers_own_confirmation_is_recorded_without_the_token():
    subscription = subscriptions.subscription_request(email="lezer@example.org")
    token = confirm_token(subscription)

    Client().get(reverse("newsletters:confirm", kwargs={"token": token}))

    record = _latest(Subscription, subscription.pk)
    assert (record.status, record.history_change_reason) == ("confirmed", "confirmed by the link in the mail")
    for record in Subscription.history.filter(id=subscription.pk):
        assert token not in _values(record)


def test_a_members_own_choice_in_the_profile_names_them(client):
    person = MemberFactory()
    client.force_login(person.user)

    client.post(reverse("newsletters:profile_subscription"), {"subscribe": "1"})
    client.post(reverse("newsletters:profile_subscription"), {"subscribe": "0"})

    subscription = Subscription.objects.get()
    assert [
        (record.status, record.history_user, record.history_change_reason)
        for record in Subscription.history.filter(id=subscription.pk).order_by("history_id")
    ] == [
        ("confirmed", person.user, "subscribed in the profile"),
        ("unsubscribed", person.user, "unsubscribed in the profile"),
    ]
