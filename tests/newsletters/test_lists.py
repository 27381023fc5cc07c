"""Separate lists (issue 14): besides the general newsletter, the secretariat keeps lists such as
the griffiers and the strategennetwerk, each with its own subscribers, editions and archive; a
person manages every subscription on the profile. Unsubscribing (link, one-click, mailto:) ends
one list's subscription only."""

from __future__ import annotations

import re

import pytest
from django.core import mail as django_mail
from django.core import signing
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from newsletters import selectors
from newsletters.models import Delivery, Newsletter, NewsletterList, Subscription
from newsletters.services import sending, subscriptions
from newsletters.services.copying import newsletter_copy_previous
from newsletters.tokens import UNSUBSCRIBE_SALT, confirm_token, unsubscribe_token
from tests.factories import MemberFactory, UserFactory
from tests.newsletters.conftest import NewsletterFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def griffiers():
    return NewsletterList.objects.create(
        name="Griffiersnetwerk", slug="griffiers", description="Voor griffiers.", public=False
    )


@pytest.fixture
def strategen():
    return NewsletterList.objects.create(
        name="Strategennetwerk", slug="strategennetwerk", self_service=False, public=False
    )


def _general():
    return NewsletterList.objects.general()


# --- the model --------------------------------------------------------------------------------------


def test_existing_editions_and_subscriptions_are_on_the_general_list():
    newsletter = NewsletterFactory()
    subscription = SubscriptionFactory()

    general = _general()
    assert general.is_general and general.slug == "nieuwsbrief"
    assert NewsletterList.objects.filter(is_general=True).count() == 1
    assert newsletter.newsletter_list == general and subscription.newsletter_list == general
    assert general.get_absolute_url() == reverse("newsletters:archive")


def test_one_address_once_per_list_but_on_several_lists(griffiers):
    SubscriptionFactory(email="anna@gemeente.nl")
    SubscriptionFactory(email="anna@gemeente.nl", newsletter_list=griffiers)

    with pytest.raises(IntegrityError), transaction.atomic():
        SubscriptionFactory(email="ANNA@gemeente.nl", newsletter_list=griffiers)
    assert Subscription.objects.filter(email="anna@gemeente.nl").count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_migration_puts_every_existing_edition_and_subscription_on_the_general_list():
    import datetime

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("newsletters", "0006_editions_clicks")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    old.get_model("newsletters", "Newsletter").objects.create(
        title="Nieuwsbrief mei", slug="nieuwsbrief-mei", date=datetime.date(2026, 5, 1)
    )
    old.get_model("newsletters", "Subscription").objects.create(email="lezer@gemeente.nl", status="confirmed")

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    general = NewsletterList.objects.get(is_general=True)
    assert (general.slug, general.self_service, general.public) == ("nieuwsbrief", True, True)
    assert Newsletter.objects.get(slug="nieuwsbrief-mei").newsletter_list == general
    assert Subscription.objects.get(email="lezer@gemeente.nl").newsletter_list == general


# --- subscribing and unsubscribing ------------------------------------------------------------------


def test_subscribe_page_of_an_open_list_sends_a_confirmation_naming_it(client, griffiers, settings):
    settings.LANGUAGE_CODE = "en"
    SubscriptionFactory(email="griffier@gemeente.nl")  # on the general list already

    response = client.post(griffiers.subscribe_url(), {"email": "Griffier@gemeente.nl"})

    assert response.status_code == 302
    subscription = Subscription.objects.get(newsletter_list=griffiers)
    assert subscription.status == Subscription.Status.PENDING
    from vzhg.mail.models import OutgoingMail

    mail = OutgoingMail.objects.get(kind="newsletters.subscription.confirm")
    assert mail.subject == "Confirm your subscription to Griffiersnetwerk"
    assert "Griffiersnetwerk" in mail.body_text
    confirmed = client.get(reverse("newsletters:confirm", kwargs={"token": confirm_token(subscription)}))
    assert "Griffiersnetwerk comes to griffier@gemeente.nl" in confirmed.content.decode()
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.CONFIRMED
    assert Subscription.objects.get(newsletter_list=_general()).status == Subscription.Status.CONFIRMED


