"""Import and export of people in the admin (CSV and XLSX), with a preview that reports bad rows."""

import csv
import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from members.models import Person

IMPORT_URL = "/admin/members/person/import/"
PROCESS_URL = "/admin/members/person/process_import/"
EXPORT_URL = "/admin/members/person/export/"
CSV_FORMAT, XLSX_FORMAT = "0", "1"
HEADER = [
    "first_name",
    "tussenvoegsel",
    "last_name",
    "email",
    "phone",
    "organisation",
    "function",
    "job_title",
]

# The export's header: the labels, in the admin's language (English for these tests).
LABELS = [
    "first name", "tussenvoegsel", "last name", "e-mail address", "phone", "organisation", "function",
    "job title",
]  # fmt: skip


@pytest.fixture
def secretariat(staff_client):
    """The staff client, reading the admin in English so messages can be compared."""
    staff_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return staff_client


def csv_file(
    rows: list[list[str]], header: list[str] = HEADER, name: str = "mensen.csv"
) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8"), content_type="text/csv")


def preview(client, upload, file_format=CSV_FORMAT):
    response = client.post(IMPORT_URL, {"resource": "0", "format": file_format, "import_file": upload})
    assert response.status_code == 200
    return response


def confirm(client, response):
    confirm_form = response.context["confirm_form"]
    assert confirm_form is not None
    return client.post(PROCESS_URL, confirm_form.initial, follow=True)


def errors_by_row(response) -> dict[int, dict[str, list[str]]]:
    return {row.number: row.field_specific_errors for row in response.context["result"].invalid_rows}


MIXED_ROWS = [
    # 1: good, new, organisation by name
    ["Eva", "", "Jansen", "e.jansen@leiden.nl", "071 516 5165", "Leiden", "wethouder", "wethouder Leiden"],
    # 2: bad e-mail address
    ["Bert", "", "Smit", "bert.smit-at-leiden.nl", "", "Leiden", "raadslid", ""],
    # 3: unknown organisation
    ["Carla", "", "Mulder", "c.mulder@atlantis.nl", "", "Atlantis", "griffier", ""],
    # 4: unknown function
    ["Daan", "", "Visser", "d.visser@rotterdam.nl", "", "Rotterdam", "koning", ""],
    # 5: the same address as row 1, in other case
    ["Eva", "", "Jansen-Duplicaat", "E.Jansen@Leiden.NL", "", "Leiden", "wethouder", ""],
    # 6: good, organisation by CBS code (lower case), function by label (any case)
    ["Femke", "van", "Dam", "f.vandam@rotterdam.nl", "", "gm0599", "COUNCIL CLERK (GRIFFIER)", ""],
]


def test_preview_shows_errors_per_row_and_saves_nothing(secretariat, people):
    before_people = Person.objects.count()
    before_history = Person.history.count()

    response = preview(secretariat, csv_file(MIXED_ROWS))

    errors = errors_by_row(response)
    assert sorted(errors) == [2, 3, 4, 5]
    assert list(errors[2]) == ["email"]
    assert "Unknown organisation “Atlantis”" in errors[3]["organisation"][0]
    assert "Unknown function “koning”" in errors[4]["function"][0]
    assert errors[5]["email"] == ["This e-mail address is already used in row 1 of the file."]

    html = response.content.decode()
    assert "2 rows can be imported. 4 rows have errors and will be skipped." in html
    assert "Rows with errors (not imported)" in html
    assert "Rows that will be imported" in html
    assert "bert.smit-at-leiden.nl" in html
    # Content Security Policy: the preview's diff markup carries no inline style, the page no inline script
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    # the secretariat may confirm: the good rows are not lost
    assert response.context["confirm_form"] is not None
    assert 'value="Confirm import"' in html

    assert Person.objects.count() == before_people
    assert Person.history.count() == before_history
    assert not Person.objects.filter(email="e.jansen@leiden.nl").exists()


