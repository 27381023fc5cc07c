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


def test_demo_lists_have_their_subscribers_and_an_edition_each(client):
    from demo import newsletter_lists
    from newsletters.models import NewsletterList
    from tests.factories import PersonFactory

    griffier = PersonFactory(function="griffier")
    strateeg = PersonFactory(function="strateeg")
    demo_load(stdout=io.StringIO())
    newsletter_lists.demo_load(stdout=io.StringIO())
    counts = (NewsletterList.objects.count(), Subscription.objects.count(), Newsletter.objects.count())
    out = io.StringIO()
    newsletter_lists.demo_load(stdout=out)

    again = (NewsletterList.objects.count(), Subscription.objects.count(), Newsletter.objects.count())
    assert counts == again
    assert "(0 new)" in out.getvalue()
    griffiers = NewsletterList.objects.get(slug="griffiers")
    strategen = NewsletterList.objects.get(slug="strategennetwerk")
    assert griffiers.self_service and not strategen.self_service
    assert list(griffiers.subscriptions.values_list("person", flat=True)) == [griffier.pk]
    assert list(strategen.subscriptions.values_list("person", flat=True)) == [strateeg.pk]
    for newsletter_list in (griffiers, strategen):
        (edition,) = newsletter_list.editions.all()
        assert edition.status == "sent" and edition.deliveries.count() == 1
    # The general archive shows none of them; a closed list's archive is for its subscribers.
    assert "Griffiersnetwerk" not in client.get("/nieuwsbrief/").content.decode()
    assert client.get(griffiers.get_absolute_url()).status_code == 404
