"""A new edition built on the last one (sections, opening and closing word, no items), and a test
mail to named colleagues besides oneself."""

import datetime

import pytest
from django.core import mail as django_mail
from django.urls import reverse

from newsletters.models import Item, Newsletter, Section
from newsletters.rendering import edition_render, mail_render
from newsletters.selectors import newsletter_full
from newsletters.services.copying import newsletter_copy_previous
from newsletters.services.editions import newsletter_test_send
from tests.factories import PersonFactory, UserFactory, secretariat_user, staff_without_rights
from vzhg.errors import ServiceError

from .conftest import NewsletterFactory

pytestmark = pytest.mark.django_db


def _september():
    previous = NewsletterFactory(
        title="Nieuwsbrief september 2025", date=datetime.date(2025, 9, 20), with_items=2,
        intro="Beste lezer,\n\nHet zomerreces ligt achter ons.",
        closing="Met vriendelijke groet, het bestuur",
    )  # fmt: skip
    Section.objects.create(newsletter=previous, title="Agenda-aankondigingen", order=25)
    return previous


def test_a_new_edition_takes_the_sections_and_fixed_texts_of_the_last_one_without_items():
    NewsletterFactory(title="Oud", date=datetime.date(2025, 6, 1))
    previous = _september()
    actor = UserFactory(is_staff=True)

    edition = newsletter_copy_previous(actor=actor, date=datetime.date(2025, 10, 15))

    assert edition.title == "Nieuwsbrief oktober 2025" and edition.slug == "nieuwsbrief-oktober-2025"
    assert edition.status == Newsletter.Status.CONCEPT and edition.created_by == actor
    assert (edition.intro, edition.closing) == (previous.intro, previous.closing)
    assert list(edition.sections.values_list("title", "order")) == [
        ("Vanuit het bestuur", 10), ("Provincie Zuid-Holland", 20), ("Agenda-aankondigingen", 25),
        ("VNG", 30), ("Overig", 40),
    ]  # fmt: skip
    assert not Item.objects.filter(section__newsletter=edition).exists()
    assert Item.objects.filter(section__newsletter=previous).count() == 2  # the old one keeps its items
    history = edition.history.get()
    assert history.history_user == actor
    assert history.history_change_reason == f"copied from edition {previous.pk} (Nieuwsbrief september 2025)"


def test_a_second_copy_in_the_same_month_gets_its_own_address():
    _september()
    first = newsletter_copy_previous(actor=None, date=datetime.date(2025, 10, 1))
    second = newsletter_copy_previous(actor=None, date=datetime.date(2025, 10, 2))

    assert (first.slug, second.slug) == ("nieuwsbrief-oktober-2025", "nieuwsbrief-oktober-2025-2")
    assert second.sections.count() == 5  # built on the first copy: the latest edition


def test_without_any_edition_there_is_nothing_to_copy():
    with pytest.raises(ServiceError) as refusal:
        newsletter_copy_previous(actor=None)
    assert refusal.value.code == "no_previous"


def test_the_closing_word_is_in_the_mail_and_the_web_version(client):
    previous = _september()
    edition = edition_render(newsletter=newsletter_full().get(pk=previous.pk))
    mail = mail_render(edition=edition)

    assert "Met vriendelijke groet, het bestuur" in mail["text"]
    assert "Met vriendelijke groet, het bestuur</p>" in mail["html"]
    assert mail["text"].index("Met vriendelijke groet") > mail["text"].index("Bericht 1")


def test_the_admin_button_makes_the_new_edition_and_opens_it(client, secretariat):
    previous = _september()
    changelist = reverse("admin:newsletters_newsletter_changelist")
    page = client.get(changelist).content.decode()
    assert reverse("admin:newsletters_newsletter_copy_previous") in page
    assert "New edition based on the previous one" in page

    response = client.post(reverse("admin:newsletters_newsletter_copy_previous"), follow=True)

    edition = Newsletter.objects.exclude(pk=previous.pk).get()
    assert response.redirect_chain[-1][0] == reverse("admin:newsletters_newsletter_change", args=[edition.pk])
    assert "A new edition has been made from the previous one" in response.content.decode()
    assert edition.created_by == secretariat and edition.sections.count() == 5
    assert edition.history.get().history_user == secretariat


