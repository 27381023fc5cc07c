"""Minutes (notulen) and attendance: writing, adopting at the next meeting of the body, the page
and the tagged PDF, who may read them, and the secretariat's admin page."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from governance.board import minutes as board_minutes
from governance.models import Attendance, Meeting, Minutes
from tests.admin_form import change_form_data
from vzhg.errors import ServiceError

from .conftest import make_meeting
from .test_portal import VISITORS, visitor_user

pytestmark = pytest.mark.django_db


def held(body, *, days=-14, **kwargs):
    return make_meeting(body, days=days, status=Meeting.Status.HELD, **kwargs)


@pytest.fixture
def db_pair(bodies):
    """A held DB meeting and the next one (begun), whose first item adopts the minutes."""
    first = held(bodies["db"], title="DB januari", items=1)
    second = held(bodies["db"], days=-1, title="DB februari", items=2)
    second.items.filter(order=1).update(title="Vaststellen notulen")
    return first, second


def test_minutes_are_written_only_once_the_meeting_began(bodies, people):
    upcoming = make_meeting(bodies["db"], days=3)
    with pytest.raises(ServiceError):
        board_minutes.minutes_save(meeting=upcoming, text="Te vroeg")

    meeting = held(bodies["db"])
    minutes = board_minutes.minutes_save(
        meeting=meeting, text="  De voorzitter opent.  ", actor=people["staff"]
    )
    again = board_minutes.minutes_save(meeting=meeting, text="De voorzitter opent de vergadering.")

    assert again.pk == minutes.pk and again.text == "De voorzitter opent de vergadering."
    assert minutes.history.earliest().history_user == people["staff"]


def test_minutes_are_adopted_at_a_later_meeting_of_the_same_body(db_pair, bodies, people):
    first, second = db_pair
    minutes = board_minutes.minutes_save(meeting=first, text="Notulen januari")
    other_body = held(bodies["ab"], days=-1)

    for wrong in (first.items.get(), other_body.items.first(), None):
        with pytest.raises(ServiceError):
            board_minutes.minutes_adopt(minutes=minutes, item=wrong)
    later_not_begun = make_meeting(bodies["db"], days=5)
    with pytest.raises(ServiceError, match="has not taken place yet"):
        board_minutes.minutes_adopt(minutes=minutes, item=later_not_begun.items.first())

    item = second.items.get(order=1)
    adopted = board_minutes.minutes_adopt(minutes=minutes, item=item, actor=people["staff"])

    assert adopted.status == Minutes.Status.ADOPTED and adopted.adoption_item == item
    assert adopted.adopted_by == people["staff"] and adopted.adopted_at <= timezone.now()
    last = adopted.history.latest()
    assert (last.status, last.history_user, last.history_change_reason) == (
        "adopted",
        people["staff"],
        "adopted",
    )
    with pytest.raises(ServiceError, match="can no longer be changed"):
        board_minutes.minutes_save(meeting=first, text="Achteraf veranderd")
    with pytest.raises(ServiceError, match="already been adopted"):
        board_minutes.minutes_adopt(minutes=adopted, item=item)


def test_attendance_is_recorded_for_members_of_the_body_on_the_day(bodies, people):
    meeting = held(bodies["db"])
    chair = people["db_member"].person
    with pytest.raises(ServiceError, match="was not a member"):
        board_minutes.attendance_record(
            meeting=meeting, person=people["ab_member"].person, status=Attendance.Status.PRESENT
        )
    with pytest.raises(ServiceError):
        board_minutes.attendance_record(meeting=meeting, person=chair, status="late")

    board_minutes.attendance_record(meeting=meeting, person=chair, status=Attendance.Status.EXCUSED)
    row = board_minutes.attendance_record(
        meeting=meeting, person=chair, status=Attendance.Status.PRESENT, actor=people["staff"]
    )

    assert Attendance.objects.get().status == Attendance.Status.PRESENT
    assert row.history.count() == 2 and row.history.latest().history_user == people["staff"]
    lines = board_minutes.meeting_attendance(meeting=make_meeting(bodies["ab"], days=-2))
    assert [(line.person, line.status) for line in lines] == sorted(
        [(people["db_member"].person, None), (people["ab_member"].person, None)],
        key=lambda pair: (pair[0].last_name, pair[0].first_name, pair[0].pk),
    )


def test_the_minutes_page_shows_sanitised_text_and_attendance(client, db_pair, people):
    first, second = db_pair
    board_minutes.minutes_save(
        meeting=first, text="## Opening\n\nDe **voorzitter** opent. <script>alert(1)</script>"
    )
    board_minutes.attendance_record(
        meeting=first, person=people["db_member"].person, status=Attendance.Status.EXCUSED
    )
    client.force_login(people["db_member"])

    page = client.get(reverse("governance:minutes", kwargs={"pk": first.pk, "token": first.token}))

    content = page.content.decode()
    assert page.status_code == 200
    assert "<strong>voorzitter</strong>" in content and "<script>alert" not in content
    assert "absent with notice" in content and "concept" in content
    meeting_page = client.get(first.get_absolute_url()).content.decode()
    assert reverse("governance:minutes", kwargs={"pk": first.pk, "token": first.token}) in meeting_page


def test_the_adopting_item_links_to_the_minutes(client, db_pair, people):
    first, second = db_pair
    minutes = board_minutes.minutes_save(meeting=first, text="Notulen")
    board_minutes.minutes_adopt(minutes=minutes, item=second.items.get(order=1))
    client.force_login(people["db_member"])

    content = client.get(second.get_absolute_url()).content.decode()

    assert reverse("governance:minutes", kwargs={"pk": first.pk, "token": first.token}) in content
    assert "Minutes of DB januari" in content


def test_adopted_minutes_are_a_tagged_pdf(client, db_pair, people, settings):
    settings.LANGUAGE_CODE = "nl"
    first, second = db_pair
    minutes = board_minutes.minutes_save(meeting=first, text="De vergadering besluit tot **niets**.")
    board_minutes.attendance_record(
        meeting=first, person=people["db_member"].person, status=Attendance.Status.PRESENT
    )
    url = reverse("governance:minutes_pdf", kwargs={"pk": first.pk, "token": first.token})
    client.force_login(people["db_member"])
    assert client.get(url).status_code == 404  # a concept has no PDF

    board_minutes.minutes_adopt(minutes=minutes, item=second.items.get(order=1))
    response = client.get(url)

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "nl"
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert "DB januari" in reader.metadata.title
    text = "".join(page.extract_text() for page in reader.pages)
    assert "niets" in text and people["db_member"].person.last_name in text


# (minutes, visitors that may read them); everyone else gets 404
@pytest.fixture
def minutes_world(bodies):
    db_concept = held(bodies["db"], title="DB concept", items=1)
    ab_adopted = held(bodies["ab"], title="AB open", items=1)
    ab_confidential = held(bodies["ab"], title="AB vertrouwelijk", items=2, confidential=True)
    now = timezone.now()
    Minutes.objects.create(meeting=db_concept, text="Concept")
    for meeting in (ab_adopted, ab_confidential):
        Minutes.objects.create(
            meeting=meeting, text="Vastgesteld", status=Minutes.Status.ADOPTED, adopted_at=now
        )
    return {"db_concept": db_concept, "ab_adopted": ab_adopted, "ab_confidential": ab_confidential}


MINUTES_EXPECTED = {
    ("minutes", "db_concept"): {"body_member", "staff"},
    ("minutes_pdf", "db_concept"): set(),  # a concept has no PDF
    ("minutes", "ab_adopted"): set(VISITORS),
    ("minutes_pdf", "ab_adopted"): set(VISITORS),
    ("minutes", "ab_confidential"): {"body_member", "staff"},
    ("minutes_pdf", "ab_confidential"): {"body_member", "staff"},
}


@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize(
    ("what", "target"), sorted(MINUTES_EXPECTED), ids=[f"{w}-{t}" for w, t in sorted(MINUTES_EXPECTED)]
)
def test_who_may_read_the_minutes(client, minutes_world, people, visitor, what, target):
    user = visitor_user(people, visitor, "db" if target.startswith("db") else "ab")
    if user is not None:
        client.force_login(user)
    meeting = minutes_world[target]

    response = client.get(reverse(f"governance:{what}", kwargs={"pk": meeting.pk, "token": meeting.token}))

    assert response.status_code == (200 if visitor in MINUTES_EXPECTED[(what, target)] else 404)


def test_a_meeting_without_minutes_has_no_minutes_page(client, bodies, people):
    meeting = held(bodies["ab"])
    client.force_login(people["staff"])

    response = client.get(reverse("governance:minutes", kwargs={"pk": meeting.pk, "token": meeting.token}))

    assert response.status_code == 404


def test_the_secretariat_writes_minutes_records_attendance_and_adopts_in_the_admin(client, db_pair, people):
    first, second = db_pair
    client.force_login(people["staff"])
    response = client.post(
        reverse("admin:governance_minutes_add"), {"meeting": first.pk, "text": "Eerste versie"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    minutes = Minutes.objects.get()
    url = reverse("admin:governance_minutes_change", args=[minutes.pk])
    chair = people["db_member"].person
    data = change_form_data(client, url)
    data.update(
        {
            "text": "Tweede versie",
            f"attendance_{chair.pk}": Attendance.Status.PRESENT,
            "adoption_item": second.items.get(order=1).pk,
            "adopt": "on",
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    minutes.refresh_from_db()
    assert minutes.text == "Tweede versie" and minutes.status == Minutes.Status.ADOPTED
    assert minutes.adopted_by == people["staff"]
    assert Attendance.objects.get(meeting=first, person=chair).status == Attendance.Status.PRESENT


def test_concept_minutes_are_put_on_a_later_agenda_before_adoption(client, db_pair, bodies, people):
    first, second = db_pair
    minutes = board_minutes.minutes_save(meeting=first, text="Notulen januari")
    upcoming = make_meeting(bodies["db"], days=5, title="DB maart", items=1)
    with pytest.raises(ServiceError, match="later meeting of the same body"):
        board_minutes.minutes_link(minutes=minutes, item=held(bodies["ab"], days=-1).items.first())

    linked = board_minutes.minutes_link(minutes=minutes, item=upcoming.items.get(), actor=people["staff"])

    assert linked.adoption_item == upcoming.items.get() and linked.status == Minutes.Status.CONCEPT
    assert linked.history.latest().history_user == people["staff"]
    client.force_login(people["db_member"])
    content = client.get(upcoming.get_absolute_url()).content.decode()
    assert reverse("governance:minutes", kwargs={"pk": first.pk, "token": first.token}) in content


def test_the_meeting_admin_page_links_to_its_minutes_and_actions(client, db_pair, people):
    first, _second = db_pair
    client.force_login(people["staff"])
    url = reverse("admin:governance_meeting_change", args=[first.pk])

    page = client.get(url).content.decode()
    assert f"{reverse('admin:governance_minutes_add')}?meeting={first.pk}" in page

    minutes = board_minutes.minutes_save(meeting=first, text="Notulen")
    page = client.get(url).content.decode()
    assert reverse("admin:governance_minutes_change", args=[minutes.pk]) in page
    assert f"{reverse('admin:governance_action_add')}?meeting={first.pk}&amp;body={first.body_id}" in page


def test_minutes_put_themselves_on_the_next_meetings_item_vaststellen_notulen(db_pair, bodies):
    first, second = db_pair
    item = second.items.get(order=1)  # "Vaststellen notulen"

    minutes = board_minutes.minutes_save(meeting=first, text="Notulen januari")

    assert minutes.adoption_item == item
    # The minutes of the second meeting find no such item on a later agenda: not linked.
    assert board_minutes.minutes_save(meeting=second, text="Notulen februari").adoption_item is None


def test_the_admin_refuses_minutes_for_a_meeting_that_has_not_begun(client, bodies, people):
    upcoming = make_meeting(bodies["db"], days=3)
    client.force_login(people["staff"])

    response = client.post(reverse("admin:governance_minutes_add"), {"meeting": upcoming.pk, "text": ""})

    assert response.status_code == 200 and "has not taken place yet" in response.content.decode()
    assert not Minutes.objects.exists()


def test_a_refusal_while_saving_in_the_admin_is_said_without_a_success_message(
    client, db_pair, people, monkeypatch
):
    # What only the service can decide (here: another user adopted the minutes a moment ago) is
    # shown as the error, and the admin does not also say the minutes were changed successfully.
    first, second = db_pair
    minutes = board_minutes.minutes_save(meeting=first, text="Eerste versie")
    client.force_login(people["staff"])
    url = reverse("admin:governance_minutes_change", args=[minutes.pk])
    data = change_form_data(client, url)
    data.update({"text": "Tweede versie", "adoption_item": second.items.get(order=1).pk, "adopt": "on"})

    def refuse(**kwargs):
        raise ServiceError("Deze notulen zijn zojuist door een ander vastgesteld.")

    monkeypatch.setattr(board_minutes, "minutes_adopt", refuse)
    response = client.post(url, data, follow=True)

    shown = [(m.level_tag, str(m)) for m in response.context["messages"]]
    assert ("error", "Deze notulen zijn zojuist door een ander vastgesteld.") in shown
    assert not [text for level, text in shown if level == "success"], shown
    minutes.refresh_from_db()
    assert minutes.text == "Tweede versie" and minutes.status == Minutes.Status.CONCEPT
