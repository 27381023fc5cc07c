"""Who may open which portal page, document and pack — walked for every kind of visitor."""

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.board import packs as board_packs
from governance.models import Meeting, PersonalNote

from .conftest import add_pdf, make_meeting

pytestmark = pytest.mark.django_db

# "staff" is the secretariat (its group's permissions); "staff_without_rights" has staff status
# and nothing else, which opens nothing that is not public.
VISITORS = ["anonymous", "member", "other_body", "body_member", "staff", "staff_without_rights"]


@pytest.fixture
def world(bodies, people):
    """A closed DB meeting and a public AB meeting, each with a normal and a confidential item
    with a document, and built packs. The AB member sits on the AB only ("other body" for the DB)."""
    db_meeting = make_meeting(bodies["db"], title="DB-vergadering", items=2, confidential=True)
    ab_meeting = make_meeting(bodies["ab"], title="AB-vergadering", items=2, confidential=True)
    ab_open = make_meeting(bodies["ab"], title="AB open", items=1)
    docs = {}
    for key, meeting in (("db", db_meeting), ("ab", ab_meeting), ("ab_open", ab_open)):
        for item in meeting.items.all():
            docs[(key, "confidential" if item.confidential else "open")] = add_pdf(item)
    packs = {
        key: board_packs.meeting_pack_build(meeting_id=m.pk)
        for key, m in (("db", db_meeting), ("ab", ab_meeting), ("ab_open", ab_open))
    }
    return {
        "meetings": {"db": db_meeting, "ab": ab_meeting, "ab_open": ab_open},
        "docs": docs,
        "packs": packs,
    }


def visitor_user(people, visitor, target):
    """The user for a visitor kind, relative to the body of the target ('db' or 'ab')."""
    if visitor == "anonymous":
        return None
    if visitor == "member":
        return people["member"]
    if visitor in ("staff", "staff_without_rights"):
        return people[visitor]
    if target == "db":
        return people["ab_member"] if visitor == "other_body" else people["db_member"]
    # for AB targets: the DB chair also sits on the AB; a plain member plays "another body" there
    return people["member"] if visitor == "other_body" else people["ab_member"]


# (what, target) -> visitors that get 200; everyone else gets 404 (or the login page)
EXPECTED = {
    ("meeting", "db"): {"body_member", "staff"},
    ("meeting", "ab"): set(VISITORS),
    ("decisions", "db"): {"body_member", "staff"},
    ("decisions", "ab"): set(VISITORS),
    ("decisions_pdf", "db"): {"body_member", "staff"},
    ("decisions_pdf", "ab"): set(VISITORS),
    ("doc_open", "db"): {"body_member", "staff"},
    ("doc_confidential", "db"): {"body_member", "staff"},
    ("doc_open", "ab"): set(VISITORS),
    ("doc_confidential", "ab"): {"body_member", "staff"},
    ("pack", "db"): {"body_member", "staff"},
    ("pack", "ab"): {"body_member", "staff"},  # holds a confidential item
    ("pack", "ab_open"): set(VISITORS),  # public meeting without confidential items
}


def target_url(world, what, target):
    meeting = world["meetings"][target]
    if what in ("meeting", "decisions", "decisions_pdf"):
        return reverse(f"governance:{what}", kwargs={"pk": meeting.pk, "token": meeting.token})
    if what == "pack":
        return world["packs"][target].get_absolute_url()
    return world["docs"][(target, what.removeprefix("doc_"))].get_absolute_url()


@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize(("what", "target"), sorted(EXPECTED), ids=[f"{w}-{t}" for w, t in sorted(EXPECTED)])
def test_every_portal_url_for_every_visitor(client, world, people, visitor, what, target):
    user = visitor_user(people, visitor, "db" if target == "db" else "ab")
    if user is not None:
        client.force_login(user)

    response = client.get(target_url(world, what, target))

    expected = 200 if visitor in EXPECTED[(what, target)] else 404
    assert response.status_code == expected
    if expected == 200 and what.startswith(("doc", "pack")):
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
        assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("visitor", VISITORS)
def test_meeting_page_shows_confidential_items_only_to_the_body(client, world, people, visitor):
    user = visitor_user(people, visitor, "ab")
    if user is not None:
        client.force_login(user)
    meeting = world["meetings"]["ab"]

    content = client.get(meeting.get_absolute_url()).content.decode()

    assert "Agendapunt 1" in content
    assert ("Agendapunt 2" in content) == (visitor in {"body_member", "staff"})


def test_a_wrong_token_or_a_draft_meeting_is_404(client, world, people, bodies):
    client.force_login(people["db_member"])
    meeting = world["meetings"]["db"]
    document = world["docs"][("db", "open")]
    import uuid

    assert (
        client.get(
            reverse("governance:meeting", kwargs={"pk": meeting.pk, "token": uuid.uuid4()})
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("governance:document", kwargs={"pk": document.pk, "token": uuid.uuid4()})
        ).status_code
        == 404
    )
    draft = make_meeting(bodies["db"], status=Meeting.Status.CONCEPT)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_membership_counts_on_the_meeting_date(client, world, people, bodies):
    """A member whose mandate ended before the meeting no longer sees it."""
    mandate = people["db_member"].person.mandates.get(body=bodies["db"])
    meeting = world["meetings"]["db"]
    mandate.end = meeting.starts_at.date() - __import__("datetime").timedelta(days=1)
    mandate.save()
    client.force_login(people["db_member"])

    assert client.get(meeting.get_absolute_url()).status_code == 404


