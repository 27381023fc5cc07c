"""A meeting held together with an event: the link, the event's page, the copy a year later, and
the meeting's admin page with the registrations, responses and convocation progress."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from events import lifecycle
from events.models import Event
from governance.board import congress
from governance.board import services as board_services
from governance.models import Meeting
from members import services as member_services
from members.models import Person
from tests.events.staff_factories import EventFactory, RegistrationFactory
from tests.factories import MemberFactory, MunicipalityFactory, UserFactory
from vzhg.errors import ServiceError

from .conftest import add_pdf, make_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    user = UserFactory(is_staff=True)
    user.groups.add(member_services.secretariat_group_ensure())
    return user


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def test_one_meeting_per_event(bodies):
    event = EventFactory(kind=Event.Kind.ALV_CONGRESS)
    first = make_meeting(bodies["alv"], status=Meeting.Status.CONCEPT)
    second = make_meeting(bodies["ab"], status=Meeting.Status.CONCEPT)
    congress.meeting_event_link(meeting=first, event=event)
    with pytest.raises(ServiceError):
        congress.meeting_event_link(meeting=second, event=event)
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=second.pk).update(event=event)


def test_a_new_alv_can_create_its_congress_or_link_one(bodies):
    meeting = board_services.meeting_create_alv_from_template(body=bodies["alv"], congress_create=True)
    assert meeting.event.kind == Event.Kind.ALV_CONGRESS
    assert meeting.event.starts_at == meeting.starts_at
    assert meeting.event.status == Event.Status.DRAFT
    existing = EventFactory(kind=Event.Kind.ALV_CONGRESS)
    assert list(congress.congress_events_free()) == [existing]
    linked = board_services.meeting_create_alv_from_template(body=bodies["alv"], event=existing)
    assert linked.event == existing and linked.starts_at == existing.starts_at
    assert not congress.congress_events_free().exists()


def test_the_event_page_shows_the_published_agenda_and_documents(client, bodies, people):
    event = EventFactory(kind=Event.Kind.ALV_CONGRESS)
    meeting = make_meeting(bodies["alv"], status=Meeting.Status.CONCEPT, items=2, confidential=True)
    congress.meeting_event_link(meeting=meeting, event=event)
    document = add_pdf(meeting.items.first(), title="Jaarrekening 2025")
    url = reverse("events:detail", kwargs={"slug": event.slug})
    assert "Agendapunt 1" not in client.get(url).content.decode()  # a draft shows nothing
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.PUBLISHED)
    page = client.get(url).content.decode()
    assert "Agendapunt 1" in page
    assert "Agendapunt 2" not in page  # confidential
    assert "Jaarrekening 2025" in page
    assert document.get_absolute_url() not in page  # the ALV's meetings are not public here
    bodies["alv"].public_meetings = True
    bodies["alv"].save()
    page = client.get(url).content.decode()
    assert document.get_absolute_url() in page and "Jaarrekening 2025" in page
    assert client.get(document.get_absolute_url()).status_code == 200


def test_copying_the_event_a_year_later_copies_the_meeting_and_keeps_them_linked(bodies, staff):
    meeting = board_services.meeting_create_alv_from_template(body=bodies["alv"], congress_create=True)
    copy = lifecycle.event_duplicate(event=meeting.event, actor=staff)
    next_year = Meeting.objects.get(event=copy)
    assert next_year.pk != meeting.pk and next_year.body == meeting.body
    assert next_year.status == Meeting.Status.CONCEPT
    assert next_year.starts_at == copy.starts_at
    assert str(copy.starts_at.year) in next_year.title
    assert next_year.items.count() == meeting.items.count() == 10
    assert Meeting.objects.get(pk=meeting.pk).event == meeting.event


def test_the_meeting_admin_shows_registrations_responses_and_progress(
    staff_client, bodies, django_capture_on_commit_callbacks
):
    towns = [MunicipalityFactory(name=f"Gemeente {name}") for name in ("Aa", "Bb", "Cc")]
    for town in towns:
        MemberFactory(organisation=town, function=Person.Function.GRIFFIER)
    meeting = make_meeting(bodies["alv"], days=30, status=Meeting.Status.CONCEPT)
    congress.congress_event_create(meeting=meeting)
    with django_capture_on_commit_callbacks(execute=True):
        board_services.meeting_publish(meeting=meeting)
    RegistrationFactory(event=meeting.event, person=MemberFactory(organisation=towns[0]))
    RegistrationFactory(event=meeting.event, person=MemberFactory(organisation=towns[0]))
    page = staff_client.get(reverse("admin:governance_meeting_change", args=[meeting.pk])).content.decode()
    assert "1 of 3 municipalities have responded" in page
    assert "Gemeente Bb" in page and "Gemeente Cc" in page
    assert "3 of 3 designated people queued" in page
    assert "<td>Gemeente Aa</td><td>2</td>" in page


def test_the_admin_actions_create_the_congress_and_remind(
    staff_client, bodies, django_capture_on_commit_callbacks
):
    town = MunicipalityFactory()
    MemberFactory(organisation=town, function=Person.Function.BURGEMEESTER)
    meeting = make_meeting(bodies["alv"], days=30, status=Meeting.Status.CONCEPT)
    changelist = reverse("admin:governance_meeting_changelist")
    staff_client.post(changelist, {"action": "congress_create", "_selected_action": [meeting.pk]})
    meeting.refresh_from_db()
    assert meeting.event is not None
    with django_capture_on_commit_callbacks(execute=True):
        board_services.meeting_publish(meeting=meeting)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            changelist, {"action": "remind_municipalities", "_selected_action": [meeting.pk]}, follow=True
        )
    assert "a reminder goes to 1 municipalities" in response.content.decode()
    assert meeting.convocations.filter(kind="reminder", round=1, organisation=town).count() == 1


def test_the_meeting_admin_page_does_not_grow_with_the_municipalities(staff_client, bodies):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    meeting = make_meeting(bodies["alv"], days=30, status=Meeting.Status.PUBLISHED)
    congress.congress_event_create(meeting=meeting)
    url = reverse("admin:governance_meeting_change", args=[meeting.pk])
    counts = []
    for more in (3, 27):  # 3 municipalities, then 30
        for _ in range(more):
            town = MunicipalityFactory()
            RegistrationFactory(event=meeting.event, person=MemberFactory(organisation=town))
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
