"""The secretariat's admin: uploads with checks, publishing with guardrails, the ALV template."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.models import AgendaItem, Document, Meeting, MeetingPack
from members import services as member_services
from tests.factories import UserFactory

from .conftest import corrupt_pdf, encrypted_pdf, make_meeting, pdf_upload, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, db):
    user = UserFactory(is_staff=True)
    user.groups.add(member_services.secretariat_group_ensure())
    client.force_login(user)
    return client


@pytest.fixture
def meeting(bodies, people):
    return make_meeting(bodies["db"], status=Meeting.Status.CONCEPT, items=2)


def post_document(client, item, file, **extra):
    return client.post(
        reverse("admin:governance_document_add"),
        {"item": item.pk, "title": "Notitie", "replaces": "", "upload": file, **extra},
    )


def test_upload_a_pdf_and_a_new_version(staff_client, meeting):
    item = meeting.items.first()
    response = post_document(staff_client, item, pdf_upload("notitie.pdf"))
    assert response.status_code == 302
    first = Document.objects.get()
    assert first.original_filename == "notitie.pdf" and first.version == 1
    assert "private/governance/documents/" in first.file.name and "notitie" not in first.file.name

    response = post_document(staff_client, item, pdf_upload("notitie-v2.pdf"), replaces=first.pk)
    assert response.status_code == 302
    assert list(Document.objects.order_by("version").values_list("version", flat=True)) == [1, 2]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("geheim.pdf", encrypted_pdf, "encrypted"),
        ("kapot.pdf", corrupt_pdf, "damaged"),
        ("foto.png", lambda: b"\x89PNG\r\n", "only PDF, Word (.docx) and Excel (.xlsx)"),
        ("nep.xlsx", lambda: b"%PDF-1.4", "not a real Excel file"),
    ],
)
def test_bad_upload_shows_a_clear_message_in_the_form(staff_client, meeting, name, content, message):
    response = post_document(staff_client, meeting.items.first(), upload(name, content()))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Document.objects.exists()


def test_publish_action_refuses_a_late_statute_change_and_shows_the_warning(
    staff_client, meeting, django_capture_on_commit_callbacks
):
    AgendaItem.objects.create(
        meeting=meeting, order=3, title="Statuten", kind=AgendaItem.Kind.STATUTENWIJZIGING
    )
    meeting.starts_at = timezone.now() + datetime.timedelta(days=3)
    meeting.save()

    page = staff_client.get(reverse("admin:governance_meeting_change", args=[meeting.pk])).content.decode()
    assert "at least 7 days" in page
    response = staff_client.post(
        reverse("admin:governance_meeting_changelist"),
        {"action": "publish", "_selected_action": [meeting.pk]},
        follow=True,
    )
    assert "was not published" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CONCEPT


def test_publish_action_publishes_and_builds(staff_client, meeting, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:governance_meeting_changelist"),
            {"action": "publish", "_selected_action": [meeting.pk]},
            follow=True,
        )
    assert "is published" in response.content.decode()
    assert meeting.packs.get().status == MeetingPack.Status.READY


def test_changelist_warns_when_no_alv_is_planned_and_the_template_action_makes_one(staff_client, bodies):
    page = staff_client.get(reverse("admin:governance_meeting_changelist")).content.decode()
    assert "No general assembly (ALV) is planned" in page

    response = staff_client.post(
        reverse("admin:governance_body_changelist"),
        {"action": "alv_from_template", "_selected_action": [bodies["alv"].pk]},
    )
    meeting = Meeting.objects.get(body=bodies["alv"])
    assert response["Location"] == reverse("admin:governance_meeting_change", args=[meeting.pk])
    assert meeting.items.count() == 10


def test_inline_items_are_numbered_in_order(staff_client, bodies):
    data = {
        "body": bodies["db"].pk,
        "title": "DB maart",
        "starts_at_0": "2030-03-05",
        "starts_at_1": "10:00",
        "location": "Den Haag",
        "online_url": "",
        "items-TOTAL_FORMS": "2",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
        "items-0-order": "20",
        "items-0-title": "Tweede",
        "items-0-kind": "ter_bespreking",
        "items-1-order": "10",
        "items-1-title": "Eerste",
        "items-1-kind": "ter_informatie",
        "packs-TOTAL_FORMS": "0",
        "packs-INITIAL_FORMS": "0",
        "packs-MIN_NUM_FORMS": "0",
        "packs-MAX_NUM_FORMS": "1000",
    }
    response = staff_client.post(reverse("admin:governance_meeting_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    meeting = Meeting.objects.get(title="DB maart")
    assert list(meeting.items.values_list("order", "title")) == [(1, "Eerste"), (2, "Tweede")]


def test_the_executive_board_has_one_chair_at_a_time(staff_client, bodies, people):
    from tests.factories import MemberFactory

    newcomer = MemberFactory()
    data = {
        "person": newcomer.pk,
        "body": bodies["db"].pk,
        "role": "voorzitter",
        "start": "2025-01-01",
        "end": "",
    }
    response = staff_client.post(reverse("admin:governance_mandate_add"), data)
    assert response.status_code == 200
    assert "already holds this role in this period" in response.content.decode()

    data["role"] = "lid"
    assert staff_client.post(reverse("admin:governance_mandate_add"), data).status_code == 302


def test_a_board_member_cannot_sit_on_the_audit_committee_at_the_same_time(staff_client, bodies, people):
    from governance.models import Body, Mandate
    from tests.factories import MemberFactory

    kascommissie = Body.objects.create(name="Kascommissie", slug="kascommissie", kind=Body.Kind.KASCOMMISSIE)
    board_member = people["ab_member"].person
    data = {
        "person": board_member.pk,
        "body": kascommissie.pk,
        "role": "lid",
        "start": "2026-06-01",
        "end": "",
    }
    response = staff_client.post(reverse("admin:governance_mandate_add"), data)
    assert response.status_code == 200
    assert "cannot sit on the board at the same time" in response.content.decode()
    assert not Mandate.objects.filter(body=kascommissie).exists()

    # the other way round: a kascommissie member cannot join the AB while in the committee
    auditor = MemberFactory()
    Mandate.objects.create(
        person=auditor,
        body=kascommissie,
        role="lid",
        start=datetime.date(2026, 6, 1),
        end=datetime.date(2027, 5, 31),
    )
    data = {"person": auditor.pk, "body": bodies["ab"].pk, "role": "lid", "start": "2027-01-01", "end": ""}
    assert (
        "cannot sit on the board at the same time"
        in staff_client.post(reverse("admin:governance_mandate_add"), data).content.decode()
    )
    # after the committee year it is fine
    data["start"] = "2027-06-01"
    assert staff_client.post(reverse("admin:governance_mandate_add"), data).status_code == 302
