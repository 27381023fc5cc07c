"""Ranked workshop choices in Chromium, end to end: a member ranks the workshops of two rounds on a
phone (partly by keyboard), makes a mistake and finds every choice still filled in with a Dutch
message at the select to fix; after closing the secretariat computes the allocation, reviews the
distribution, applies and sends it; every registrant gets one mail, and the member sees what they
got on the event page and on "mijn aanmeldingen". axe-core checks the member's pages."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from events import services
from events.models import Event, Registration
from members import services as member_services
from tests.events.conftest import make_event, sessions_of
from tests.factories import MemberFactory, MunicipalityFactory, UserFactory
from vzhg.mail.models import OutgoingMail

from .conftest import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_members_rank_the_secretariat_allocates_and_everyone_hears_once(
    page: Page, live_server, log_in, screenshot
):
    event = make_event(
        title="Najaarscongres: Een weerbaar Zuid-Holland",
        rounds=2,
        sessions_per_round=3,
        session_capacity=2,
        workshop_ranks=2,
        workshop_allocation=Event.WorkshopAllocation.AFTER_CLOSING,
    )
    grid = sessions_of(event)
    towns = [MunicipalityFactory(name=name) for name in ("Leiden", "Gouda", "Delft")]
    others = []
    for i in range(5):  # five colleagues have ranked already
        person = MemberFactory(organisation=towns[i % 3])
        ranking = {row[0].round_id: [row[i % 3].pk, row[(i + 1) % 3].pk] for row in grid}
        others.append(
            services.registration_create(event=event, person=person, session_ids=[], ranking=ranking)
        )
    member = MemberFactory(first_name="Fleur", organisation=towns[0])
    log_in(member.user)
    page.set_viewport_size(PHONE)
    main = page.get_by_role("main")

    # Register on a phone: round 1 by keyboard, and by mistake the same workshop twice.
    page.goto(live_server.url + reverse("events:register", args=[event.slug]))
    expect(main).to_contain_text("De workshops worden ingedeeld na sluiting van de aanmelding")
    assert_accessible(page)
    first = main.locator("#id_round_1_rank_1")
    first.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # "—", Workshop 1.1, Workshop 1.2
    expect(first).to_have_value(str(grid[0][1].pk))
    page.keyboard.press("Tab")
    expect(main.locator("#id_round_1_rank_2")).to_be_focused()
    main.locator("#id_round_1_rank_2").select_option(str(grid[0][1].pk))  # the same one again
    main.locator("#id_round_2_rank_2").select_option(str(grid[1][2].pk))  # a second, no first
    main.locator("textarea[name=remarks]").fill("Vegetarisch")
    main.locator("button[type=submit]").click()

    summary = main.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Kies een workshop maar één keer in Ronde 1.")
    expect(summary).to_contain_text("Kies je eerste keuze voor Ronde 2.")
    expect(main.locator("#id_round_1_rank_2")).to_have_attribute("aria-invalid", "true")
    expect(main.locator("#id_round_1_rank_1")).to_have_value(str(grid[0][1].pk))  # nothing lost
    expect(main.locator("#id_round_2_rank_2")).to_have_value(str(grid[1][2].pk))
    expect(main.locator("textarea[name=remarks]")).to_have_value("Vegetarisch")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)
    screenshot("errors on a phone")
    assert not Registration.objects.filter(person=member).exists()

    summary.get_by_role("link", name=re.compile("Ronde 1")).click()  # to the select to fix
    expect(main.locator("#id_round_1_rank_2")).to_be_focused()
    main.locator("#id_round_1_rank_2").select_option(str(grid[0][0].pk))
    main.locator("#id_round_2_rank_1").select_option(str(grid[1][0].pk))
    main.locator("#id_round_2_rank_2").select_option(str(grid[1][2].pk))
    screenshot("ranked")
    main.locator("button[type=submit]").click()
    # (the browser keeps the #fragment of the summary's link across the redirect)
    expect(page).to_have_url(re.compile(re.escape(live_server.url + event.get_absolute_url()) + "(#.*)?$"))
    expect(page.locator(".registration-status")).to_have_attribute("data-status", "confirmed")
    mine = page.locator(".my-workshops")
    expect(mine).to_contain_text("De workshops worden ingedeeld na sluiting van de aanmelding.")
    expect(mine.locator("ol").first.locator("li")).to_have_text(["Workshop 1.2", "Workshop 1.1"])
    assert_accessible(page)
    screenshot("event page before the allocation")

    # Registration closes; the secretariat computes, reviews, applies and sends.
    Event.objects.filter(pk=event.pk).update(
        registration_closes_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    secretariat = UserFactory(is_staff=True, email="secretariaat@vzhg.nl")
    secretariat.groups.add(member_services.secretariat_group_ensure())
    page.context.clear_cookies()
    log_in(secretariat)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/admin/events/event/{event.pk}/change/")
    page.locator(f'a[href="/admin/events/event/{event.pk}/allocation/"]').click()
    page.locator("button[name=run]").click()
    per_workshop = page.locator("#per-workshop")
    expect(per_workshop).to_be_visible()
    expect(per_workshop.locator("tbody tr")).to_have_count(6)
    expect(page.locator("#per-municipality tbody tr")).to_have_count(3)
    screenshot("review")
    assert not OutgoingMail.objects.filter(kind="events.workshop.allocated").exists()
    page.locator("button[name=apply]").click()
    expect(page.locator("#applied")).to_be_visible()
    page.locator("button[name=send]").click()
    expect(page.locator("#sent")).to_be_visible()
    expect(page.locator("button[name=send]")).to_have_count(0)  # no second send
    screenshot("sent")

    mails = list(OutgoingMail.objects.filter(kind="events.workshop.allocated"))
    assert sorted(m.to for m in mails) == sorted([member.email] + [r.person.email for r in others])
    registration = Registration.objects.get(event=event, person=member)
    got = {c.round.number: c.session.title for c in registration.choices.select_related("round", "session")}
    assert set(got) == {1, 2}  # a place in both rounds (six places, six people)
    (fleur,) = [m for m in mails if m.to == member.email]
    assert got[1] in fleur.body_text and got[2] in fleur.body_text
    assert any(a["filename"].endswith(".ics") for a in fleur.attachments)

    # The member sees what she got.
    page.context.clear_cookies()
    log_in(member.user)
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + event.get_absolute_url())
    expect(page.locator(".my-workshops .workshop-assigned")).to_have_text(
        [f"Je bent ingedeeld bij: {got[1]}", f"Je bent ingedeeld bij: {got[2]}"]
    )
    assert_accessible(page)
    screenshot("event page after the allocation")
    page.goto(live_server.url + reverse("events:mine"))
    expect(main.locator(".workshop-assigned")).to_have_count(2)
    assert_accessible(page)
    screenshot("mine after the allocation")
