"""Motions (moties): members ask the executive board to act; the general assembly decides."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from governance.board import services as board_services
from governance.models import Motion
from members import services as member_services
from tests.factories import OrganisationFactory, UserFactory

from .conftest import make_meeting


@pytest.fixture
def staff_client(client, db):
    user = UserFactory(is_staff=True)
    user.groups.add(member_services.secretariat_group_ensure())
    client.force_login(user)
    return client


@pytest.fixture
def municipalities(db):
    return [
        OrganisationFactory(name=name, kind="municipality", cbs_code=code)
        for name, code in (("Gouda", "GM0513"), ("Leiden", "GM0546"))
    ]


def test_staff_add_a_motion_to_an_alv_but_not_to_a_board_meeting(staff_client, bodies, municipalities):
    alv = make_meeting(bodies["alv"], days=20, items=1)
    board_meeting = make_meeting(bodies["db"], days=20, items=1)
    data = {
        "meeting": alv.pk, "order": "1", "title": "Motie wachtlijsten jeugdzorg",
        "text": "Het DB wordt gevraagd de wachtlijsten te agenderen bij de VNG.",
        "submitted_by": [organisation.pk for organisation in municipalities],
        "outcome": "pending", "votes_for": "", "votes_against": "", "outcome_note": "",
    }  # fmt: skip

    refused = staff_client.post(reverse("admin:governance_motion_add"), {**data, "meeting": board_meeting.pk})
    assert refused.status_code == 200
    assert "Motions are handled by the general assembly (ALV)" in refused.content.decode()
    assert not Motion.objects.exists()

    assert staff_client.post(reverse("admin:governance_motion_add"), data).status_code == 302
    motion = Motion.objects.get()
    assert {organisation.name for organisation in motion.submitted_by.all()} == {"Gouda", "Leiden"}
    change_page = staff_client.get(reverse("admin:governance_meeting_change", args=[alv.pk])).content.decode()
    assert "Motie wachtlijsten jeugdzorg" in change_page and "not yet decided" in change_page


def test_motions_and_their_outcome_show_on_the_meeting_and_the_list_of_decisions(
    staff_client, bodies, municipalities
):
    alv = make_meeting(bodies["alv"], days=-1, items=1)
    motion = Motion.objects.create(
        meeting=alv, title="Motie regiodeals", text="Vraag de provincie om een regiodeal.",
        outcome=Motion.Outcome.ADOPTED, votes_for=31, votes_against=4,
    )  # fmt: skip
    motion.submitted_by.set(municipalities)
    board_services.meeting_mark_held(meeting=alv)

    page = staff_client.get(alv.get_absolute_url()).content.decode()
    assert "Motie regiodeals" in page and "Gouda, Leiden" in page and "adopted (31 for, 4 against)" in page

    kwargs = {"pk": alv.pk, "token": alv.token}
    assert (
        "Motie regiodeals"
        in staff_client.get(reverse("governance:decisions", kwargs=kwargs)).content.decode()
    )
    pdf = staff_client.get(reverse("governance:decisions_pdf", kwargs=kwargs)).content
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Motie regiodeals" in text and "31 for, 4 against" in text


def test_the_annual_report_lists_the_motions_of_the_meetings_held(bodies, municipalities):
    from django.template.loader import render_to_string
    from django.utils import timezone

    from governance.reports import services as report_services

    alv = make_meeting(bodies["alv"], days=-1, items=1)
    board_services.meeting_mark_held(meeting=alv)
    Motion.objects.create(meeting=alv, title="Motie regiodeals", text="...", outcome=Motion.Outcome.REJECTED)

    year = timezone.localtime(alv.starts_at).year
    context = report_services.document_context(kind="annual_report", year=year)
    body = render_to_string("reports/_annual_report_body.html", context)

    assert "Motion “Motie regiodeals”: rejected" in body


def test_the_meeting_admin_lists_its_motions_with_their_outcome(staff_client, bodies):
    alv = make_meeting(bodies["alv"], days=-1, items=1)
    motion = Motion.objects.create(
        meeting=alv, title="Motie regiodeals", text="Vraag om een regiodeal.", outcome=Motion.Outcome.ADOPTED
    )
    page = staff_client.get(reverse("admin:governance_meeting_change", args=[alv.pk])).content.decode()
    assert reverse("admin:governance_motion_change", args=[motion.pk]) in page
    assert "Motie regiodeals</a> — adopted" in page
    assert reverse("admin:governance_motion_add") + f"?meeting={alv.pk}" in page
