"""Group permissions, declared by each app for its own models.

Each app names what the Secretariaat group may do with its models in `<app>/permissions.py`
and registers it from its AppConfig.ready(); members.services.secretariat_group_ensure
assembles the group from everything registered. So no app lists another app's models, and
the lowest layer never imports the apps that build on it.

A declaration maps a model ("app_label.ModelName") to the actions granted on it: "add",
"change", "delete", "view" or a custom permission's action ("resend" for
`resend_outgoingmail`), or ALL for every permission the model has, its own included.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

ALL = frozenset({"*"})
VIEW = frozenset({"view"})
VIEW_CHANGE = frozenset({"view", "change"})

_secretariat: dict[str, dict[str, frozenset[str]]] = {}


def secretariat_permissions_register(*, app_label: str, grants: Mapping[str, Collection[str]]) -> None:
    """Register what the Secretariaat group may do with `app_label`'s models (replaces an
    earlier registration of the same app, so ready() may run twice)."""
    _secretariat[app_label] = {model: frozenset(actions) for model, actions in grants.items()}


def secretariat_permissions() -> dict[str, frozenset[str]]:
    """Every registered grant: model label -> actions, over all apps."""
    merged: dict[str, frozenset[str]] = {}
    for grants in _secretariat.values():
        for model, actions in grants.items():
            merged[model] = merged.get(model, frozenset()) | actions
    return merged