def test_confirm_imports_the_good_rows_and_reports_the_bad(secretariat, staff_user, people, organisations):
    before = Person.objects.count()
    response = confirm(secretariat, preview(secretariat, csv_file(MIXED_ROWS)))

    assert response.redirect_chain[-1][0] == reverse("admin:members_person_changelist")
    assert Person.objects.count() == before + 2
    eva = Person.objects.get(email="e.jansen@leiden.nl")
    assert (eva.last_name, eva.organisation, eva.function, eva.phone) == (
        "Jansen",
        organisations["leiden"],
        Person.Function.WETHOUDER,
        "071 516 5165",
    )
    femke = Person.objects.get(email="f.vandam@rotterdam.nl")
    assert (femke.tussenvoegsel, femke.organisation, femke.function) == (
        "van",
        organisations["rotterdam"],
        Person.Function.GRIFFIER,
    )
    for email in ("bert.smit-at-leiden.nl", "c.mulder@atlantis.nl", "d.visser@rotterdam.nl"):
        assert not Person.objects.filter(email__iexact=email).exists()
    assert Person.objects.filter(last_name="Jansen-Duplicaat").count() == 0

    shown = [str(message) for message in response.context["messages"]]
    assert any("2 new, 0 updated" in message for message in shown)
    assert "4 rows had errors and were not imported: rows 2, 3, 4, 5." in shown

    # history records the import: who, and that it came from the file
    record = eva.history.get()
    assert record.history_type == "+"
    assert record.history_user == staff_user
    assert record.history_change_reason == "imported from mensen.csv"


def test_reimport_matches_on_email_ignoring_case_and_updates(secretariat, staff_user, people):
    anna = people["anna"]
    rows = [
        ["Anna", "", "Bakker", "A.BAKKER@Rotterdam.nl", "", "Rotterdam", "griffier", "griffier Rotterdam"]
    ]

    response = preview(secretariat, csv_file(rows))
    assert [row.import_type for row in response.context["result"].valid_rows()] == ["update"]
    confirm(secretariat, response)

    assert Person.objects.filter(email__iexact="a.bakker@rotterdam.nl").count() == 1
    anna.refresh_from_db()
    assert anna.job_title == "griffier Rotterdam"
    assert anna.email == "a.bakker@rotterdam.nl"
    latest, previous = anna.history.all()[:2]
    assert latest.history_user == staff_user
    assert [change.field for change in latest.diff_against(previous).changes] == ["job_title"]


def test_unchanged_rows_are_skipped_without_history(secretariat, people):
    anna = people["anna"]
    rows = [["Anna", "", "Bakker", "a.bakker@rotterdam.nl", "", "Rotterdam", "griffier", ""]]
    response = preview(secretariat, csv_file(rows))
    assert [row.import_type for row in response.context["result"].valid_rows()] == ["skip"]
    confirm(secretariat, response)
    assert anna.history.count() == 1


def test_function_by_dutch_label_and_organisation_by_code(secretariat, organisations):
    with translation.override("nl"):
        dutch_label = str(Person.Function.BURGEMEESTER.label)
    rows = [["Jan", "", "Hoek", "j.hoek@leiden.nl", "", "GM0546", dutch_label.upper(), ""]]
    confirm(secretariat, preview(secretariat, csv_file(rows)))
    jan = Person.objects.get(email="j.hoek@leiden.nl")
    assert (jan.function, jan.organisation) == (Person.Function.BURGEMEESTER, organisations["leiden"])


def test_only_bad_rows_offer_no_confirmation(secretariat, people):
    rows = [["Bert", "", "Smit", "not-an-address", "", "Leiden", "", ""]]
    response = preview(secretariat, csv_file(rows))
    assert "confirm_form" not in response.context
    html = response.content.decode()
    assert "0 rows can be imported. 1 row has errors and will be skipped." in html
    # the upload form is shown again
    assert 'name="import_file"' in html


def test_file_without_email_column_is_refused(secretariat, people):
    response = preview(secretariat, csv_file([["Eva", "Jansen"]], header=["first_name", "last_name"]))
    assert response.context["result"].has_errors()
    assert "confirm_form" not in response.context
    assert not Person.objects.filter(first_name="Eva").exists()


