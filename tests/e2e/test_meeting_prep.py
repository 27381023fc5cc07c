"""Preparing an AB meeting with six agenda items and four documents, and publishing it, counted in
clicks and page loads as the secretariat would do it in Chromium.

The old way (kept as a measurement, and because every page on it still works): the meeting with
its items on the meeting page, then each document on its own page reached through its item, then
the publish action on the list of meetings. The new way: everything on the meeting's own page,
several files per item row, "Opslaan en publiceren". Both print their counts and write them to
<artifacts>/meeting-prep-clicks.txt.

What counts as a click: a click on a link, button or checkbox; a click into a text field before
typing in it; two for a drop-down (open, choose); for a file field one to open the file chooser
and one per file picked in it. Typing itself is not counted. A page load is every load of a page
in the window (following a link, or sending a form and landing where it redirects), counted when
the new page is committed (a click that comes before the previous page's load event fired still
counts it).
"""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Browser, Locator, Page, expect

from demo.samples import sample_office, sample_pdf
from governance.models import Body, Document, Meeting
from members import services as member_services
from tests.factories import UserFactory

from .conftest import ARTIFACTS, CSP_LISTENER, SCREENSHOT_DIR, PageWatch, assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ITEMS = [
    ("Opening en mededelingen", "mededelingen"),
    ("Begroting 2027", "ter_besluitvorming"),
    ("Jaarstukken", "ter_besluitvorming"),
    ("Lobbyagenda provincie", "ter_bespreking"),
    ("Benoeming auditcommissie", "ter_besluitvorming"),
    ("Rondvraag en sluiting", "rondvraag"),
]
# Four documents: two for the budget, one for the annual accounts, one for the lobby agenda.
DOCUMENTS = {1: ["begroting.pdf", "toelichting.docx"], 2: ["jaarstukken.pdf"], 3: ["lobbyagenda.pdf"]}


