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

_exports: dict[str, Export] = {}


def personal_data_register(*, app_label: str, export: Export) -> None:
    """Register `app_label`'s part of a person's export (again: replaced, so ready() may run twice)."""
    _exports[app_label] = export


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
