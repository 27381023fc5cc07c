"""Writes for organisations and people, by topic:

- accounts: linking a log-in to its Person, log-ins for password and mailed code, the
  Secretariaat group (assembled from every app's declaration, vzhg.permissions);
- people: a person editing their profile, the AVG export, the retention of deleted people;
- reference_data: the "ensure" services that create missing regions, organisations and people.

Callers import from `members.services`; the modules are how the code is kept, not an interface.
"""

from .accounts import (
    account_ensure,
    name_from_email,
    organisation_for_email,
    person_link_account,
    secretariat_group_ensure,
)
from .people import (
    people_deleted_history_purge,
    person_address_confirm,
    person_export_data,
    person_update_profile,
)
from .reference_data import organisation_bulk_ensure, person_bulk_ensure, region_tree_ensure

__all__ = [
    "account_ensure",
    "name_from_email",
    "organisation_bulk_ensure",
    "organisation_for_email",
    "people_deleted_history_purge",
    "person_address_confirm",
    "person_bulk_ensure",
    "person_export_data",
    "person_link_account",
    "person_update_profile",
    "region_tree_ensure",
    "secretariat_group_ensure",
]
