"""The admin as the secretariat reads it all day: every field has a label (split date/time, table
inlines), the history pages speak Dutch with readable values, the filter_horizontal help is Dutch,
the outbox names its kinds of mail."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from members import services as member_services
from members.models import Person
from tests.events.conftest import make_event
from tests.factories import MemberFactory, UserFactory
from vzhg.mail.kinds import KIND_LABELS, mail_kind_label
from vzhg.mail.services import mail_queue

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat(client: Client):
    user = UserFactory(is_staff=True, email="secretariaat-a11y@vzhg.nl")
    user.groups.add(member_services.secretariat_group_ensure())
    client.force_login(user)
    return user


def _labels(html: str) -> set[str]:
    return set(re.findall(r'<label[^>]*\bfor="([^"]+)"', html))


def _inputs(html: str) -> set[str]:
    """The ids of the visible inputs, selects and text areas of the change form's <form>."""
    form = html[html.index('id="content-main"') :]
    ids = set()
    for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", form):
        if re.search(r'type="(hidden|submit|button)"', tag) or "__prefix__" in tag:
            continue
        found = re.search(r'\bid="([^"]+)"', tag)
        if found:
            ids.add(found.group(1))
    return ids


def test_every_field_of_the_event_and_round_forms_has_a_label(client, secretariat):
    event = make_event(rounds=1)
    round_ = event.rounds.get()
    for url in (
        reverse("admin:events_event_change", args=[event.pk]),
        reverse("admin:events_round_change", args=[round_.pk]),
    ):
        page = client.get(url).content.decode()
        missing = _inputs(page) - _labels(page)
        assert not missing, f"{url}: fields without a label: {sorted(missing)}"

    page = client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()
    assert 'for="id_starts_at_1"' in page  # the time half of a split date/time field
    page = client.get(reverse("admin:events_round_change", args=[round_.pk])).content.decode()
    assert re.search(
        r'<label class="vzhg-sr-only" for="id_sessions-0-title">', page
    )  # a cell of a table inline


def test_the_history_page_is_dutch_with_readable_values_and_no_inline_style(client, secretariat):
    person = MemberFactory(first_name="Anna", function=Person.Function.BELEIDSMEDEWERKER)
    person.first_name = "Anne"
    person.function = Person.Function.GRIFFIER
    person.save()

    page = client.get(reverse("admin:members_person_history", args=[person.pk])).content.decode()
    history = page[page.index('id="change-history"') :]

    assert "Geschiedenis van" in page and "View history" not in page and "Change history" not in page
    assert "Gewijzigd door" in page and "Changed by" not in page
    assert "Anna" in history and "Anne" in history
    with translation.override("nl"):
        griffier = str(Person.Function.GRIFFIER.label)
    assert griffier in history  # the choice's Dutch label, not its key
    assert ">griffier<" not in history and " griffier\n" not in history
    assert " style=" not in page[page.index('id="content"') :]  # the CSP refuses inline style
    assert not re.search(r"\b(True|False|None)\b", history)


def test_the_filter_horizontal_help_is_dutch(client, secretariat):
    catalogue = client.get(reverse("admin:jsi18n")).content.decode()
    assert "Alle %s kiezen" in catalogue
    assert "Kies %s door ze te selecteren" in catalogue


def test_the_outbox_names_each_kind_of_mail(client, secretariat):
    mail_queue(
        to="lid@delft.nl", subject="Je aanmelding", text="Tot dan.", kind="events.registration.confirmed"
    )

    page = client.get(reverse("admin:mail_outgoingmail_changelist")).content.decode()

    assert "Bevestiging aanmelding" in page
    assert "events.registration.confirmed</td>" not in page


def test_every_kind_the_code_sends_has_a_name():
    assert mail_kind_label("events.registration.confirmed") != "events.registration.confirmed"
    assert mail_kind_label("iets.nieuws") == "iets.nieuws"  # an unknown kind still shows
    assert mail_kind_label("") == "–"
    assert all(str(label) for label in KIND_LABELS.values())
