"""Every refusal the newsletter shows a person is a vzhg.errors.ServiceError with a stable code."""

import datetime

import pytest
from django.utils import timezone

from newsletters.models import Newsletter, Subscription
from newsletters.services import editions, subscriptions
from tests.factories import UserFactory
from tests.newsletters.conftest import NewsletterFactory
from vzhg.errors import ServiceError

pytestmark = pytest.mark.django_db


def test_an_invalid_address_is_refused_with_a_code_and_nothing_is_stored():
    with pytest.raises(ServiceError) as refused:
        subscriptions.subscription_request(email="niet-een-adres")
    assert refused.value.code == "invalid_email"
    assert "name@gemeente.nl" in str(refused.value)
    assert not Subscription.objects.exists()


@pytest.mark.parametrize(
    ("read", "token"),
    [
        (subscriptions.subscription_confirm, "kapot"),
        (subscriptions.subscription_for_unsubscribe_token, "kapot"),
    ],
)
def test_a_broken_link_is_refused_with_a_code(read, token):
    with pytest.raises(ServiceError) as refused:
        read(token=token)
    assert refused.value.code == "invalid_link"


def test_a_test_mail_without_an_address_is_refused():
    with pytest.raises(ServiceError) as refused:
        editions.newsletter_test_send(newsletter=NewsletterFactory(), actor=UserFactory.build(email=""))
    assert refused.value.code == "no_email"


def test_an_edition_that_went_out_cannot_be_scheduled():
    newsletter = NewsletterFactory()
    Newsletter.objects.filter(pk=newsletter.pk).update(status=Newsletter.Status.SENT)
    with pytest.raises(ServiceError) as refused:
        editions.newsletter_schedule(newsletter=newsletter, when=timezone.now() + datetime.timedelta(days=1))
    assert refused.value.code == "not_editable"
