"""Board documents: a Word or Excel file that unpacks to far more than it weighs is refused in
the upload form with a clear message, judged before anything is inflated."""

from unittest import mock

import pytest
from django.urls import reverse

from demo.samples import sample_office
from governance.models import Document, Meeting
from members import services as member_services
from tests.bombs import office_bomb
from tests.factories import UserFactory

from .conftest import make_meeting, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, db):
    user = UserFactory(is_staff=True)
    user.groups.add(member_services.secretariat_group_ensure())
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def item(bodies, people):
    return make_meeting(bodies["db"], status=Meeting.Status.CONCEPT, items=1).items.first()


def post_document(client, item, file):
    return client.post(
        reverse("admin:governance_document_add"),
        {"item": item.pk, "title": "Notitie", "replaces": "", "upload": file},
    )


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_an_office_file_that_inflates_to_200_mb_is_refused_unread(staff_client, item, kind):
    bomb = office_bomb(kind=kind, unpacked_mb=200)
    assert len(bomb) < 400 * 1024

    # Not one byte of a part is inflated to decide (the check reads the ZIP directory only).
    with mock.patch("zipfile.ZipExtFile.read", side_effect=AssertionError("a part was inflated")):
        response = post_document(staff_client, item, upload(f"bijlage.{kind}", bomb))

    assert response.status_code == 200
    assert "unpacks to far more data than a normal document" in response.content.decode()
    assert not Document.objects.exists()


def test_a_normal_word_file_is_still_accepted(staff_client, item):
    response = post_document(staff_client, item, upload("notitie.docx", sample_office(kind="docx")))

    assert response.status_code == 302
    assert Document.objects.get().original_filename == "notitie.docx"