def test_the_admin_button_only_takes_post_and_says_when_there_is_nothing(client, secretariat):
    url = reverse("admin:newsletters_newsletter_copy_previous")
    assert client.get(url).status_code == 405

    response = client.post(url, follow=True)

    assert "There is no previous edition to start from." in response.content.decode()
    assert not Newsletter.objects.exists()


def test_a_test_goes_to_me_and_the_colleagues_with_their_own_greeting(django_capture_on_commit_callbacks):
    actor = UserFactory(is_staff=True, email="redactie@vzhg.nl")
    anna = secretariat_user(email="anna@vzhg.nl")
    PersonFactory(email=anna.email, first_name="Anna", user=anna)
    bram = secretariat_user(email="bram@vzhg.nl")
    newsletter = NewsletterFactory(title="Editie december")

    with django_capture_on_commit_callbacks(execute=True):
        sent_to = newsletter_test_send(newsletter=newsletter, actor=actor, colleagues=[anna, bram, actor])

    assert sent_to == ["redactie@vzhg.nl", "anna@vzhg.nl", "bram@vzhg.nl"]
    assert sorted(m.to[0] for m in django_mail.outbox) == ["anna@vzhg.nl", "bram@vzhg.nl", "redactie@vzhg.nl"]
    assert all(m.subject == "[TEST] Editie december" for m in django_mail.outbox)
    [to_anna] = [m for m in django_mail.outbox if m.to == ["anna@vzhg.nl"]]
    assert "Anna" in to_anna.body
    assert newsletter.history.first().history_change_reason == (
        "test mail sent to redactie@vzhg.nl, anna@vzhg.nl, bram@vzhg.nl"
    )


def test_a_test_goes_only_to_active_staff():
    actor = UserFactory(is_staff=True, email="redactie@vzhg.nl")
    outsider = UserFactory(is_staff=False, email="lid@gemeente.nl")
    bare_staff = staff_without_rights(email="beheer@vzhg.nl")  # an admin log-in without rights

    for colleague in (outsider, bare_staff):
        with pytest.raises(ServiceError) as refusal:
            newsletter_test_send(newsletter=NewsletterFactory(), actor=actor, colleagues=[colleague])
        assert refusal.value.code == "not_staff"
    assert not django_mail.outbox


def test_the_admin_offers_colleagues_and_sends_the_test_to_the_ticked_ones(
    client, secretariat, django_capture_on_commit_callbacks
):
    anna = secretariat_user(email="anna@vzhg.nl", first_name="Anna", last_name="Smit")
    bram = secretariat_user(email="bram@vzhg.nl")
    member = UserFactory(is_staff=False, email="lid@gemeente.nl")
    bare_staff = staff_without_rights(email="beheer@vzhg.nl")
    newsletter = NewsletterFactory(title="Editie november", with_items=0)
    url = reverse("admin:newsletters_newsletter_change", args=[newsletter.pk])
    page = client.get(url).content.decode()
    assert "Anna Smit (anna@vzhg.nl)" in page and "bram@vzhg.nl" in page
    assert member.email not in page and bare_staff.email not in page

    form = {"title": newsletter.title, "slug": newsletter.slug, "date": newsletter.date.isoformat(),
            "intro": newsletter.intro, "closing": "", "sections-TOTAL_FORMS": "0",
            "sections-INITIAL_FORMS": "0", "sections-MIN_NUM_FORMS": "0", "sections-MAX_NUM_FORMS": "1000",
            "_send_test": "1", "test_colleagues": [anna.pk, bram.pk]}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form, follow=True)

    message = response.content.decode().split("A test has been sent to ")[1].split("</li>")[0]
    assert sorted(message.rstrip(".").split(", ")) == sorted([secretariat.email, anna.email, bram.email])
    assert sorted(m.to[0] for m in django_mail.outbox) == sorted([secretariat.email, anna.email, bram.email])

    django_mail.outbox.clear()
    response = client.post(url, {**form, "test_colleagues": [member.pk]}, follow=True)
    assert "Choose colleagues from the list." in response.content.decode()
    assert not django_mail.outbox