def test_xlsx_import(secretariat, organisations):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    # headers as people type them
    sheet.append(
        [
            "First_Name",
            "Tussenvoegsel",
            "Last_Name",
            "E-mail",
            "Phone",
            "Organisation",
            "Function",
            "Job_title",
        ]
    )
    sheet.append(
        ["Karin", "de", "Boer", "K.deBoer@Leiden.nl", None, "Leiden", "Beleidsmedewerker", "beleidsadviseur"]
    )
    sheet.append(["Lars", None, "Bos", "geen-adres", None, "Leiden", None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile(
        "mensen.xlsx",
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )

    response = preview(secretariat, upload, file_format=XLSX_FORMAT)
    assert sorted(errors_by_row(response)) == [2]
    confirm(secretariat, response)

    karin = Person.objects.get(email="k.deboer@leiden.nl")
    assert (karin.tussenvoegsel, karin.sort_name, karin.function, karin.phone) == (
        "de",
        "Boer, Karin de",
        Person.Function.BELEIDSMEDEWERKER,
        "",
    )
    assert karin.organisation == organisations["leiden"]
    assert not Person.objects.filter(last_name="Bos").exists()


def test_import_page_loads_and_lists_columns(secretariat, db):
    response = secretariat.get(IMPORT_URL)
    assert response.status_code == 200
    assert ", ".join(HEADER) in response.content.decode()


def export(client, file_format=CSV_FORMAT, query=""):
    response = client.post(EXPORT_URL + query, {"resource": "0", "format": file_format})
    assert response.status_code == 200
    return response


def test_export_csv_has_names_and_labels(secretariat, people):
    response = export(secretariat)
    assert response["Content-Type"].startswith("text/csv")
    assert "people-" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == LABELS
    with translation.override("en"):
        label = str(Person.Function.BURGEMEESTER.label)
    assert ["Jack", "de", "Vries", "jack.devries@leiden.nl", "", "Leiden", label, ""] in rows[1:]
    assert len(rows) == 4


def test_export_follows_the_changelist_filters(secretariat, people):
    response = export(secretariat, query="?function__exact=griffier")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [row[3] for row in rows[1:]] == ["a.bakker@rotterdam.nl"]


def test_export_xlsx(secretariat, people):
    response = export(secretariat, file_format=XLSX_FORMAT)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert list(values[0]) == LABELS
    assert any(row[3] == "pvdberg@pzh.nl" and row[5] == "Provincie Zuid-Holland" for row in values[1:])


def test_exported_file_imports_back_unchanged(secretariat, people):
    exported = export(secretariat).content
    response = preview(secretariat, SimpleUploadedFile("export.csv", exported, content_type="text/csv"))
    result = response.context["result"]
    assert not result.invalid_rows
    assert [row.import_type for row in result.valid_rows()] == ["skip", "skip", "skip"]


def test_export_query_count_does_not_grow(secretariat, organisations, django_assert_max_num_queries):
    for number in range(30):
        Person.objects.create(
            first_name="P",
            last_name=f"{number:03d}",
            email=f"p{number}@x.nl",
            organisation=organisations["leiden"],
        )
    with django_assert_max_num_queries(8):
        response = export(secretariat)
    assert len(response.content.decode().strip().splitlines()) == 31


def test_import_and_export_need_permissions_on_people(client, db):
    from django.contrib.auth.models import Permission

    from members.models import User

    user = User.objects.create_user(email="alleen-lezen@vzhg.nl", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename="view_person"))
    client.force_login(user)
    assert client.get(IMPORT_URL).status_code == 403
    assert client.post(PROCESS_URL, {}).status_code == 403
    assert client.get(EXPORT_URL).status_code == 200
    changelist = client.get(reverse("admin:members_person_changelist")).content.decode()
    assert IMPORT_URL not in changelist
    assert EXPORT_URL in changelist

    user.user_permissions.clear()
    user = User.objects.get(pk=user.pk)  # drop the permission cache
    client.force_login(user)
    assert client.get(EXPORT_URL).status_code == 403
