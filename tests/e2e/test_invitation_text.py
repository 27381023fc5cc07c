"""The secretariat in a real browser: an invitation in its own words. It writes its own subject
and text with merge fields, previews the mail as one burgemeester, tests it to itself and sends;
the real worker prepares the mails and the SMTP sink receives exactly one per person, greeted
formally, with the own text above the fixed block (date, place, registration link)."""

from collections import Counter

import pytest
from playwright.sync_api import Page, expect

from events.models import Invitation
from members import services as member_services
from members.models import Person
from tests.events.staff_factories import EventFactory
from tests.factories import MunicipalityFactory, PersonFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def secretariat():
    user = UserFactory(is_staff=True, email="secretariaat@vzhg.nl")
    user.groups.add(member_services.secretariat_group_ensure())
    return user


def test_secretariat_invites_the_mayors_in_its_own_words(
    page: Page, live_server, log_in, secretariat, screenshot, celery_worker_process, smtp_sink
):
    event = EventFactory(title="Voorjaarscongres")
    mayors = [
        PersonFactory(
            first_name=first,
            tussenvoegsel=tussenvoegsel,
            last_name=last,
            salutation=salutation,
            function=Person.Function.BURGEMEESTER,
            organisation=MunicipalityFactory(name=town),
        )
        for first, tussenvoegsel, last, salutation, town in (
            ("Piet", "", "Jansen", "heer", "Gouda"),
            ("Anna", "de", "Vries", "mevrouw", "Delft"),
        )
    ]
    PersonFactory(organisation=mayors[0].organisation, function=Person.Function.GRIFFIER)  # not invited
    log_in(secretariat)

    page.goto(f"{live_server.url}/admin/events/event/{event.pk}/invitations/")
    expect(page.locator("#id_subject")).to_have_value("Uitnodiging: Voorjaarscongres")
    page.locator('input[name="audience"][value="function"]').check()
    page.locator('input[name="functions"][value="burgemeester"]').check()
    page.locator("#id_subject").fill("{evenement}: graag ook {gemeente}")
    page.locator("#id_text").fill("Wij nodigen u van harte uit voor **{evenement}**, {voornaam}.")
    screenshot("own text")
    page.locator('input[name="preview"]').click()

    # The preview as the second burgemeester, chosen from the audience.
    page.locator("#id_preview_as").select_option(str(mayors[1].pk))
    page.locator('input[name="preview"]').click()
    expect(page.locator("#preview-subject")).to_have_text("Voorjaarscongres: graag ook Delft")
    expect(page.locator("#preview-text")).to_contain_text("Geachte mevrouw De Vries,")
    expect(page.locator("#preview-html strong")).to_have_text("Voorjaarscongres")
    screenshot("preview")
    assert not Invitation.objects.exists()

    page.locator('input[name="test"]').click()
    expect(page.locator(".messagelist")).to_contain_text("testmail")
    [test] = smtp_sink.wait_for(1, timeout=60)
    assert test.recipients == ["secretariaat@vzhg.nl"]
    assert str(test.message["Subject"]) == "[Test] Voorjaarscongres: graag ook Delft"
    # The form kept the own words for the send.
    expect(page.locator("#id_text")).to_have_value(
        "Wij nodigen u van harte uit voor **{evenement}**, {voornaam}."
    )

    page.locator('input[name="send"]').click()
    expect(page.locator(".messagelist")).to_contain_text("2 uitnodiging(en)")
    received = smtp_sink.wait_for(3, timeout=120)
    celery_worker_process.wait_idle(timeout=120)
    page.reload()
    expect(page.locator("#progress-sent")).to_have_text("2")
    screenshot("sent")

    sent = [m for m in smtp_sink.messages if not str(m.message["Subject"]).startswith("[Test]")]
    assert Counter(address for m in sent for address in m.recipients) == {p.email: 1 for p in mayors}
    assert len(received) >= 3 and len(smtp_sink.messages) == 3
    by_address = {m.recipients[0]: m for m in sent}
    for person, greeting, town in (
        (mayors[0], "Geachte heer Jansen,", "Gouda"),
        (mayors[1], "Geachte mevrouw De Vries,", "Delft"),
    ):
        mail = by_address[person.email]
        assert str(mail.message["Subject"]) == f"Voorjaarscongres: graag ook {town}"
        text = mail.text.replace("\r\n", "\n")  # SMTP lines end in CRLF
        assert text.startswith(
            f"{greeting}\n\nWij nodigen u van harte uit voor **Voorjaarscongres**, {person.first_name}."
        )
        # The own text above the fixed block: when and where, then the registration link.
        assert text.index("Wij nodigen u") < text.index("Wanneer") < text.index(f"/agenda/{event.slug}/")
