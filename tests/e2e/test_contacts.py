"""Contacts and signals in a real browser: the secretariat records a GS overleg linked to the
workplan activity and sees the planned-vs-realised count move; a signal is forwarded and closed."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from contacts.models import ContactMoment, Signal
from governance.models import PlannedActivity, Theme, Workplan
from members import services as member_services
from members.models import Organisation
from tests.factories import MunicipalityFactory, OrganisationFactory, UserFactory

from .conftest import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def secretariat():
    user = UserFactory(is_staff=True, email="secretariaat@vzhg.nl")
    user.groups.add(member_services.secretariat_group_ensure())
    return user


def test_secretariat_records_a_gs_overleg_and_the_workplan_count_moves(
    page: Page, live_server, log_in, secretariat, screenshot
):
    today = timezone.localdate()
    plan = Workplan.objects.create(year=today.year)
    activity = PlannedActivity.objects.create(
        workplan=plan,
        order=1,
        title="Overleg met de provincie Zuid-Holland",
        kind=PlannedActivity.Kind.CONSULTATION,
        planned_count=5,
    )
    OrganisationFactory(name="Provincie Zuid-Holland", kind=Organisation.Kind.PROVINCE)
    log_in(secretariat)

    page.goto(f"{live_server.url}/admin/governance/workplan/{plan.pk}/change/")
    count = page.locator(f"#activity-{activity.pk} .reports-count")
    expect(count).to_have_attribute("data-realised", "0")
    screenshot("workplan before")

    page.goto(f"{live_server.url}/admin/contacts/contactmoment/add/")
    page.locator("#id_date").fill(today.strftime("%d-%m-%Y"))
    page.locator("#id_counterpart").select_option("gs")
    page.locator("#id_title").fill("Jaarlijks overleg bestuur VZHG en Gedeputeerde Staten")
    page.locator(".field-organisations .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("Provincie")
    page.locator(".select2-results__option", has_text="Provincie Zuid-Holland").click()
    page.locator("#id_report").fill("Besproken: de **ruimtelijke puzzel** en woningbouw.")
    page.locator(".field-activities .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("provincie")
    page.locator(".select2-results__option", has_text="Overleg met de provincie").click()
    page.locator("input[name='actions-0-title']").fill("Brief aan de gedeputeerde")
    screenshot("overleg filled in")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()

    moment = ContactMoment.objects.get()
    assert moment.counterpart == ContactMoment.Counterpart.GS
    assert list(moment.activities.all()) == [activity]
    assert [action.title for action in moment.actions.all()] == ["Brief aan de gedeputeerde"]

    page.goto(f"{live_server.url}/admin/governance/workplan/{plan.pk}/change/")
    expect(page.locator(f"#activity-{activity.pk} .reports-count")).to_have_attribute("data-realised", "1")
    screenshot("workplan after")


def test_a_signal_is_forwarded_and_closed(page: Page, live_server, log_in, secretariat, screenshot):
    theme = Theme.objects.create(name="Financiën", slug="financien")
    signal = Signal.objects.create(
        title="Zorgen over de gemeentefinanciën",
        text="Gemeenten vrezen tekorten na 2026.",
        theme=theme,
        organisation=MunicipalityFactory(name="Dordrecht"),
        received_on=timezone.localdate() - datetime.timedelta(days=7),
    )
    log_in(secretariat)

    page.goto(f"{live_server.url}/signalen/?status=ontvangen")
    expect(page.locator(".signal-table")).to_contain_text("Zorgen over de gemeentefinanciën")
    assert_accessible(page)
    screenshot("signals list")
    page.get_by_role("link", name="Zorgen over de gemeentefinanciën").click()

    page.locator("#id_forward-forwarded_to").select_option("vng")
    page.locator(".signal-forward button[type=submit]").click()
    expect(page.locator(".alert-success, .messages .success, [role=alert]").first).to_be_visible()
    expect(page.locator(".signal-status")).to_have_text("doorgezet")
    assert_accessible(page)
    screenshot("forwarded")

    page.locator("#id_close-outcome").fill("Ingebracht in het VNG-voorzittersoverleg.")
    page.locator(".signal-close button[type=submit]").click()
    expect(page.locator(".signal-status")).to_have_text("afgerond")
    expect(page.locator(".signal-outcome")).to_contain_text("VNG-voorzittersoverleg")
    expect(page.locator(".signal-forward")).to_have_count(0)
    screenshot("closed")

    signal.refresh_from_db()
    assert (signal.status, signal.forwarded_to) == (Signal.Status.CLOSED, Signal.ForwardedTo.VNG)
    assert signal.history.latest("history_date").history_user == secretariat
