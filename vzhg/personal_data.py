"""The AVG right of access: which app holds what on a person.

members builds the export of a person (members.services.person_export_data) and knows only its
own data and the outbox's; every app above it registers its own part from its AppConfig.ready()
(`<app>/personal_data.py`), so the lowest layer never imports the apps that build on it. The
parts are added in the order the apps register, which is the order of INSTALLED_APPS.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# export(person=..., addresses=...) -> {section name: data}; `addresses` are the person's own
# (verified) e-mail addresses in lower case, for data kept by address rather than by person.
Export = Callable[..., dict[str, Any]]

# forget(person_ids=...) -> rows changed: the people were deleted long enough ago for their
# history to go (members.services.people_deleted_history_purge); an app blanks them in the
# history rows of its own models that still point at them.
Forget = Callable[..., int]

_exports: dict[str, Export] = {}
_forgets: dict[str, Forget] = {}


def personal_data_register(*, app_label: str, export: Export, forget: Forget | None = None) -> None:
    """Register `app_label`'s part of a person's export and, if it keeps history rows that name
    people, how it forgets deleted people in them (again: replaced, so ready() may run twice)."""
    _exports[app_label] = export
    if forget is not None:
        _forgets[app_label] = forget


def personal_data_forget(*, person_ids: list[int]) -> int:
    """Every registered app forgets the deleted people `person_ids` in its history rows."""
    return sum(forget(person_ids=person_ids) for forget in _forgets.values())


def personal_data_sections(*, person, addresses: set[str]) -> dict[str, Any]:
    """Every registered app's part of the export of `person`, in registration order."""
    sections: dict[str, Any] = {}
    for app_label, export in _exports.items():
        part = export(person=person, addresses=addresses)
        clash = sections.keys() & part.keys()
        if clash:
            raise RuntimeError(f"{app_label} exports sections another app already exports: {sorted(clash)}")
        sections.update(part)
    return sections