def test_a_closed_list_has_no_subscribe_page_and_refuses_a_request(client, strategen):
    assert client.get(strategen.subscribe_url()).status_code == 404
    assert client.post(strategen.subscribe_url(), {"email": "x@gemeente.nl"}).status_code == 404
    with pytest.raises(subscriptions.ServiceError) as refused:
        subscriptions.subscription_request(email="x@gemeente.nl", newsletter_list=strategen)
    assert refused.value.code == "closed_list"
    assert not Subscription.objects.exists()


def test_the_general_lists_own_subscribe_page_is_the_old_one(client):
    general = _general()
    response = client.get(reverse("newsletters:list_subscribe", kwargs={"list_slug": general.slug}))
    assert response.status_code == 302 and response["Location"] == reverse("newsletters:subscribe")


def test_unsubscribing_from_one_list_keeps_the_others(griffiers):
    general = SubscriptionFactory(email="anna@gemeente.nl")
    griffier = SubscriptionFactory(email="anna@gemeente.nl", newsletter_list=griffiers)
    url = reverse("newsletters:unsubscribe", kwargs={"token": unsubscribe_token(griffier)})

    page = Client().get(url).content.decode()
    assert "Griffiersnetwerk" in page
    Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})

    griffier.refresh_from_db()
    general.refresh_from_db()
    assert griffier.status == Subscription.Status.UNSUBSCRIBED
    assert general.status == Subscription.Status.CONFIRMED


def test_tokens_name_the_list_and_old_tokens_keep_working_for_the_general_list(griffiers):
    general = SubscriptionFactory(email="anna@gemeente.nl")
    griffier = SubscriptionFactory(email="anna@gemeente.nl", newsletter_list=griffiers)
    old_unsubscribe = signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(general.pk))
    old_for_a_list = signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(griffier.pk))
    moved = signing.Signer(salt=UNSUBSCRIBE_SALT).sign(f"{griffier.pk}.{_general().pk}")

    assert unsubscribe_token(griffier).startswith(f"{griffier.pk}.{griffiers.pk}:")
    assert subscriptions.subscription_for_unsubscribe_token(token=old_unsubscribe) == general
    for token in (old_for_a_list, moved):
        with pytest.raises(subscriptions.ServiceError):
            subscriptions.subscription_for_unsubscribe_token(token=token)

    general.status = griffier.status = Subscription.Status.PENDING
    general.save()
    griffier.save()
    old_confirm = signing.dumps(
        {"s": general.pk, "e": general.email}, salt="newsletters.subscription.confirm", compress=False
    )
    assert subscriptions.subscription_confirm(token=old_confirm) == general
    old_confirm_list = signing.dumps(
        {"s": griffier.pk, "e": griffier.email}, salt="newsletters.subscription.confirm", compress=False
    )
    with pytest.raises(subscriptions.ServiceError):
        subscriptions.subscription_confirm(token=old_confirm_list)
    assert subscriptions.subscription_confirm(token=confirm_token(griffier)).status == "confirmed"


def test_the_mailto_unsubscribe_of_a_list_ends_that_list_only(
    bounce_mailbox, django_capture_on_commit_callbacks, griffiers
):
    from tests.mail import bounce_samples as samples
    from vzhg.mail import tasks

    general = SubscriptionFactory(email="anna@gemeente.nl")
    griffier = SubscriptionFactory(email="anna@gemeente.nl", newsletter_list=griffiers)
    django_mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sending.newsletter_send(newsletter=NewsletterFactory(newsletter_list=griffiers))
    (message,) = django_mail.outbox
    mailto = re.search(r"<mailto:([^?>]+)\?subject=unsubscribe>", message.extra_headers["List-Unsubscribe"])[
        1
    ]
    bounce_mailbox.append(samples.unsubscribe_request(to=mailto, sender=griffier.email))

    assert tasks.mail_bounces_read()["unsubscribe"] == 1

    griffier.refresh_from_db()
    general.refresh_from_db()
    assert griffier.status == Subscription.Status.UNSUBSCRIBED
    assert general.status == Subscription.Status.CONFIRMED


# --- editions and archives --------------------------------------------------------------------------


