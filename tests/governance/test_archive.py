"""The public archive: held meetings of public bodies stay findable per body and year, with their
agenda, public documents, list of decisions and adopted minutes; confidential items stay out."""

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.models import Meeting, Minutes

from .conftest import add_pdf, make_meeting

pytestmark = pytest.mark.django_db


def year_of(meeting) -> int:
    return timezone.localtime(meeting.starts_at).year


@pytest.fixture
def archive_world(bodies):
    held = make_meeting(bodies["ab"], days=-3, title="AB gehouden", items=2, confidential=True)
    Meeting.objects.filter(pk=held.pk).update(status=Meeting.Status.HELD)
    for item in held.items.all():
        add_pdf(item, title=f"Stuk {'geheim' if item.confidential else 'openbaar'}")
    item = held.items.get(confidential=True)
    item.title = "Vertrouwelijk personeelsdossier"
    item.save()
    begun = make_meeting(bodies["ab"], days=-1, title="AB begonnen", items=1)  # published, begun
    Minutes.objects.create(
        meeting=begun, text="Vastgesteld", status=Minutes.Status.ADOPTED, adopted_at=timezone.now()
    )
    upcoming = make_meeting(bodies["ab"], days=10, title="AB straks", items=1)
    closed = make_meeting(bodies["db"], days=-3, title="DB gehouden", items=1)
    concept = make_meeting(bodies["ab"], days=-2, title="AB concept", status=Meeting.Status.CONCEPT)
    return {"held": held, "begun": begun, "upcoming": upcoming, "closed": closed, "concept": concept}


def test_a_held_public_meeting_stays_findable_from_the_board_page(client, archive_world, bodies):
    board = client.get(reverse("governance:board")).content.decode()
    assert "AB gehouden" not in board  # the board page lists upcoming meetings only ...
    assert reverse("governance:archive") in board  # ... and links to the archive

    index = client.get(reverse("governance:archive")).content.decode()
    year = year_of(archive_world["held"])
    assert reverse("governance:archive_year", kwargs={"slug": "ab", "year": year}) in index
    assert "/archief/db/" not in index  # a closed body has no public archive


def test_the_year_page_shows_agenda_documents_decisions_and_adopted_minutes(client, archive_world):
    held, begun = archive_world["held"], archive_world["begun"]
    page = client.get(reverse("governance:archive_year", kwargs={"slug": "ab", "year": year_of(held)}))

    content = page.content.decode()
    assert page.status_code == 200
    assert "AB gehouden" in content and "Stuk openbaar" in content
    assert "Vertrouwelijk personeelsdossier" not in content and "Stuk geheim" not in content
    assert reverse("governance:decisions", kwargs={"pk": held.pk, "token": held.token}) in content
    assert reverse("governance:minutes", kwargs={"pk": begun.pk, "token": begun.token}) in content
    assert "AB straks" not in content and "AB concept" not in content and "DB gehouden" not in content


def test_a_closed_body_or_an_empty_year_has_no_archive_page(client, archive_world, people):
    year = year_of(archive_world["closed"])
    client.force_login(people["staff"])
    assert (
        client.get(reverse("governance:archive_year", kwargs={"slug": "db", "year": year})).status_code == 404
    )
    assert (
        client.get(reverse("governance:archive_year", kwargs={"slug": "ab", "year": 1990})).status_code == 404
    )
    assert (
        client.get(reverse("governance:archive_year", kwargs={"slug": "xx", "year": year})).status_code == 404
    )


@pytest.mark.parametrize("size", [2, 8])
def test_the_archive_pages_take_a_fixed_number_of_queries(client, bodies, size, django_assert_num_queries):
    for n in range(size):
        meeting = make_meeting(bodies["ab"], days=-(n + 1), items=2, status=Meeting.Status.HELD)
        add_pdf(meeting.items.first())
    year = timezone.localdate().year
    meetings = Meeting.objects.filter(starts_at__year=year).count()
    if not meetings:  # early January: the meetings fell in last year
        year -= 1

    with django_assert_num_queries(2):
        assert client.get(reverse("governance:archive")).status_code == 200
    with django_assert_num_queries(4):  # body, meetings, their public items, their documents
        assert (
            client.get(reverse("governance:archive_year", kwargs={"slug": "ab", "year": year})).status_code
            == 200
        )
