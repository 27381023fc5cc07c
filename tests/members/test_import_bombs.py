"""The person import checks the file before tablib/openpyxl open it: an .xlsx that unpacks to
hundreds of MB, or an oversized file, is refused in the form with a clear message."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from members.models import Person
from tests.bombs import office_bomb

from .test_import import CSV_FORMAT, IMPORT_URL, XLSX_FORMAT

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat(staff_client):
    staff_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return staff_client


def post(client, upload, file_format):
    return client.post(IMPORT_URL, {"resource": "0", "format": file_format, "import_file": upload})


def test_an_xlsx_that_inflates_to_200_mb_is_refused(secretariat, people):
    before = Person.objects.count()
    bomb = SimpleUploadedFile("mensen.xlsx", office_bomb(kind="xlsx", unpacked_mb=200))

    response = post(secretariat, bomb, XLSX_FORMAT)

    assert response.status_code == 200
    assert "unpacks to far more data than a normal document" in response.content.decode()
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert Person.objects.count() == before


def test_an_oversized_csv_is_refused(secretariat, people):
    big = SimpleUploadedFile("mensen.csv", b"first_name,last_name,email\n" + b"a,b,c@example.org\n" * 400_000)

    response = post(secretariat, big, CSV_FORMAT)

    assert response.status_code == 200
    assert "at most 5 MB can be imported" in response.content.decode()