def test_an_edition_goes_to_its_own_lists_confirmed_subscribers_only(
    griffiers, django_capture_on_commit_callbacks
):
    SubscriptionFactory(email="algemeen@gemeente.nl")
    on_list = SubscriptionFactory(email="griffier@gemeente.nl", newsletter_list=griffiers)
    SubscriptionFactory(
        email="weg@gemeente.nl", newsletter_list=griffiers, status=Subscription.Status.UNSUBSCRIBED
    )
    SubscriptionFactory(email="wacht@gemeente.nl", newsletter_list=griffiers, status="pending")
    newsletter = NewsletterFactory(newsletter_list=griffiers)
    django_mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        created = sending.newsletter_send(newsletter=newsletter)

    assert created == 1
    assert list(Delivery.objects.values_list("subscription", flat=True)) == [on_list.pk]
    assert [message.to for message in django_mail.outbox] == [["griffier@gemeente.nl"]]


def test_copy_previous_copies_from_the_previous_edition_of_the_same_list(griffiers):
    import datetime

    general = NewsletterFactory(date=datetime.date(2026, 10, 1), closing="Algemene groet")
    older = NewsletterFactory(
        newsletter_list=griffiers, date=datetime.date(2026, 9, 1), closing="Groet aan de griffiers"
    )
    older.sections.update(title="Griffiersnieuws")
    assert general.date > older.date

    edition = newsletter_copy_previous(actor=None, date=datetime.date(2026, 11, 3), newsletter_list=griffiers)

    assert edition.newsletter_list == griffiers
    assert edition.closing == "Groet aan de griffiers"
    assert edition.title == "Griffiersnetwerk november 2026"
    assert set(edition.sections.values_list("title", flat=True)) == {"Griffiersnieuws"}
    assert newsletter_copy_previous(actor=None).closing == "Algemene groet"


def test_copy_previous_in_the_admin_takes_the_chosen_list(client, secretariat, griffiers):
    NewsletterFactory(closing="Algemeen")
    NewsletterFactory(newsletter_list=griffiers, closing="Griffiers")

    page = client.get(reverse("admin:newsletters_newsletter_changelist")).content.decode()
    assert 'name="newsletter_list"' in page
    client.post(reverse("admin:newsletters_newsletter_copy_previous"), {"newsletter_list": griffiers.pk})

    newest = Newsletter.objects.order_by("-pk").first()
    assert (newest.newsletter_list, newest.closing) == (griffiers, "Griffiers")


def _sent(newsletter_list, title):
    return NewsletterFactory(newsletter_list=newsletter_list, title=title, status=Newsletter.Status.SENT)


def test_a_public_lists_archive_shows_its_sent_editions_only(client, griffiers):
    griffiers.public = True
    griffiers.save()
    _sent(griffiers, "Griffiers september")
    NewsletterFactory(newsletter_list=griffiers, title="Griffiers concept")
    _sent(_general(), "Algemene editie")

    page = client.get(griffiers.get_absolute_url()).content.decode()

    assert "Griffiers september" in page
    assert "Griffiers concept" not in page and "Algemene editie" not in page
    general_page = client.get(reverse("newsletters:archive")).content.decode()
    assert "Algemene editie" in general_page and "Griffiers september" not in general_page