class Counted:
    """A person at the keyboard: every click and every page load is counted."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.clicks = 0
        self.loads = 0
        page.on("framenavigated", self._navigated)

    def _navigated(self, frame) -> None:
        if frame == self.page.main_frame:
            self.loads += 1

    def click(self, locator: Locator) -> None:
        self.clicks += 1
        locator.click()

    def check(self, locator: Locator) -> None:
        self.clicks += 1
        locator.check()

    def fill(self, locator: Locator, text: str) -> None:
        self.clicks += 1
        locator.fill(text)

    def select(self, locator: Locator, value: str) -> None:
        self.clicks += 2
        locator.select_option(value)

    def files(self, locator: Locator, paths: list) -> None:
        self.clicks += 1 + len(paths)
        locator.set_input_files([str(path) for path in paths])


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def office(db, tmp_path):
    ab = Body.objects.create(
        name="Algemeen bestuur", slug="ab", kind=Body.Kind.AB, public_meetings=True, order=1
    )
    staff = UserFactory(is_staff=True)
    staff.groups.add(member_services.secretariat_group_ensure())
    files = {}
    for names in DOCUMENTS.values():
        for name in names:
            path = tmp_path / name
            stem, kind = name.rsplit(".", 1)
            path.write_bytes(sample_pdf(title=stem, pages=1) if kind == "pdf" else sample_office(kind=kind))
            files[name] = path
    return {"ab": ab, "staff": staff, "files": files}


def _fill_meeting(me: Counted, office, title: str) -> None:
    page = me.page
    me.select(page.locator("#id_body"), str(office["ab"].pk))
    me.fill(page.locator("#id_title"), title)
    when = datetime.date.today() + datetime.timedelta(days=14)
    me.fill(page.locator("#id_starts_at_0"), when.strftime("%d-%m-%Y"))
    me.fill(page.locator("#id_starts_at_1"), "19:30")
    me.fill(page.locator("#id_location"), "Provinciehuis, Den Haag")
    for _ in range(len(ITEMS) - 1):
        me.click(page.locator(".inline-group#items-group .add-row a"))
    for n, (title_, kind) in enumerate(ITEMS):
        me.fill(page.locator(f"#id_items-{n}-title"), title_)
        me.select(page.locator(f"#id_items-{n}-kind"), kind)


def _record(label: str, me: Counted) -> str:
    line = f"{label}: {me.clicks} clicks, {me.loads} page loads"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with (ARTIFACTS / "meeting-prep-clicks.txt").open("a", encoding="utf-8") as out:
        out.write(line + "\n")
    print(line)  # noqa: T201 - the measurement is the point
    return line


def _assert_prepared(title: str, office) -> Meeting:
    meeting = Meeting.objects.get(title=title)
    assert meeting.status == Meeting.Status.PUBLISHED
    items = list(meeting.items.order_by("order"))
    assert [(item.title, item.kind) for item in items] == ITEMS
    attached = {
        n: sorted(Document.objects.filter(item=item).values_list("original_filename", flat=True))
        for n, item in enumerate(items)
        if item.documents.exists()
    }
    assert attached == {n: sorted(names) for n, names in DOCUMENTS.items()}
    return meeting


def test_the_old_way_item_pages_and_the_list_action(page: Page, live_server, log_in, office):
    log_in(office["staff"])
    page.goto(live_server.url + reverse("admin:index"))
    me = Counted(page)
    me.click(page.locator(f"#content-main a[href='{reverse('admin:governance_meeting_changelist')}']").first)
    me.click(page.locator(".object-tools a.addlink"))
    _fill_meeting(me, office, "AB oud")
    me.click(page.locator("input[name=_save]"))
    expect(page.locator(".messagelist")).to_be_visible()
    meeting = Meeting.objects.get(title="AB oud")
    for n, names in DOCUMENTS.items():
        item = meeting.items.order_by("order")[n]
        for name in names:
            me.click(page.locator(f"#nav-sidebar a[href='{reverse('admin:governance_meeting_changelist')}']"))
            me.click(page.get_by_role("link", name="AB oud"))
            me.click(
                page.locator(f"a[href='{reverse('admin:governance_agendaitem_change', args=[item.pk])}']")
            )
            me.click(page.locator(f"a[href='{reverse('admin:governance_document_add')}?item={item.pk}']"))
            me.files(page.locator("#id_upload"), [office["files"][name]])
            me.click(page.locator("input[name=_save]"))
            expect(page.locator(".messagelist")).to_be_visible()
    me.click(page.locator(f"#nav-sidebar a[href='{reverse('admin:governance_meeting_changelist')}']"))
    me.check(page.locator(f"input[name=_selected_action][value='{meeting.pk}']"))
    me.select(page.locator("select[name=action]"), "publish")
    me.click(page.locator("button[name=index]"))
    expect(page.locator(".messagelist")).to_contain_text("AB oud")
    _assert_prepared("AB oud", office)
    _record("old way (item pages, list action)", me)


def test_the_new_way_from_the_meeting_page(browser: Browser, live_server, office):
    # A context of its own (as in test_admin_accessibility): axe-core adds inline <style> while it
    # measures, which the site's policy rightly refuses; the policy is checked before axe runs.
    context = browser.new_context(
        locale="nl-NL", timezone_id="Europe/Amsterdam", viewport={"width": 1280, "height": 900}
    )
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    watch = PageWatch()
    page.on("console", watch.on_console)
    page.on("pageerror", watch.on_page_error)
    client = Client()
    client.force_login(office["staff"])
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    try:
        page.goto(live_server.url + reverse("admin:index"))
        me = Counted(page)
        me.click(
            page.locator(f"#content-main a[href='{reverse('admin:governance_meeting_changelist')}']").first
        )
        me.click(page.locator(".object-tools a.addlink"))
        _fill_meeting(me, office, "AB nieuw")
        for n, names in DOCUMENTS.items():
            me.files(page.locator(f"#id_items-{n}-new_documents"), [office["files"][name] for name in names])
        # the narrow field cannot show them: the chosen names are listed under it (static JS)
        expect(page.locator("#items-group tr").nth(2)).to_contain_text("toelichting.docx")
        assert not watch.csp_violations and not watch.page_errors, watch.console_errors
        assert_accessible(page)  # the filled-in form, file fields included
        watch.console_errors.clear()  # axe's own inline styles, refused by the policy
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOT_DIR / "meeting-prep-filled-in-1280.png", full_page=True)
        me.click(page.locator("input[name=_publish]"))
        expect(page.locator(".messagelist")).to_contain_text("AB nieuw")
        expect(page.locator(".messagelist")).to_contain_text("gepubliceerd")
        meeting = _assert_prepared("AB nieuw", office)
        assert page.url == live_server.url + reverse("admin:governance_meeting_change", args=[meeting.pk])
        _record("new way (the meeting page)", me)
        assert me.clicks < 50 and me.loads <= 4

        page.reload()  # the pack was built inline (eager tasks): the page says it is ready
        expect(page.locator("#pack-status")).to_contain_text("klaar")
        for name in ("begroting", "toelichting", "jaarstukken", "lobbyagenda"):
            expect(page.locator("#items-group")).to_contain_text(f"{name} (v1)")
        assert not watch.csp_violations and not watch.page_errors, watch.console_errors
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=SCREENSHOT_DIR / f"meeting-prep-{width}.png", full_page=True)
            assert_accessible(page)
    finally:
        context.close()
