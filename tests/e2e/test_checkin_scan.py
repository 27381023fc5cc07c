"""Check-in at the door on a phone (390 px), by a volunteer who holds only the check-in
permission: a scanned code checks someone in (the scanner fills in the code field and posts it,
so the test posts the same field), scanning again says when, a walk-in is added and counts in
"x van de N gemeenten", and the page is axe-clean. The second test feeds Chromium a fake camera
that shows the QR code of the confirmation mail, so jsQR really reads it."""

import io
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from playwright.sync_api import Page, expect

from events import checkin
from events.models import Registration
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, assert_accessible
from tests.events.staff_factories import EventFactory, RegistrationFactory, nl
from tests.factories import MemberFactory, MunicipalityFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def door():
    user = UserFactory(is_staff=True, email="deur@vzhg.nl")
    user.user_permissions.add(Permission.objects.get(codename="checkin_registration"))
    return user


@pytest.fixture
def anouk():
    event = EventFactory(title="ALV en voorjaarscongres")
    person = MemberFactory(
        first_name="Anouk", last_name="Visser", organisation=MunicipalityFactory(name="Leiden")
    )
    RegistrationFactory(event=event, person=MemberFactory(first_name="Bas", last_name="Jong"))
    return RegistrationFactory(event=event, person=person)


def test_scan_and_walk_in_on_a_phone(page: Page, live_server, log_in, door, anouk, screenshot):
    event = anouk.event
    MunicipalityFactory(name="Delft")
    log_in(door)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/admin/events/event/{event.pk}/checkin/")
    municipalities = page.locator("#checkin-municipalities")
    expect(municipalities).to_contain_text(re.compile(r"^\s*0\D+\d+"))
    expect(page.locator("[data-checkin-start]")).to_be_visible()  # the scanner is offered
    assert_accessible(page)
    screenshot("door on a phone")

    # What the scanner does with a QR code: the link it read into the field, and submit.
    link = checkin.checkin_url(registration=anouk)
    page.locator("#id_code").fill(link)
    page.locator("#scan input[type=submit]").click()
    expect(page.locator(".messagelist")).to_contain_text(
        nl("Checked in: %(who)s", who="Anouk Visser, Leiden")
    )
    expect(page.locator("#checkin-counts")).to_contain_text(re.compile(r"1\D+2"))
    expect(municipalities).to_contain_text(re.compile(r"^\s*1\D+\d+"))
    screenshot("checked in by code")

    page.locator("#id_code").fill(link)
    page.locator("#scan input[type=submit]").click()
    at = timezone.localtime(Registration.objects.get(pk=anouk.pk).attended_at).strftime("%H:%M")
    already = nl("Already checked in at %(time)s: %(who)s", time=at, who="Anouk Visser, Leiden")
    expect(page.locator(".messagelist")).to_contain_text(already)
    expect(page.locator("#checkin-counts")).to_contain_text(re.compile(r"1\D+2"))  # not twice

    page.locator("#id_code").fill("123.nep")
    page.locator("#scan input[type=submit]").click()
    expect(page.locator(".messagelist")).to_contain_text(
        nl("Unknown code: it is not a check-in code for this event.")
    )

    page.locator("#id_walkin-name").fill("Wim Binnenloper")
    page.locator("#id_walkin-organisation").select_option(label="Delft")
    page.locator("#walk-in input[type=submit]").click()
    expect(page.locator(".messagelist")).to_contain_text("Wim Binnenloper, Delft")
    expect(page.locator("#checkin-counts")).to_contain_text(re.compile(r"2\D+3"))
    expect(municipalities).to_contain_text(re.compile(r"^\s*2\D+\d+"))
    expect(page.locator("#walk-in")).to_contain_text("Wim Binnenloper")
    assert_accessible(page)
    screenshot("walk-in added")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert Registration.objects.filter(event=event, attended=True).count() == 2


def _fake_camera(url: str, folder: Path) -> Path:
    """A Y4M video (what Chromium's fake camera plays) of the QR code of `url` on white."""
    from PIL import Image

    qr = Image.open(io.BytesIO(checkin.checkin_qr_png(url=url))).convert("L")
    frame = Image.new("L", (640, 480), 255)
    qr = qr.resize((400, 400), Image.NEAREST)
    frame.paste(qr, (120, 40))
    chroma = bytes([128]) * (320 * 240)
    path = folder / "qr.y4m"
    with path.open("wb") as out:
        out.write(b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n")
        for _ in range(10):
            out.write(b"FRAME\n" + frame.tobytes() + chroma + chroma)
    return path


def test_the_camera_reads_the_qr_code(browser, live_server, door, anouk, tmp_path):
    video = _fake_camera(checkin.checkin_url(registration=anouk), tmp_path)
    camera = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        context = camera.new_context(locale="nl-NL", viewport=PHONE, permissions=["camera"])
        from django.conf import settings
        from django.test import Client

        client = Client()
        client.force_login(door)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{live_server.url}/admin/events/event/{anouk.event.pk}/checkin/")
        page.locator("[data-checkin-start]").click()
        expect(page.locator(".messagelist")).to_contain_text(
            nl("Checked in: %(who)s", who="Anouk Visser, Leiden"), timeout=15_000
        )
    finally:
        camera.close()
    anouk.refresh_from_db()
    assert anouk.attended
