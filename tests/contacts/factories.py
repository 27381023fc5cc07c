"""Rows for other test modules (tests/test_permissions.py needs one of every admin model)."""

import datetime

from contacts.models import ContactAction, ContactMoment, Signal
from tests.factories import MunicipalityFactory


def contacts_one_of_each() -> None:
    moment = ContactMoment.objects.create(
        date=datetime.date(2025, 2, 10), counterpart=ContactMoment.Counterpart.GS
    )
    ContactAction.objects.create(contact_moment=moment, title="Brief sturen")
    Signal.objects.create(
        title="Signaal", text="…", organisation=MunicipalityFactory(), received_on=datetime.date(2025, 3, 1)
    )
