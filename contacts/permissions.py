"""What the Secretariaat group may do with the contacts models (see vzhg.permissions)."""

from vzhg.permissions import ALL

SECRETARIAT = {
    "contacts.ContactMoment": ALL,
    "contacts.ContactAction": ALL,
    "contacts.Signal": ALL,
}
