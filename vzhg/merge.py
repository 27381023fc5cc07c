"""Merge fields in texts the secretariat writes ("{aanhef}", "{voornaam}"), and the salutation.

The syntax is deliberately tiny: a field is a name of lower-case letters and hyphens between
braces; `{{` and `}}` write a literal brace. Nothing else is interpreted, so no template
language (Django's or any other) is reachable from the admin. A text is checked when it is
saved (`merge_fields_check`): an unknown field is refused there with the names that are known,
never silently left empty in a mail. Filling (`merge_fields_fill`) replaces every field with its
value, escaped for HTML when the text is HTML.

The salutation (`person_salutation`) reads only plain attributes of a person (first_name,
tussenvoegsel, last_name, salutation, function), so any app can use it.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

from django.core.exceptions import ValidationError
from django.utils.html import escape
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

FIELD = re.compile(r"\{\{|\}\}|\{([^{}\s]{0,40})\}")
NAME = re.compile(r"^[a-z]+(-[a-z]+)*$")

# Every field a text may use, and what it is (shown in the admin's help text).
MERGE_FIELDS = {
    "aanhef": _("the salutation: 'Geachte heer Jansen' (formal) or 'Beste Anna'"),
    "voornaam": _("the recipient's first name"),
    "achternaam": _("the recipient's last name with tussenvoegsel ('de Vries')"),
    "naam": _("the recipient's full name"),
    "gemeente": _("the recipient's municipality or organisation"),
    "functie": _("the recipient's job title or function"),
    "evenement": _("the event's title (messages about an event)"),
    "datum": _("the event's or meeting's date (messages about an event or meeting)"),
    "mijn-aanmelding": _("the link to the recipient's registrations (messages about an event)"),
    "vergadering": _("the meeting's title (messages about a meeting)"),
}

# Functions written to formally by default ("Geachte ..."): bestuurders and their office-holders.
FORMAL_FUNCTIONS = frozenset(
    {"burgemeester", "wethouder", "raadslid", "griffier", "gemeentesecretaris", "gedeputeerde", "directeur"}
)


def merge_fields_used(text: str) -> list[str]:
    """The field names in `text`, in order, each once (literal `{{`/`}}` are not fields)."""
    names: list[str] = []
    for match in FIELD.finditer(text or ""):
        name = match.group(1)
        if name is not None and name not in names:
            names.append(name)
    return names


def merge_fields_check(text: str, *, allowed: Collection[str] | None = None) -> None:
    """Raise ValidationError naming every unknown field in `text`, and the known ones.
    `allowed` narrows the known fields (e.g. no {evenement} in a message not about an event)."""
    known = list(MERGE_FIELDS) if allowed is None else [name for name in MERGE_FIELDS if name in allowed]
    unknown = [name for name in merge_fields_used(text) if name not in known]
    if unknown:
        raise ValidationError(
            _("Unknown merge field %(fields)s. You can use: %(known)s. Write {{ and }} for a literal brace."),
            code="unknown_merge_field",
            params={
                "fields": ", ".join(f"{{{name}}}" for name in unknown),
                "known": ", ".join(f"{{{name}}}" for name in known),
            },
        )


def merge_texts_check(texts: Mapping[str, str], *, allowed: Collection[str] | None = None) -> None:
    """`merge_fields_check` for several texts of one form (e.g. subject and body): raise one
    ValidationError with the problem of each text under its field name."""
    errors = {}
    for field, text in texts.items():
        try:
            merge_fields_check(text, allowed=allowed)
        except ValidationError as error:
            errors[field] = error
    if errors:
        raise ValidationError(errors)


def merge_fields_fill(text: str, values: Mapping[str, str], *, html: bool = False) -> str:
    """`text` with every field replaced by its value (escaped when `html`); a field without a
    value becomes empty (checked texts have none)."""

    def replace(match: re.Match) -> str:
        token = match.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        value = str(values.get(match.group(1), ""))
        return str(escape(value)) if html else value

    return FIELD.sub(replace, text or "")


def _family_name(person) -> str:
    """'de Vries' → 'De Vries' when it starts the name (Dutch spelling of a tussenvoegsel)."""
    tussenvoegsel = (person.tussenvoegsel or "").strip()
    if not tussenvoegsel:
        return person.last_name
    return f"{tussenvoegsel[0].upper()}{tussenvoegsel[1:]} {person.last_name}"


def person_family_name(person) -> str:
    """The last name with its tussenvoegsel in lower case, as in a sentence: 'de Vries'."""
    return " ".join(part for part in ((person.tussenvoegsel or "").strip(), person.last_name) if part)


def person_is_formal(person) -> bool:
    """Formal by default for the office-holders of FORMAL_FUNCTIONS."""
    return getattr(person, "function", "") in FORMAL_FUNCTIONS


def person_salutation(person, *, formal: bool | None = None) -> str:
    """'Geachte heer Jansen', 'Geachte mevrouw De Vries', 'Geachte Anna de Vries' (no salutation
    known) or, informal, 'Beste Anna'. `formal=None` decides by the person's function."""
    if formal is None:
        formal = person_is_formal(person)
    if not formal:
        return pgettext("informal salutation", "Dear %(first_name)s") % {"first_name": person.first_name}
    salutation = getattr(person, "salutation", "")
    if salutation == "heer":
        return gettext("Dear Mr %(family_name)s") % {"family_name": _family_name(person)}
    if salutation == "mevrouw":
        return gettext("Dear Ms %(family_name)s") % {"family_name": _family_name(person)}
    full_name = " ".join(part for part in (person.first_name, person_family_name(person)) if part)
    return pgettext("formal salutation", "Dear %(full_name)s") % {"full_name": full_name}


def merge_values_person(person, *, formal: bool | None = None) -> dict[str, str]:
    """The fields about the recipient."""
    organisation = getattr(person, "organisation", None)
    function_label = person.get_function_display() if getattr(person, "function", "") else ""
    return {
        "aanhef": person_salutation(person, formal=formal),
        "voornaam": person.first_name,
        "achternaam": person_family_name(person),
        "naam": " ".join(part for part in (person.first_name, person_family_name(person)) if part),
        "gemeente": organisation.name if organisation is not None else "",
        "functie": getattr(person, "job_title", "") or function_label,
    }
