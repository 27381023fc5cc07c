import datetime
import io

import factory
import pytest
from django.utils import timezone

from members import services as member_services
from newsletters.models import Item, Newsletter, Section, Subscription
from newsletters.services.editions import newsletter_sections_ensure
from tests.factories import UserFactory


class NewsletterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Newsletter
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Nieuwsbrief {n:03d}")
    slug = factory.Sequence(lambda n: f"nieuwsbrief-{n:03d}")
    date = factory.LazyFunction(timezone.localdate)
    intro = "Beste lezer,\n\nHet najaar is begonnen. **Veel leesplezier!**"

    @factory.post_generation
    def with_items(obj, create, extracted, **kwargs):  # noqa: N805
        if not create:
            return
        newsletter_sections_ensure(newsletter=obj)
        first = obj.sections.order_by("order").first()
        for number in range(extracted if extracted is not None else 2):
            Item.objects.create(
                section=first,
                order=number,
                title=f"Bericht {number}",
                text=f"Tekst van bericht {number} met een [link](https://vng.nl/{number}).",
                link=f"https://www.zuid-holland.nl/{number}",
            )


class SubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscription

    email = factory.Sequence(lambda n: f"lezer{n:05d}@example.org")
    status = Subscription.Status.CONFIRMED
    source = Subscription.Source.IMPORT
    confirmed_at = factory.LazyFunction(timezone.now)


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests read interface text by its English msgid, whatever the Dutch catalogue says."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def secretariat(client):
    user = UserFactory(is_staff=True, email="secretariaat-test@vzhg.nl")
    user.groups.add(member_services.secretariat_group_ensure())
    client.force_login(user)
    return user


def png_bytes(size=(4, 4)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 85, 140)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def future():
    return timezone.now() + datetime.timedelta(days=3)


__all__ = ["NewsletterFactory", "SubscriptionFactory", "Section", "png_bytes"]
