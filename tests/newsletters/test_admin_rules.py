"""A subscription's address and status change only through the services: the reader confirms
their own address (double opt-in) and an unsubscription sticks. The admin cannot type over them."""

import pytest
from django.urls import reverse

from newsletters.models import Subscription
from tests.admin_form import change_form_data
from tests.events.staff_factories import nl

from .conftest import SubscriptionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "changes",
    [
        {"status": "confirmed"},  # an unsubscribe sticks
        {"email": "iemand-anders@example.org"},  # the address was confirmed by its owner
    ],
)
def test_status_and_address_of_a_subscription_cannot_be_edited(client, secretariat, changes):
    subscription = SubscriptionFactory(status=Subscription.Status.UNSUBSCRIBED, email="lezer@example.org")
    url = reverse("admin:newsletters_subscription_change", args=[subscription.pk])
    data = change_form_data(client, url)
    data.update(changes)

    client.post(url, data)

    subscription.refresh_from_db()
    assert (subscription.status, subscription.email) == (
        Subscription.Status.UNSUBSCRIBED,
        "lezer@example.org",
    )
    page = client.get(url).content.decode()
    assert 'name="status"' not in page and 'name="email"' not in page


def test_adding_a_subscription_goes_through_the_import_service_which_respects_unsubscriptions(
    client, secretariat
):
    SubscriptionFactory(status=Subscription.Status.UNSUBSCRIBED, email="nee@example.org")
    url = reverse("admin:newsletters_subscription_add")
    page = client.get(url).content.decode()
    assert 'name="status"' not in page and 'name="email"' in page

    refused = client.post(url, {"email": "NEE@example.org", "status": "confirmed"}, HTTP_ACCEPT_LANGUAGE="nl")

    assert refused.status_code == 200
    assert nl("This address unsubscribed and stays unsubscribed; only its owner can subscribe again.") in (
        refused.content.decode()
    )
    assert Subscription.objects.get().status == Subscription.Status.UNSUBSCRIBED

    added = client.post(url, {"email": "ja@example.org", "status": "pending"})

    assert added.status_code == 302
    statuses = dict(Subscription.objects.values_list("email", "status"))
    assert statuses == {"nee@example.org": "unsubscribed", "ja@example.org": "confirmed"}
