"""Retention (issue 16: "the AVG export and retention cover contact reports where people are
named"): after CONTACTS_RETENTION_MONTHS a contact moment keeps what counts but no longer names
anyone — not in its participants, its report, its actions' owners nor any history row — and a
closed signal forgets the person it came from. Newer ones, and signals still being worked on,
stay as they are."""

import datetime

import pytest
from django.utils import timezone

from contacts.models import ContactAction, ContactMoment, Signal
from contacts.services import contacts_personal_data_purge
from contacts.tasks import contacts_retention_apply
from tests.contacts.conftest import contact, signal_from
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

BEFORE = datetime.date(2021, 1, 1)


def _moment(date, *, report="Besproken met wethouder Jansen.", people=()):
    moment = contact(date, title="Overleg GS", report=report)
    moment.our_participants.add(people[0])
    moment.their_participants.add(people[1])
    ContactAction.objects.create(contact_moment=moment, title="Brief", owner=people[0])
    moment.report = report + " Aangevuld."  # a second history row with the name
    moment.save()
    return moment


def test_an_old_contact_moment_keeps_its_counts_but_names_nobody_in_any_copy(municipality, theme):
    people = (PersonFactory(), PersonFactory())
    old = _moment(datetime.date(2020, 6, 1), people=people)
    old.theme = theme
    old.save()
    new = _moment(datetime.date(2021, 3, 1), people=people)

    assert contacts_personal_data_purge(before=BEFORE) == {"contact_moments": 1, "signals": 0}

    old.refresh_from_db()
    assert (old.report, old.title, old.theme, old.date) == (
        "",
        "Overleg GS",
        theme,
        datetime.date(2020, 6, 1),
    )
    assert not old.our_participants.exists() and not old.their_participants.exists()
    assert not old.actions.filter(owner__isnull=False).exists() and old.actions.count() == 1
    assert not ContactMoment.history.filter(id=old.pk).exclude(report="").exists()
    # The newer one is untouched, history and all.
    new.refresh_from_db()
    assert (
        "Jansen" in new.report and new.our_participants.count() == 1 and new.their_participants.count() == 1
    )
    assert ContactMoment.history.filter(id=new.pk, report__contains="Jansen").count() == 2
    assert new.actions.get().owner == people[0]
    # Nothing left to clear: a second run changes nothing.
    assert contacts_personal_data_purge(before=BEFORE) == {"contact_moments": 0, "signals": 0}


def test_a_closed_old_signal_forgets_its_sender_and_an_open_one_keeps_it(municipality):
    person = PersonFactory()
    closed = signal_from(municipality, person=person, received_on=datetime.date(2020, 2, 1), title="Afgerond")
    closed.status, closed.closed_on, closed.outcome = (
        Signal.Status.CLOSED,
        datetime.date(2020, 5, 1),
        "Ingebracht.",
    )
    closed.save()
    still_open = signal_from(
        municipality, person=person, received_on=datetime.date(2020, 3, 1), title="Loopt"
    )

    assert contacts_personal_data_purge(before=BEFORE) == {"contact_moments": 0, "signals": 1}

    closed.refresh_from_db()
    assert closed.person is None and closed.title == "Afgerond" and closed.organisation == municipality
    assert not Signal.history.filter(id=closed.pk, person_id=person.pk).exists()
    still_open.refresh_from_db()
    assert still_open.person == person


def test_the_nightly_task_uses_the_configured_months(settings, municipality):
    settings.CONTACTS_RETENTION_MONTHS = 12
    people = (PersonFactory(), PersonFactory())
    today = timezone.localdate()
    old = _moment(today - datetime.timedelta(days=400), people=people)
    recent = _moment(today - datetime.timedelta(days=300), people=people)

    assert contacts_retention_apply() == {"contact_moments": 1, "signals": 0}

    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.report == "" and "Jansen" in recent.report
    assert (
        settings.CELERY_BEAT_SCHEDULE["contacts-retention"]["task"]
        == "contacts.tasks.contacts_retention_apply"
    )
