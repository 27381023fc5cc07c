"""The secretariat in a real browser: a message to an event's waiting list, with an attachment
and a merge field, previewed as one recipient, tested, then sent exactly once per person."""

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from events.models import Registration
from members import services as member_services
from members.models import Person
from tests.events.staff_factories import EventFactory, RegistrationFactory
from tests.factories import MunicipalityFactory, PersonFactory, UserFactory
from tests.messaging.conftest import PDF

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def secretariat():
    user = UserFactory(is_staff=True, email="secretariaat@vzhg.nl")
    user.groups.add(member_services.secretariat_group_ensure())
    return user


def test_secretariat_messages_the_waiting_list(
    page: Page, live_server, log_in, secretariat, screenshot, tmp_path
):
    event = EventFactory(title="Voorjaarscongres")
    waiting = [
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
    for person in waiting:
        RegistrationFactory(event=event, person=person, status=Registration.Status.WAITLISTED)
    RegistrationFactory(event=event)  # confirmed: not on the waiting list
    attachment = tmp_path / "programma.pdf"
    attachment.write_bytes(PDF)
    log_in(secretariat)

    page.goto(f"{live_server.url}/admin/events/event/{event.pk}/change/")
    page.get_by_role("link", name="de wachtlijst").click()
    page.locator("#id_subject").fill("Wachtlijst {evenement}")
    page.locator("#id_body").fill("{aanhef},\n\nU staat nog op de wachtlijst voor **{evenement}**.")
    page.locator("#id_attachments-0-file").set_input_files(str(attachment))
    screenshot("composer")
    page.locator('input[name="_save"]').click()

    expect(page.locator("#recipient-count")).to_contain_text("2 ontvangers")
    expect(page.locator("#municipalities-missing")).to_contain_text("1 gemeente zonder ontvanger")
    vries = waiting[1]
    page.locator("#id_as").select_option(str(vries.pk))
    page.get_by_role("button", name="Tonen").click()
    expect(page.locator("#preview-subject")).to_have_text("Wachtlijst Voorjaarscongres")
    expect(page.locator("#preview-body")).to_contain_text("Geachte mevrouw De Vries")
    screenshot("preview")
    assert mail.outbox == []

    page.get_by_role("button", name="Test versturen").click()
    expect(page.locator(".messagelist")).to_contain_text("1 testmail")
    assert [m.to for m in mail.outbox] == [["secretariaat@vzhg.nl"]]

    page.locator("#send-button").click()
    expect(page.locator(".messagelist")).to_contain_text("verstuurd aan 2 ontvangers")
    expect(page.locator("#progress-sent")).to_have_text("2")
    screenshot("sent")
    sent = [m for m in mail.outbox if not m.subject.startswith("[Test]")]
    assert sorted(m.to[0] for m in sent) == sorted(p.email for p in waiting)
    by_address = {m.to[0]: m for m in sent}
    assert by_address[waiting[0].email].body.startswith("Geachte heer Jansen,")
    assert by_address[vries.email].body.startswith("Geachte mevrouw De Vries,")
    assert all([a[0] for a in m.attachments] == ["programma.pdf"] for m in sent)
    # No second send: the page offers no send button any more.
    expect(page.locator("#send-button")).to_have_count(0)
