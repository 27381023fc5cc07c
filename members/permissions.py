"""What the Secretariaat group may do with the members models (see vzhg.permissions)."""

from vzhg.permissions import ALL, VIEW

SECRETARIAT = {
    "members.Region": ALL,
    "members.Organisation": ALL,
    "members.EmailDomain": ALL,
    "members.Person": ALL,
    # Viewing accounts only: the account admin grants superuser status and groups, so whoever
    # may change accounts could give themselves every right.
    "members.User": VIEW,
    "members.HistoricalOrganisation": VIEW,
    "members.HistoricalPerson": VIEW,
}
