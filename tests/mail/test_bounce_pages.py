"""The bounce state where staff and the person look (vzhg.mail.bounce_state): the people list
(column and filter "onbestelbaar") and a person's page, the subscription admin, the delivery
report of an edition, and the person's own profile, where they can say their address is right.
Each admin page fetches the state with its rows: the query counts do not grow with the rows."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import Person
from newsletters.models import Delivery, Newsletter, Subscription
from tests.factories import MemberFactory, PersonFactory, secretariat_user
from tests.newsletters.conftest import NewsletterFactory, SubscriptionFactory
from vzhg.mail.bounce_state import bounce_reset_url
from vzhg.mail.bounces import bounce_record
from vzhg.mail.models import Bounce, BouncedAddress

pytestmark = pytest.mark.django_db

REASON = "550 5.1.1 <weg@gemeente-voorbeeld.nl>: User unknown"
_fingerprints = itertools.count()


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _bounce(email: str, *, when: datetime.datetime | None = None) -> BouncedAddress:
    address = bounce_record(
        email=email,
        kind=Bounce.Kind.HARD,
        status="5.1.1",
        reason=REASON,
        about="m:1",
        fingerprint=f"{next(_fingerprints):064d}",
        now=when or timezone.make_aware(datetime.datetime(2026, 11, 12, 9, 30)),
    )
    assert address is not None and address.undeliverable
    return address


@pytest.fixture
def staff(client):
    client.force_login(secretariat_user(email="secretariaat-test@vzhg.nl"))
    return client


def _ids(response) -> list[int]:
    return [row.pk for row in response.context["cl"].result_list]


# --- people ------------------------------------------------------------------------------------


def test_the_people_list_shows_who_is_undeliverable_and_filters_on_it(staff):
    gone = PersonFactory(email="Weg@Gemeente-Voorbeeld.nl")
    fine = PersonFactory(email="hier@gemeente-voorbeeld.nl")
    _bounce("weg@gemeente-voorbeeld.nl")
    url = reverse("admin:members_person_changelist")

    page = staff.get(url)
    html = page.content.decode()
    assert "undeliverable</strong> 12 November 2026" in html
    assert "User unknown" in html
    assert bounce_reset_url("weg@gemeente-voorbeeld.nl").replace("&", "&amp;") in html
    assert "?undeliverable=yes" in html  # the filter is offered

    assert _ids(staff.get(url, {"undeliverable": "yes"})) == [gone.pk]
    assert _ids(staff.get(url, {"undeliverable": "no"})) == [fine.pk]


def test_a_reset_address_is_deliverable_again_in_the_list(staff):
    person = PersonFactory(email="weg@gemeente-voorbeeld.nl")
    address = _bounce(person.email)
    address.undeliverable_since = None
    address.save()
    assert _ids(staff.get(reverse("admin:members_person_changelist"), {"undeliverable": "yes"})) == []


def test_the_person_page_shows_the_reason_and_dates_and_links_to_the_reset(staff):
    person = PersonFactory(email="weg@gemeente-voorbeeld.nl")
    _bounce(person.email)
    html = staff.get(reverse("admin:members_person_change", args=[person.pk])).content.decode()
    assert "Undeliverable since 12 November 2026: " + REASON.replace("<", "&lt;").replace(">", "&gt;") in html
    assert "(last bounce 12 November 2026)" in html
    assert bounce_reset_url(person.email) in html.replace("&amp;", "&")


def test_the_reset_link_opens_the_bounced_address_with_its_reset_action(staff):
    _bounce("weg@gemeente-voorbeeld.nl")
    _bounce("ander@gemeente-voorbeeld.nl")
    response = staff.get(bounce_reset_url("Weg@Gemeente-Voorbeeld.nl"))
    assert response.status_code == 200
    assert [row.email for row in response.context["cl"].result_list] == ["weg@gemeente-voorbeeld.nl"]
    assert "reset_selected" in response.content.decode()  # the Secretariaat holds the permission


@pytest.mark.parametrize("size", [5, 50])
def test_the_people_list_fetches_the_bounce_state_with_the_rows(staff, django_assert_num_queries, size):
    for number in range(size):
        person = PersonFactory(email=f"p{number}@x.nl")
        if number % 2:
            _bounce(person.email)
    url = reverse("admin:members_person_changelist")
    # session, user, user and group permissions, the region filter's choices, the newsletter list
    # filter's choices (issue 14's lists), the network filter's choices (issue 16's networks),
    # 2 counts, the page
    with django_assert_num_queries(10):
        response = staff.get(url)
    assert len(_ids(response)) == size
    assert response.content.decode().count('class="bounce-state"') == size // 2
    with django_assert_num_queries(10):
        assert len(_ids(staff.get(url, {"undeliverable": "yes"}))) == size // 2


def test_the_person_page_costs_no_extra_query_for_the_bounce_state(staff, django_assert_num_queries):
    person = PersonFactory(email="weg@gemeente-voorbeeld.nl")
    url = reverse("admin:members_person_change", args=[person.pk])
    staff.get(url)
    with django_assert_num_queries(6) as deliverable:
        staff.get(url)
    _bounce(person.email)
    with django_assert_num_queries(len(deliverable.captured_queries)):
        assert "Undeliverable since" in staff.get(url).content.decode()


# --- newsletter subscriptions --------------------------------------------------------------------


def test_the_subscription_list_and_page_show_the_bounce_state(staff):
    gone = SubscriptionFactory(email="weg@gemeente-voorbeeld.nl")
    fine = SubscriptionFactory(email="hier@gemeente-voorbeeld.nl")
    _bounce(gone.email)
    url = reverse("admin:newsletters_subscription_changelist")
    html = staff.get(url).content.decode()
    assert "undeliverable</strong> 12 November 2026" in html
    assert _ids(staff.get(url, {"undeliverable": "yes"})) == [gone.pk]
    assert _ids(staff.get(url, {"undeliverable": "no"})) == [fine.pk]

    page = staff.get(reverse("admin:newsletters_subscription_change", args=[gone.pk])).content.decode()
    assert "Undeliverable since 12 November 2026" in page
    assert bounce_reset_url(gone.email) in page.replace("&amp;", "&")
    fine_page = staff.get(reverse("admin:newsletters_subscription_change", args=[fine.pk])).content.decode()
    assert "Undeliverable since" not in fine_page


@pytest.mark.parametrize("size", [5, 50])
def test_the_subscription_list_query_count_does_not_grow(staff, django_assert_num_queries, size):
    for number in range(size):
        subscription = SubscriptionFactory()
        if number % 2:
            _bounce(subscription.email)
    with django_assert_num_queries(8):  # 7, and the list filter's choices (issue 14's lists)
        response = staff.get(reverse("admin:newsletters_subscription_changelist"))
    assert len(_ids(response)) == size
    assert response.content.decode().count('class="bounce-state"') == size // 2


# --- the delivery report of an edition -------------------------------------------------------------


def _sent_edition(readers: int) -> tuple[Newsletter, list[Subscription]]:
    sent_at = timezone.now() - datetime.timedelta(days=2)
    newsletter = NewsletterFactory(status=Newsletter.Status.SENT, sent_at=sent_at)
    subscriptions = SubscriptionFactory.create_batch(readers)
    Delivery.objects.bulk_create(
        Delivery(newsletter=newsletter, subscription=s, status="sent", sent_at=sent_at) for s in subscriptions
    )
    return newsletter, subscriptions


def test_the_report_names_the_undeliverable_readers_with_reason_date_and_reset(staff):
    newsletter, (fine, bounced, refused) = _sent_edition(3)
    _bounce(bounced.email)
    Subscription.objects.filter(pk=refused.pk).update(
        bounced_at=timezone.make_aware(datetime.datetime(2026, 11, 20, 8)), bounce_reason="550 no such user"
    )
    html = staff.get(reverse("admin:newsletters_newsletter_change", args=[newsletter.pk])).content.decode()
    assert "1 sent" not in html and "2 undeliverable since" in html
    assert f"{bounced.email}: Undeliverable since 12 November 2026: 550 5.1.1" in html
    assert f"{refused.email}: Undeliverable since 20 November 2026: 550 no such user" in html
    assert bounce_reset_url(bounced.email) in html.replace("&amp;", "&")
    assert f"{reverse('admin:newsletters_subscription_changelist')}?q=" in html
    assert f"{fine.email}:" not in html


@pytest.mark.parametrize("readers", [5, 50])
def test_the_report_lists_the_undeliverable_in_one_query(
    staff, django_assert_num_queries, django_assert_max_num_queries, readers
):
    newsletter, subscriptions = _sent_edition(readers)
    url = reverse("admin:newsletters_newsletter_change", args=[newsletter.pk])
    staff.get(url)
    with django_assert_max_num_queries(100) as before:
        staff.get(url)
    for subscription in subscriptions[::2]:
        _bounce(subscription.email)
    with django_assert_num_queries(len(before.captured_queries)):
        html = staff.get(url).content.decode()
    assert html.count("Undeliverable since") == len(subscriptions[::2])


# --- the person's own profile ------------------------------------------------------------------------


@pytest.fixture
def member(client):
    person = MemberFactory(email="jack@delft.nl")
    client.force_login(person.user)
    return person


def test_the_profile_tells_the_person_their_mail_bounces(client, member):
    assert "bounce-notice" not in client.get(reverse("members:profile")).content.decode()
    _bounce(member.email)
    html = client.get(reverse("members:profile")).content.decode()
    assert "Mail to your address does not arrive: 550 5.1.1" in html
    assert "Is your address right?" in html
    assert "last returned on 12 November 2026" in html


def test_the_person_confirms_their_address_and_only_theirs_is_reset(client, member):
    _bounce(member.email)
    other = _bounce("ander@delft.nl")
    response = client.post(reverse("members:profile_address_confirm"))
    assert response.status_code == 302 and response["Location"] == reverse("members:profile")
    address = BouncedAddress.objects.get(email=member.email)
    assert not address.undeliverable and address.hard_bounces == 0
    record = address.history.latest()
    assert record.history_user == member.user and record.history_change_reason == "confirmed by its owner"
    other.refresh_from_db()
    assert other.undeliverable  # someone else's address stays as it was
    html = client.get(reverse("members:profile")).content.decode()
    assert "bounce-notice" not in html and "We mail jack@delft.nl again." in html


def test_a_get_or_a_person_without_a_bounce_changes_nothing(client, member):
    other = _bounce("ander@delft.nl")
    assert client.get(reverse("members:profile_address_confirm"))["Location"] == reverse("members:profile")
    client.post(reverse("members:profile_address_confirm"))
    other.refresh_from_db()
    assert other.undeliverable
    assert not Person.objects.filter(email="ander@delft.nl").exists()


def test_the_profile_page_pays_one_query_for_the_bounce_state_bounced_or_not(
    client, member, django_assert_num_queries
):
    url = reverse("members:profile")
    client.get(url)
    # 5, the networks card and the recommendation panel (issue 16)
    with django_assert_num_queries(7) as fine:
        client.get(url)
    _bounce(member.email)
    with django_assert_num_queries(len(fine.captured_queries)):
        assert "bounce-notice" in client.get(url).content.decode()


def test_verifying_the_address_with_the_mailed_code_resets_its_bounce_state_only(rf):
    from allauth.account.models import EmailAddress
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore

    from members.adapters import AccountAdapter
    from tests.factories import UserFactory

    user = UserFactory(email="jack@delft.nl", verified_email=False)
    address = EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    _bounce(user.email)
    other = _bounce("ander@delft.nl")
    request = rf.post("/")
    request.user, request.session = user, SessionStore()
    request._messages = FallbackStorage(request)

    assert AccountAdapter(request).confirm_email(request, address)

    bounced = BouncedAddress.objects.get(email=user.email)
    assert not bounced.undeliverable
    assert bounced.history.latest().history_change_reason == "verified by its owner"
    other.refresh_from_db()
    assert other.undeliverable
