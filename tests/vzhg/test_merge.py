"""Merge fields and the salutation (vzhg/merge.py)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from members.models import Person
from vzhg.merge import merge_fields_check, merge_fields_fill, merge_fields_used, person_salutation


@pytest.fixture(autouse=True)
def _dutch():
    with translation.override("nl"):
        yield


def person(**fields) -> Person:
    defaults = {"first_name": "Anna", "tussenvoegsel": "", "last_name": "Jansen", "function": "burgemeester"}
    return Person(**{**defaults, **fields})


@pytest.mark.parametrize(
    ("fields", "formal", "expected"),
    [
        ({"salutation": "heer"}, None, "Geachte heer Jansen"),
        (
            {"salutation": "mevrouw", "tussenvoegsel": "de", "last_name": "Vries"},
            None,
            "Geachte mevrouw De Vries",
        ),
        (
            {"salutation": "heer", "tussenvoegsel": "van der", "last_name": "Berg"},
            True,
            "Geachte heer Van der Berg",
        ),
        ({"salutation": "", "tussenvoegsel": "de", "last_name": "Vries"}, True, "Geachte Anna de Vries"),
        ({"salutation": "mevrouw"}, False, "Beste Anna"),
        ({"salutation": "mevrouw", "function": "beleidsmedewerker"}, None, "Beste Anna"),
        ({"salutation": "mevrouw", "function": "griffier"}, None, "Geachte mevrouw Jansen"),
    ],
)
def test_salutation(fields, formal, expected):
    assert person_salutation(person(**fields), formal=formal) == expected


def test_unknown_field_is_refused_with_the_known_ones():
    with pytest.raises(ValidationError) as error:
        merge_fields_check("Hallo {voornam} en {{naam}} {aanhef}")
    message = error.value.messages[0]
    assert "{voornam}" in message and "{voornaam}" in message and "{aanhef}" not in message.split(".")[0]


def test_template_language_is_not_reachable():
    """Django template syntax is not a field and stays text; a field name must be simple."""
    text = "{% load x %}{{ request.user.password }} {voornaam.__class__}"
    assert merge_fields_used("{voornaam.__class__}") == ["voornaam.__class__"]
    with pytest.raises(ValidationError):
        merge_fields_check("{voornaam.__class__}")
    filled = merge_fields_fill(text, {"voornaam": "Anna"})
    assert "Anna" not in filled and "password" in filled


def test_allowed_narrows_the_fields():
    merge_fields_check("{evenement}")
    with pytest.raises(ValidationError):
        merge_fields_check("{evenement}", allowed={"voornaam"})


def test_fill_escapes_for_html_only():
    values = {"naam": "Zoë & <Co>"}
    assert merge_fields_fill("Hoi {naam} {{x}}", values) == "Hoi Zoë & <Co> {x}"
    assert merge_fields_fill("Hoi {naam}", values, html=True) == "Hoi Zoë &amp; &lt;Co&gt;"
