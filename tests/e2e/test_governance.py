"""The board portal in a real browser: the secretariat builds and publishes a meeting with a
document in the admin; a board member opens it, reads the document, downloads the pack and writes a
note; a member of another body is refused; axe-core finds nothing on the portal and board pages."""

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from demo.samples import sample_pdf
from governance.models import Body, Document, Mandate, Meeting, MeetingPack, PersonalNote
from members import services as member_services
from tests.factories import MemberFactory, UserFactory

from .conftest import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def setting():
    db = Body.objects.create(name="Dagelijks bestuur", slug="db", kind=Body.Kind.DB, order=2)
    ab = Body.objects.create(
        name="Algemeen bestuur", slug="ab", kind=Body.Kind.AB, public_meetings=True, order=1
    )
    chair = MemberFactory(first_name="Hester", last_name="Horst")
    other = MemberFactory(first_name="Otto", last_name="Anders")
    Mandate.objects.create(
        person=chair, body=db, role=Mandate.Role.VOORZITTER, start=datetime.date(2024, 1, 1)
    )
    Mandate.objects.create(
        person=chair, body=ab, role=Mandate.Role.VOORZITTER, start=datetime.date(2024, 1, 1)
    )
    Mandate.objects.create(person=other, body=ab, role=Mandate.Role.LID, start=datetime.date(2024, 1, 1))
    staff = UserFactory(is_staff=True)
    staff.groups.add(member_services.secretariat_group_ensure())
    return {"db": db, "chair": chair.user, "other": other.user, "staff": staff}


def test_secretariat_publishes_and_a_board_member_reads(
    page: Page, live_server, log_in, setting, screenshot, tmp_path
):
    # --- the secretariat builds the meeting in the admin ---------------------------------------
    log_in(setting["staff"])
    page.goto(f"{live_server.url}/admin/governance/meeting/add/")
    page.locator("#id_body").select_option(str(setting["db"].pk))
    page.locator("#id_title").fill("DB december")
    when = datetime.date.today() + datetime.timedelta(days=10)
    page.locator("#id_starts_at_0").fill(when.strftime("%Y-%m-%d"))
    page.locator("#id_starts_at_1").fill("10:00")
    page.locator("#id_location").fill("VNG, Den Haag")
    page.locator("#id_items-0-title").fill("Begroting volgend jaar")
    page.locator("#id_items-0-kind").select_option("ter_besluitvorming")
    page.locator("input[name=_save]").click()
    meeting = Meeting.objects.get(title="DB december")
    item = meeting.items.get()
    assert item.order == 1

    pdf_path = tmp_path / "begroting.pdf"
    pdf_path.write_bytes(sample_pdf(title="Begroting volgend jaar", pages=2))
    page.goto(f"{live_server.url}/admin/governance/document/add/?item={item.pk}")
    page.locator("#id_title").fill("Begroting")
    page.locator("#id_upload").set_input_files(str(pdf_path))
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_be_visible()
    assert Document.objects.filter(item=item).count() == 1

    page.goto(f"{live_server.url}/admin/governance/meeting/")
    page.locator(f"input[name=_selected_action][value='{meeting.pk}']").check()
    page.locator("select[name=action]").select_option("publish")
    page.locator("button[name=index]").click()
    expect(page.locator(".messagelist")).to_contain_text("DB december")
    screenshot("published")
    pack = MeetingPack.objects.get(meeting=meeting)
    assert pack.status == MeetingPack.Status.READY and pack.page_count >= 5

    # --- a board member opens it -----------------------------------------------------------------
    page.context.clear_cookies()
    log_in(setting["chair"])
    page.goto(f"{live_server.url}/bestuur/portaal/")
    assert_accessible(page)
    page.get_by_role("link", name="DB december").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("DB december")
    assert_accessible(page)
    document_link = page.get_by_role("link", name="Begroting", exact=True)
    document = page.request.get(live_server.url + document_link.get_attribute("href"))
    assert document.status == 200 and document.body().startswith(b"%PDF-")
    with page.expect_download() as download:
        page.locator(".pack-link a").click(modifiers=["Alt"])
    assert download.value.suggested_filename.startswith("vergaderpakket-")
    page.locator("textarea").fill("Vraag: waarom stijgen de kosten?")
    page.locator(".note-form button").click()
    expect(page.locator("textarea")).to_have_value("Vraag: waarom stijgen de kosten?")
    assert PersonalNote.objects.get(user=setting["chair"]).text == "Vraag: waarom stijgen de kosten?"
    screenshot("member-meeting")

    # --- a member of another body is refused -------------------------------------------------------
    page.context.clear_cookies()
    log_in(setting["other"])
    response = page.goto(live_server.url + meeting.get_absolute_url())
    assert response.status == 404
    assert page.request.get(live_server.url + pack.get_absolute_url()).status == 404
    page.goto(f"{live_server.url}/bestuur/portaal/")
    expect(page.get_by_role("main")).not_to_contain_text("DB december")


def test_board_page_is_accessible(page: Page, live_server, setting):
    page.goto(f"{live_server.url}/bestuur/")
    expect(page.get_by_role("main")).to_contain_text(re.compile("Hester"))
    assert_accessible(page)
    page.goto(f"{live_server.url}/bestuur/geschiedenis/")
    assert_accessible(page)
