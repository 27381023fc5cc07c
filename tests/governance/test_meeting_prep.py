"""Preparing a meeting from its own admin page: several documents per item row, refused files
named without losing the rest, publishing with the list action's checks, the pack's status and
building it again."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from governance.models import AgendaItem, Document, Meeting, MeetingPack
from tests.admin_form import change_form_data
from tests.factories import secretariat_user

from .conftest import corrupt_pdf, encrypted_pdf, make_meeting, office_upload, pdf_upload, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, db):
    client.force_login(secretariat_user())
    return client


@pytest.fixture
def meeting(bodies, people):
    return make_meeting(bodies["ab"], status=Meeting.Status.CONCEPT, items=3)


def change_url(meeting):
    return reverse("admin:governance_meeting_change", args=[meeting.pk])


def page_messages(response) -> str:
    return " ".join(str(message) for message in response.context["messages"])


def test_several_documents_per_item_row(staff_client, meeting):
    url = change_url(meeting)
    data = change_form_data(staff_client, url)
    data["items-0-new_documents"] = [pdf_upload("begroting.pdf"), office_upload("docx")]
    data["items-2-new_documents"] = [pdf_upload("jaarstukken.pdf")]
    response = staff_client.post(url, data)
    assert response.status_code == 302
    first, _second, third = meeting.items.order_by("order")
    assert sorted(first.documents.values_list("original_filename", flat=True)) == [
        "begroting.pdf",
        "bijlage.docx",
    ]
    assert list(third.documents.values_list("original_filename", flat=True)) == ["jaarstukken.pdf"]
    assert Document.objects.get(original_filename="begroting.pdf").title == "begroting"

    page = staff_client.get(url).content.decode()
    assert "begroting (v1)" in page and "multiple" in page and 'accept=".pdf,.docx,.xlsx"' in page


@pytest.mark.parametrize(
    ("name", "content", "why"),
    [
        ("geheim.pdf", encrypted_pdf, "encrypted"),
        ("kapot.pdf", corrupt_pdf, "damaged"),
        ("foto.png", lambda: b"\x89PNG\r\n", "only PDF, Word (.docx) and Excel (.xlsx)"),
        ("nep.xlsx", lambda: b"%PDF-1.4", "not a real Excel file"),
    ],
)
def test_a_refused_file_is_named_and_nothing_else_is_lost(staff_client, meeting, name, content, why):
    url = change_url(meeting)
    data = change_form_data(staff_client, url)
    data["title"] = "AB juni (nieuwe titel)"
    data["items-1-title"] = "Begroting, herzien"
    data["items-0-new_documents"] = [pdf_upload("goed.pdf"), upload(name, content())]
    data["items-1-new_documents"] = [pdf_upload("ook-goed.pdf")]
    data["_save"] = "Opslaan"
    response = staff_client.post(url, data, follow=True)
    assert response.status_code == 200
    # back on the meeting page (not the list), with the refusal naming the file and the item
    assert response.redirect_chain[-1][0] == url
    text = page_messages(response)
    assert f"{name} was not added to “Agendapunt 1”" in text and why in text
    meeting.refresh_from_db()
    assert meeting.title == "AB juni (nieuwe titel)"
    assert meeting.items.get(order=2).title == "Begroting, herzien"
    assert sorted(Document.objects.values_list("original_filename", flat=True)) == [
        "goed.pdf",
        "ook-goed.pdf",
    ]


def test_files_on_a_form_with_errors_are_asked_for_again(staff_client, meeting):
    url = change_url(meeting)
    data = change_form_data(staff_client, url)
    data["items-1-title"] = ""
    data["items-0-new_documents"] = [pdf_upload("goed.pdf")]
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "choose the files again" in page_messages(response)
    assert not Document.objects.exists()


def test_a_refused_file_on_a_new_meeting_keeps_the_meeting_and_opens_it(staff_client, bodies, people):
    data = {
        "body": bodies["ab"].pk,
        "title": "AB nieuw",
        "starts_at_0": "2030-03-05",
        "starts_at_1": "10:00",
        "location": "Den Haag",
        "online_url": "",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
        "items-0-order": "1",
        "items-0-title": "Begroting",
        "items-0-kind": "ter_besluitvorming",
        "items-0-new_documents": [upload("geheim.pdf", encrypted_pdf())],
        "packs-TOTAL_FORMS": "0",
        "packs-INITIAL_FORMS": "0",
        "packs-MIN_NUM_FORMS": "0",
        "packs-MAX_NUM_FORMS": "1000",
        "_publish": "Opslaan en publiceren",
    }
    response = staff_client.post(reverse("admin:governance_meeting_add"), data, follow=True)
    meeting = Meeting.objects.get(title="AB nieuw")
    assert response.redirect_chain[-1][0] == change_url(meeting)
    text = page_messages(response)
    assert "geheim.pdf was not added to “Begroting”" in text
    assert "AB nieuw" in text and "was not published: a file was refused" in text
    assert meeting.status == Meeting.Status.CONCEPT and meeting.items.get().title == "Begroting"


def test_save_and_publish_from_the_meeting_page(staff_client, meeting, django_capture_on_commit_callbacks):
    url = change_url(meeting)
    page = staff_client.get(url).content.decode()
    assert 'name="_publish"' in page and "The pack is built when the meeting is published." in page
    data = change_form_data(staff_client, url)
    data["items-0-new_documents"] = [pdf_upload("begroting.pdf", pages=2)]
    data["_publish"] = "Opslaan en publiceren"
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, data, follow=True)
    assert response.redirect_chain[-1][0] == url
    assert "is published; the pack is being built." in page_messages(response)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PUBLISHED
    pack = meeting.packs.get()
    assert pack.status == MeetingPack.Status.READY
    page = staff_client.get(url).content.decode()
    assert 'name="_publish"' not in page  # published: the list action publishes again, on purpose
    assert "<strong>ready</strong>" in page and pack.get_absolute_url() in page


def test_publish_from_the_page_refuses_a_late_statute_change(staff_client, meeting):
    AgendaItem.objects.create(
        meeting=meeting, order=4, title="Statuten", kind=AgendaItem.Kind.STATUTENWIJZIGING
    )
    meeting.starts_at = timezone.now() + datetime.timedelta(days=3)
    meeting.save()
    url = change_url(meeting)
    data = change_form_data(staff_client, url)
    data["location"] = "Gouda"
    data["_publish"] = "Opslaan en publiceren"
    response = staff_client.post(url, data, follow=True)
    text = page_messages(response)
    assert "was not published" in text and "at least 7 days" in text
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CONCEPT and meeting.location == "Gouda"  # the save stays


def test_publish_from_the_page_needs_the_change_permission(client, meeting):
    from django.contrib.auth.models import Permission

    from tests.factories import staff_without_rights

    viewer = staff_without_rights()
    viewer.user_permissions.add(*Permission.objects.filter(codename__in=["view_meeting", "view_agendaitem"]))
    client.force_login(viewer)
    page = client.get(change_url(meeting)).content.decode()
    assert 'name="_publish"' not in page


def test_a_failed_pack_shows_why_and_can_be_built_again(
    staff_client, meeting, django_capture_on_commit_callbacks
):
    meeting.status = Meeting.Status.PUBLISHED
    meeting.save()
    MeetingPack.objects.create(
        meeting=meeting, version=1, status=MeetingPack.Status.FAILED, error="begroting.pdf is kapot"
    )
    url = change_url(meeting)
    page = staff_client.get(url).content.decode()
    assert (
        "<strong>failed</strong>" in page
        and "begroting.pdf is kapot" in page
        and 'name="_rebuild_pack"' in page
    )
    data = change_form_data(staff_client, url)
    data["_rebuild_pack"] = "Opslaan en pakket opnieuw bouwen"
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, data, follow=True)
    assert "being built again (version 2)" in page_messages(response)
    assert meeting.packs.get(version=2).status == MeetingPack.Status.READY
    assert 'name="_rebuild_pack"' not in response.content.decode()


def test_a_draft_has_no_pack_to_build_again(staff_client, meeting):
    url = change_url(meeting)
    data = change_form_data(staff_client, url)
    data["_rebuild_pack"] = "x"
    response = staff_client.post(url, data, follow=True)
    assert "Only a published meeting has a meeting pack." in page_messages(response)
    assert not meeting.packs.exists()


def test_the_meeting_page_reads_the_documents_in_a_fixed_number_of_queries(staff_client, bodies, people):
    def queries_for(items: int) -> int:
        meeting = make_meeting(bodies["ab"], status=Meeting.Status.CONCEPT, items=items, title=f"M{items}")
        for item in meeting.items.all():
            from .conftest import add_pdf

            add_pdf(item)
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(change_url(meeting)).status_code == 200
        return len(captured)

    assert queries_for(3) == queries_for(12)