def test_portal_lists_my_meetings_across_my_bodies(client, world, people):
    client.force_login(people["db_member"])
    content = client.get(reverse("governance:portal")).content.decode()
    assert "DB-vergadering" in content and "AB-vergadering" in content

    client.force_login(people["ab_member"])
    content = client.get(reverse("governance:portal")).content.decode()
    assert "DB-vergadering" not in content and "AB-vergadering" in content


def test_portal_sends_anonymous_to_login(client):
    response = client.get(reverse("governance:portal"))
    assert response.status_code == 302 and response["Location"].startswith("/account/login/")


def test_notes_are_private_and_only_for_the_body(client, world, people):
    document = world["docs"][("db", "open")]
    url = reverse("governance:note", kwargs={"pk": document.pk, "token": document.token})
    client.force_login(people["db_member"])
    response = client.post(url, {f"d{document.pk}-text": "Vragen over paragraaf 3"})
    assert response.status_code == 302
    assert PersonalNote.objects.get(user=people["db_member"]).text == "Vragen over paragraaf 3"
    assert (
        "Vragen over paragraaf 3" in client.get(world["meetings"]["db"].get_absolute_url()).content.decode()
    )

    client.force_login(people["staff"])
    assert (
        "Vragen over paragraaf 3"
        not in client.get(world["meetings"]["db"].get_absolute_url()).content.decode()
    )
    client.force_login(people["ab_member"])
    assert client.post(url, {f"d{document.pk}-text": "ingebroken"}).status_code == 404
    assert PersonalNote.objects.count() == 1

    client.force_login(people["db_member"])
    client.post(url, {f"d{document.pk}-text": "  "})
    assert PersonalNote.objects.count() == 0


def test_new_since_last_visit(client, world, people):
    meeting = world["meetings"]["db"]
    client.force_login(people["db_member"])
    first = client.get(meeting.get_absolute_url()).content.decode()
    assert "new since your last visit" not in first
    add_pdf(meeting.items.first(), title="Nagekomen stuk")
    second = client.get(meeting.get_absolute_url()).content.decode()
    assert second.count("new since your last visit") == 1
    assert "Nagekomen stuk" in second


def _bigger_world(bodies, people, n):
    meeting = make_meeting(bodies["db"], title=f"Groot {n}", items=n, confidential=True)
    for item in meeting.items.all():
        add_pdf(item)
    for _ in range(n):
        make_meeting(bodies["db"], items=0)
    board_packs.meeting_pack_build(meeting_id=meeting.pk)
    return meeting


@pytest.mark.parametrize("n", [3, 12])
def test_query_counts_do_not_grow(client, bodies, people, django_assert_num_queries, n):
    meeting = _bigger_world(bodies, people, n)
    client.force_login(people["db_member"])
    client.get(meeting.get_absolute_url())  # the first visit creates the MeetingView row
    # 15, of which 2 ask whether the visitor holds the meeting permission (own and the group's)
    with django_assert_num_queries(15):
        assert client.get(meeting.get_absolute_url()).status_code == 200
    # 5 for the meetings, plus the board check, this year's workplan and last year's annual report,
    # my open actions, and the board check of the signals link (contacts, issue 16)
    with django_assert_num_queries(10):
        assert client.get(reverse("governance:portal")).status_code == 200
    assert reverse("contacts:signals") in client.get(reverse("governance:portal")).content.decode()
    with django_assert_num_queries(9):  # 2 of them the permission check, as on the meeting page
        assert (
            client.get(
                reverse("governance:decisions", kwargs={"pk": meeting.pk, "token": meeting.token})
            ).status_code
            == 200
        )


def test_portal_links_board_members_to_the_workplan_and_the_annual_report(client, world, people):
    from governance.models import AnnualReport, Workplan

    year = timezone.localdate().year
    Workplan.objects.create(year=year)
    AnnualReport.objects.create(year=year - 1)
    client.force_login(people["ab_member"])

    body = client.get("/bestuur/portaal/").content.decode()

    assert f'href="/werkplan/{year}/"' in body and f'href="/werkplan/{year}/voortgang/1/"' in body
    assert f'href="/jaarverslag/{year - 1}/ledenbinding/"' in body


def test_portal_shows_no_report_links_to_members_without_a_board_seat(client, people):
    from governance.models import Workplan

    Workplan.objects.create(year=timezone.localdate().year)
    client.force_login(people["member"])

    assert "/werkplan/" not in client.get("/bestuur/portaal/").content.decode()


def test_portal_links_the_board_and_the_secretariat_to_the_signals_and_no_one_else(client, people):
    signals = reverse("contacts:signals")
    visitors = [("ab_member", True), ("staff", True), ("member", False), ("staff_without_rights", False)]
    for visitor, shown in visitors:
        client.force_login(people[visitor])
        assert (signals in client.get(reverse("governance:portal")).content.decode()) is shown, visitor
