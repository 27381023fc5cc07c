"""The AVG export names the contact moments, actions and signals a person is named in; a deleted
person is forgotten in the signals' history."""

import datetime

import pytest

from contacts.models import ContactAction, Signal
from members.services import person_export_data
from tests.contacts.conftest import contact, signal_from
from tests.factories import PersonFactory
from vzhg.personal_data import personal_data_forget

pytestmark = pytest.mark.django_db


def test_export_lists_contact_moments_actions_and_signals_of_the_person(municipality):
    person = PersonFactory(organisation=municipality)
    other = PersonFactory()
    ours = contact(datetime.date(2025, 2, 10), title="Overleg GS", report="Woningbouw besproken.")
    ours.their_participants.add(person)
    ours.our_participants.add(other)
    contact(datetime.date(2025, 3, 1), title="Zonder hem").our_participants.add(other)
    ContactAction.objects.create(contact_moment=ours, title="Brief sturen", owner=person)
    signal_from(municipality, person=person, title="Zijn signaal")
    signal_from(municipality, title="Ander signaal")

    data = person_export_data(person=person)

    assert [row["title"] for row in data["contact_moments"]] == ["Overleg GS"]
    assert data["contact_moments"][0]["report"] == "Woningbouw besproken."
    assert [row["action"] for row in data["contact_actions"]] == ["Brief sturen"]
    assert [row["title"] for row in data["signals"]] == ["Zijn signaal"]


def test_a_deleted_person_is_forgotten_in_the_signals_history(municipality):
    person = PersonFactory()
    signal = signal_from(municipality, person=person)
    assert signal.history.filter(person_id=person.pk).exists()

    personal_data_forget(person_ids=[person.pk])

    assert not Signal.history.filter(person_id=person.pk).exists()