def test_a_closed_lists_archive_and_editions_are_for_its_subscribers_and_staff(client, strategen):
    edition = _sent(strategen, "Strategen oktober")
    subscriber = MemberFactory()
    SubscriptionFactory(email=subscriber.email, person=subscriber, newsletter_list=strategen)
    outsider = MemberFactory()
    left = MemberFactory()
    SubscriptionFactory(email=left.email, newsletter_list=strategen, status=Subscription.Status.UNSUBSCRIBED)
    staff = UserFactory(is_staff=True)
    reader = UserFactory(is_staff=True)
    from django.contrib.auth.models import Permission

    reader.user_permissions.add(Permission.objects.get(codename="view_newsletter"))

    def seen(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        archive = client.get(strategen.get_absolute_url())
        page = client.get(edition.get_absolute_url())
        return archive.status_code, page.status_code

    assert seen(None) == (404, 404)
    assert seen(outsider.user) == (404, 404)
    assert seen(left.user) == (404, 404)
    assert seen(staff) == (404, 404)  # staff status alone gives nothing
    assert seen(subscriber.user) == (200, 200)
    assert seen(reader) == (200, 200)
    client.force_login(subscriber.user)
    response = client.get(strategen.get_absolute_url())
    assert "Strategen oktober" in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_an_unknown_list_is_404(client):
    assert (
        client.get(reverse("newsletters:list_archive", kwargs={"list_slug": "bestaat-niet"})).status_code
        == 404
    )


# --- the profile ------------------------------------------------------------------------------------


def test_the_profile_shows_every_open_list_and_the_closed_lists_the_person_is_on(
    client, griffiers, strategen
):
    other_closed = NewsletterList.objects.create(name="Directeurenoverleg", slug="dir", self_service=False)
    person = MemberFactory()
    SubscriptionFactory(email=person.email, newsletter_list=strategen)
    client.force_login(person.user)

    page = client.get(reverse("members:profile")).content.decode()

    boxes = re.findall(r'name="lists" value="(\d+)"([^>]*)>', page)
    assert {int(pk): " checked" in rest for pk, rest in boxes} == {
        _general().pk: False,
        griffiers.pk: False,
        strategen.pk: True,
    }
    assert other_closed.name not in page
    assert "only the secretariat can add you again" in page


def test_the_profile_form_subscribes_and_unsubscribes_in_one_save(client, griffiers, strategen):
    person = MemberFactory()
    general = SubscriptionFactory(email=person.email.upper(), person=None)
    SubscriptionFactory(email=person.email, newsletter_list=strategen)
    other = SubscriptionFactory(email="ander@gemeente.nl", newsletter_list=griffiers)
    client.force_login(person.user)

    response = client.post(
        reverse("newsletters:profile_subscription"),
        {"lists": [str(griffiers.pk), str(strategen.pk)]},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("members:profile")
    text = response.content.decode()
    assert "You now receive Griffiersnetwerk" in text and "You no longer receive VZHG Nieuwsbrief" in text
    general.refresh_from_db()
    assert general.status == Subscription.Status.UNSUBSCRIBED
    mine = Subscription.objects.get(newsletter_list=griffiers, person=person)
    assert (mine.email, mine.status, mine.source) == (person.email.lower(), "confirmed", "public")
    assert Subscription.objects.get(newsletter_list=strategen).status == Subscription.Status.CONFIRMED
    other.refresh_from_db()
    assert other.status == Subscription.Status.CONFIRMED  # someone else's, untouched
    records = Subscription.history.filter(id=mine.pk)
    assert [(r.history_user, r.history_change_reason) for r in records] == [
        (person.user, "subscribed in the profile")
    ]

    # Leaving the closed list: allowed; ticking it again afterwards does not bring the person back.
    client.post(reverse("newsletters:profile_subscription"), {"lists": [str(griffiers.pk)]})
    assert Subscription.objects.get(newsletter_list=strategen).status == Subscription.Status.UNSUBSCRIBED
    client.post(reverse("newsletters:profile_subscription"), {"lists": [str(strategen.pk)]})
    assert Subscription.objects.get(newsletter_list=strategen).status == Subscription.Status.UNSUBSCRIBED
    page = client.get(reverse("members:profile")).content.decode()
    assert f'value="{strategen.pk}"' not in page and f'value="{griffiers.pk}"' in page


def test_the_profile_cannot_join_a_closed_list_by_posting_its_id(client, strategen):
    person = MemberFactory()
    client.force_login(person.user)

    client.post(reverse("newsletters:profile_subscription"), {"lists": [str(strategen.pk)]})

    assert not Subscription.objects.filter(newsletter_list=strategen).exists()
    with pytest.raises(subscriptions.ServiceError):
        subscriptions.subscription_profile_set(
            person=person, subscribe=True, actor=person.user, newsletter_list=strategen
        )


@pytest.mark.parametrize("lists", [1, 6])
def test_the_profile_card_is_one_query_whatever_the_number_of_lists(django_assert_num_queries, lists):
    person = MemberFactory()
    for number in range(lists):
        closed = NewsletterList.objects.create(name=f"Lijst {number}", slug=f"lijst-{number}")
        SubscriptionFactory(email=person.email, newsletter_list=closed)
    with django_assert_num_queries(1):
        rows = selectors.newsletter_lists_for_person(person=person)
    assert len(rows) == lists + 1


# --- the secretariat --------------------------------------------------------------------------------


def test_the_secretariat_adds_a_person_to_a_closed_list_by_hand(client, secretariat, strategen):
    SubscriptionFactory(email="wethouder@gemeente.nl")  # on the general list: no obstacle
    person = MemberFactory(email="wethouder@gemeente.nl")

    response = client.post(
        reverse("admin:newsletters_subscription_add"),
        {"newsletter_list": strategen.pk, "email": "Wethouder@gemeente.nl", "person": person.pk},
    )

    assert response.status_code == 302
    added = Subscription.objects.get(newsletter_list=strategen)
    assert (added.email, added.status, added.person) == ("wethouder@gemeente.nl", "confirmed", person)
    again = client.post(
        reverse("admin:newsletters_subscription_add"),
        {"newsletter_list": strategen.pk, "email": "wethouder@gemeente.nl"},
    )
    assert again.status_code == 200 and "This address is already on the list." in again.content.decode()


def test_import_to_a_list_leaves_the_other_lists_alone(client, secretariat, griffiers):
    SubscriptionFactory(email="weg@gemeente.nl", status=Subscription.Status.UNSUBSCRIBED)

    client.post(
        reverse("admin:newsletters_subscription_import"),
        {"newsletter_list": griffiers.pk, "addresses": "weg@gemeente.nl\nnieuw@gemeente.nl"},
    )

    assert set(Subscription.objects.filter(newsletter_list=griffiers).values_list("email", "status")) == {
        ("weg@gemeente.nl", "confirmed"),
        ("nieuw@gemeente.nl", "confirmed"),
    }
    assert Subscription.objects.get(newsletter_list=_general()).status == Subscription.Status.UNSUBSCRIBED


def test_the_lists_admin_counts_subscribers_and_keeps_lists_in_use(client, secretariat, griffiers):
    SubscriptionFactory.create_batch(2, newsletter_list=griffiers)

    page = client.get(reverse("admin:newsletters_newsletterlist_changelist")).content.decode()

    assert "Griffiersnetwerk" in page and f"?newsletter_list__id__exact={griffiers.pk}" in page
    # A list with subscribers (or editions) stays: the delete page names them and deletes nothing.
    url = reverse("admin:newsletters_newsletterlist_delete", args=[griffiers.pk])
    delete = client.post(url, {"post": "yes"})
    assert delete.status_code == 200 and "protected" in delete.content.decode()
    assert NewsletterList.objects.filter(pk=griffiers.pk).exists()
    empty = NewsletterList.objects.create(name="Leeg", slug="leeg")
    client.post(reverse("admin:newsletters_newsletterlist_delete", args=[empty.pk]), {"post": "yes"})
    assert not NewsletterList.objects.filter(pk=empty.pk).exists()


def test_the_avg_export_covers_every_list(client, griffiers):
    person = MemberFactory()
    SubscriptionFactory(email=person.email)
    SubscriptionFactory(email=person.email, newsletter_list=griffiers, status="unsubscribed")
    client.force_login(person.user)

    data = client.get(reverse("members:profile_export")).json()

    assert sorted((row["list"], row["status"]) for row in data["newsletter_subscriptions"]) == [
        ("Griffiersnetwerk", "unsubscribed"),
        ("VZHG Nieuwsbrief", "confirmed"),
    ]


def test_the_people_list_filters_by_newsletter_list_for_a_message(client, secretariat, griffiers):
    linked = MemberFactory(last_name="Gekoppeld")
    by_address = MemberFactory(last_name="Adresgenoot")
    left = MemberFactory(last_name="Afgemeld")
    MemberFactory(last_name="Buitenstaander")
    SubscriptionFactory(email="ander@gemeente.nl", person=linked, newsletter_list=griffiers)
    SubscriptionFactory(email=by_address.email.upper(), newsletter_list=griffiers)
    SubscriptionFactory(email=left.email, newsletter_list=griffiers, status=Subscription.Status.UNSUBSCRIBED)
    SubscriptionFactory(email=left.email)  # on the general list only

    url = reverse("admin:members_person_changelist")
    page = client.get(url, {"newsletter_list": griffiers.pk}).content.decode()

    assert "Gekoppeld" in page and "Adresgenoot" in page
    assert "Afgemeld" not in page and "Buitenstaander" not in page
    assert "Griffiersnetwerk" in client.get(url).content.decode()  # every list is offered
    general = client.get(url, {"newsletter_list": _general().pk}).content.decode()
    assert "Afgemeld" in general and "Gekoppeld" not in general
