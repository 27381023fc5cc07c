import io

import pytest

from demo.newsletters import demo_load
from newsletters.models import Delivery, Newsletter, Subscription
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_demo_newsletters_are_loaded_once(client):
    people = MemberFactory.create_batch(3)

    demo_load(stdout=io.StringIO())
    counts = (Newsletter.objects.count(), Subscription.objects.count(), Delivery.objects.count())
    demo_load(stdout=io.StringIO())

    assert counts == (Newsletter.objects.count(), Subscription.objects.count(), Delivery.objects.count())
    assert list(Newsletter.objects.order_by("date").values_list("status", flat=True)) == [
        "sent",
        "sent",
        "concept",
    ]
    assert set(Subscription.objects.filter(person__in=people).values_list("status", flat=True)) == {
        "confirmed"
    }
    assert Subscription.objects.filter(person=None).count() == 4
    archive = client.get("/nieuwsbrief/").content.decode()
    assert "VZHG Nieuwsbrief – najaar" in archive and "winter" not in archive
    edition = client.get("/nieuwsbrief/nieuwsbrief-najaar/").content.decode()
    assert "Najaarscongres over weerbaarheid" in edition and "Agenda" in edition
