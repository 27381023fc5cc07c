"""The members' side of the ALV in a real browser: a griffier registers for the congress and names
the municipality's delegate on the registration form; on the day the delegate checks in from a
390 px phone ("Ik ben aanwezig"). axe-core finds nothing on either page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from events.models import Event, Registration
from governance.models import Delegate, Meeting, Presence
from members.models import Person
from tests.events.conftest import make_event
from tests.factories import MemberFactory, MunicipalityFactory
from tests.governance.assembly_data import alv_meeting

from .conftest import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_a_griffier_names_the_delegate_at_registration_who_checks_in_on_the_day(
    page: Page, live_server, log_in
):
    event = make_event(title="Voorjaarscongres", kind=Event.Kind.ALV_CONGRESS)
    meeting = alv_meeting(days=14, title="ALV voorjaar")
    Meeting.objects.filter(pk=meeting.pk).update(event=event)
    town = MunicipalityFactory(name="Gemeente Bodegraven")
    griffier = MemberFactory(
        organisation=town, function=Person.Function.GRIFFIER, first_name="Greet", last_name="Griffioen"
    )
    delegate = MemberFactory(
        organisation=town, function=Person.Function.WETHOUDER, first_name="Daan", last_name="Dekker"
    )

    log_in(griffier.user)
    page.goto(live_server.url + reverse("events:register", kwargs={"slug": event.slug}))
    expect(page.get_by_role("group", name="Afgevaardigde van Gemeente Bodegraven")).to_be_visible()
    page.get_by_label("Afgevaardigde (stemgerechtigd)").select_option(label=str(delegate))
    page.get_by_label("Plaatsvervanger").select_option(label=str(griffier))
    assert_accessible(page)
    page.get_by_role("button", name="Aanmelding bevestigen").click()

    expect(page.get_by_role("main")).to_contain_text(
        "Daan Dekker is de afgevaardigde van Gemeente Bodegraven bij ALV voorjaar"
    )
    assert Registration.objects.get(event=event).person == griffier
    named = Delegate.objects.get(meeting=meeting, municipality=town)
    assert (named.person, named.deputy) == (delegate, griffier)

    # The day of the ALV: the delegate, on the phone, checks in.
    starts = timezone.localtime().replace(hour=23, minute=0, second=0, microsecond=0)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=starts - datetime.timedelta(hours=1))
    log_in(delegate.user)
    page.set_viewport_size(PHONE)
    page.goto(
        live_server.url + reverse("governance:ballot", kwargs={"pk": meeting.pk, "token": meeting.token})
    )
    assert_accessible(page)
    page.get_by_role("button", name="Ik ben aanwezig").click()

    expect(page.get_by_role("main")).to_contain_text("Gemeente Bodegraven is aangemeld als aanwezig.")
    expect(page.get_by_role("button", name="Ik ben aanwezig")).to_have_count(0)
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    presence = Presence.objects.get(meeting=meeting, municipality=town)
    assert presence.self_check_in and presence.person == delegate
