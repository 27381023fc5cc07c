"""Publishing, notices, guardrails, the ALV template, decisions and the public board pages."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.board import services as board_services
from governance.models import (
    AgendaItem,
    CommissionSeat,
    Mandate,
    Meeting,
    MeetingPack,
    Notice,
    Theme,
    VngCommission,
)
from tests.factories import MemberFactory
from vzhg.errors import ServiceError
from vzhg.mail.models import OutgoingMail

from .conftest import add_pdf, make_meeting, seat

pytestmark = pytest.mark.django_db


def test_publishing_mails_each_member_once_and_builds_the_pack(
    bodies, people, django_capture_on_commit_callbacks
):
    meeting = make_meeting(bodies["ab"], status=Meeting.Status.CONCEPT, items=2)
    add_pdf(meeting.items.first(), pages=2)
    with django_capture_on_commit_callbacks(execute=True):
        board_services.meeting_publish(meeting=meeting)

    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PUBLISHED and meeting.publication == 1
    mails = OutgoingMail.objects.filter(kind="governance.meeting.published")
    # the DB chair also sits on the AB with one mandate there; the AB member: two people, two mails
    assert sorted(mails.values_list("to", flat=True)) == sorted(
        [people["db_member"].email, people["ab_member"].email]
    )
    assert meeting.get_absolute_url() in mails.first().body_text
    assert meeting.packs.get().status == MeetingPack.Status.READY

    # a second mandate in the same body does not mean a second mail
    seat(people["ab_member"].person, bodies["ab"], Mandate.Role.PENNINGMEESTER)
    with django_capture_on_commit_callbacks(execute=True):
        board_services._notices_queue(meeting=meeting, kind=Notice.Kind.PUBLISHED)
    assert mails.count() == 2
    # publishing again is a new publication: one more mail each, and a new pack version
    with django_capture_on_commit_callbacks(execute=True):
        board_services.meeting_publish(meeting=meeting)
    assert mails.count() == 4
    assert list(meeting.packs.values_list("version", flat=True).order_by("version")) == [1, 2]


def test_a_document_added_after_publishing_rebuilds_the_pack(
    bodies, people, django_capture_on_commit_callbacks
):
    meeting = make_meeting(bodies["db"], status=Meeting.Status.CONCEPT, items=1)
    with django_capture_on_commit_callbacks(execute=True):
        board_services.meeting_publish(meeting=meeting)
    with django_capture_on_commit_callbacks(execute=True):
        add_pdf(meeting.items.first(), pages=3)
    latest = meeting.packs.order_by("-version").first()
    assert latest.version == 2 and latest.page_count == meeting.packs.get(version=1).page_count + 3


def test_statute_change_needs_seven_days_notice(bodies):
    meeting = make_meeting(bodies["alv"], days=5, status=Meeting.Status.CONCEPT, items=1)
    AgendaItem.objects.create(
        meeting=meeting, order=2, title="Wijziging statuten", kind=AgendaItem.Kind.STATUTENWIJZIGING
    )

    with pytest.raises(ServiceError) as refused:
        board_services.meeting_publish(meeting=meeting)
    assert "at least 7 days" in str(refused.value)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CONCEPT

    meeting.starts_at = timezone.now() + datetime.timedelta(days=8)
    meeting.save()
    board_services.meeting_publish(meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PUBLISHED


def test_alv_template_and_the_six_month_warning(bodies):
    today = datetime.date(2026, 3, 1)
    assert "30-06-2026" in board_services.alv_deadline_warning(today=today)

    meeting = board_services.meeting_create_alv_from_template(
        body=bodies["alv"], starts_at=timezone.make_aware(datetime.datetime(2026, 6, 12, 10))
    )
    titles = list(meeting.items.order_by("order").values_list("title", flat=True))
    for needed in (
        "Jaarverslag",
        "Jaarrekening",
        "kascommissie",
        "begroting",
        "Contributie",
        "benoeming bestuursleden",
        "Moties",
        "Rondvraag",
    ):
        assert any(needed.lower() in title.lower() for title in titles), needed
    assert [item.order for item in meeting.items.all()] == list(range(1, len(titles) + 1))
    assert board_services.alv_deadline_warning(today=today) is None
    with pytest.raises(ServiceError):
        board_services.meeting_create_alv_from_template(body=bodies["db"])


def test_reminder_goes_out_once_before_the_meeting(bodies, people, django_capture_on_commit_callbacks):
    meeting = make_meeting(bodies["db"], days=1, items=1)
    meeting.publication = 1
    meeting.save()
    assert board_services.meeting_reminders_send() == 1
    assert board_services.meeting_reminders_send() == 0
    assert (
        OutgoingMail.objects.filter(kind="governance.meeting.reminder", to=people["db_member"].email).count()
        == 1
    )


def test_decisions_page_and_pdf(client, bodies, people):
    meeting = make_meeting(bodies["ab"], days=-2, items=2)
    item = meeting.items.first()
    board_services.agenda_item_decide(item=item, decision="Het bestuur stemt in met het jaarplan.")
    board_services.meeting_mark_held(meeting=meeting)

    page = client.get(reverse("governance:decisions", kwargs={"pk": meeting.pk, "token": meeting.token}))
    assert "Het bestuur stemt in met het jaarplan." in page.content.decode()
    pdf = client.get(reverse("governance:decisions_pdf", kwargs={"pk": meeting.pk, "token": meeting.token}))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")


def test_board_page_shows_roles_municipalities_portfolios_and_vng_seats(
    client, bodies, django_assert_num_queries
):
    def add_member(n):
        person = MemberFactory()
        mandate = seat(person, bodies["ab"], Mandate.Role.LID)
        theme, _ = Theme.objects.get_or_create(name=f"Thema {n}", slug=f"thema-{n}")
        mandate.portfolios.add(theme)
        commission, _ = VngCommission.objects.get_or_create(name=f"Commissie {n}")
        CommissionSeat.objects.create(person=person, commission=commission, start=datetime.date(2024, 1, 1))
        return person

    first = add_member(0)
    with django_assert_num_queries(4):
        content = client.get(reverse("governance:board")).content.decode()
    assert first.full_name in content and first.organisation.name in content
    assert "Thema 0" in content and "Commissie 0" in content
    for n in range(1, 8):
        add_member(n)
    with django_assert_num_queries(4):
        client.get(reverse("governance:board"))

    # an ended mandate leaves the board page but stays in the history
    mandate = first.mandates.get()
    mandate.end = timezone.localdate() - datetime.timedelta(days=1)
    mandate.save()
    assert first.full_name not in client.get(reverse("governance:board")).content.decode()
    assert first.full_name in client.get(reverse("governance:board_history")).content.decode()
    assert mandate.history.earliest().end is None and mandate.history.latest().end == mandate.end
