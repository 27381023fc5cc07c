"""The registration services: every refusal has a clear message and loses nothing; capacity,
municipality caps, the waiting list and its promotion."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from events import services
from events.models import Event, Registration
from members.services import secretariat_group_ensure
from tests.factories import (
    MemberFactory,
    MunicipalityFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
)
from vzhg.errors import ServiceError
from vzhg.mail.models import OutgoingMail

from .conftest import built, make_event, sessions_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages in English (the msgids), so the assertions do not depend on the Dutch catalogue."""
    with translation.override("en"):
        yield


def register(event, person=None, sessions=(), remarks=""):
    person = person or MemberFactory()
    return services.registration_create(
        event=event, person=person, session_ids=[s.pk for s in sessions], remarks=remarks
    )


def refused(code, event, person=None, sessions=()):
    before = Registration.objects.count()
    with pytest.raises(ServiceError) as info:
        register(event, person, sessions)
    assert info.value.code == code
    assert str(info.value.message)
    assert Registration.objects.count() == before
    return info.value


def test_registration_is_confirmed_with_one_workshop_per_round():
    event = make_event(rounds=2)
    rounds = sessions_of(event)
    registration = register(event, sessions=[rounds[0][1], rounds[1][0]], remarks="Vegetarisch")

    assert registration.status == Registration.Status.CONFIRMED
    assert registration.confirmed_at is not None
    assert registration.remarks == "Vegetarisch"
    assert registration.organisation == registration.person.organisation
    assert sorted(c.session_id for c in registration.choices.all()) == sorted(
        [rounds[0][1].pk, rounds[1][0].pk]
    )


def test_closed_registration_is_refused():
    event = make_event(registration_closes_at=timezone.now() - timedelta(minutes=1))
    error = refused("closed", event)
    assert "closed" in str(error.message)


def test_registration_not_yet_open_is_refused():
    event = make_event(registration_opens_at=timezone.now() + timedelta(days=1))
    error = refused("not_open", event)
    assert "not open yet" in str(error.message)


def test_cancelled_event_is_refused():
    event = make_event(status=Event.Status.CANCELLED, cancelled_at=timezone.now())
    refused("cancelled", event)


def test_second_registration_is_refused():
    event = make_event()
    person = MemberFactory()
    register(event, person)
    error = refused("already_registered", event, person)
    assert "already registered" in str(error.message)


def test_a_workshop_of_another_event_is_refused():
    event = make_event(rounds=1)
    other = make_event(rounds=1)
    refused("foreign_session", event, sessions=[sessions_of(other)[0][0]])


def test_two_workshops_in_one_round_are_refused():
    event = make_event(rounds=1)
    first, second = sessions_of(event)[0]
    refused("two_in_round", event, sessions=[first, second])


def test_a_missing_round_choice_is_refused():
    event = make_event(rounds=2)
    error = refused("missing_round", event, sessions=[sessions_of(event)[0][0]])
    assert "round 2" in str(error.message)


def test_members_only_event_refuses_people_outside_member_municipalities():
    event = make_event(audience=Event.Audience.MEMBERS)
    guest = PersonFactory(organisation=OrganisationFactory(), user=UserFactory())
    former = MunicipalityFactory(member_until=timezone.localdate())
    error = refused("audience", event, guest)
    assert "members only" in str(error.message)
    refused("audience", event, PersonFactory(organisation=former))

    member = register(event, MemberFactory())
    secretariat = UserFactory(is_staff=True)
    secretariat.groups.add(secretariat_group_ensure())
    staff = register(event, PersonFactory(user=secretariat))
    assert member.status == staff.status == Registration.Status.CONFIRMED
    # Staff status alone is no right: a staff account without the group is an outsider here.
    refused(
        "audience", event, PersonFactory(organisation=OrganisationFactory(), user=UserFactory(is_staff=True))
    )


def test_a_full_event_puts_the_next_person_on_the_waiting_list():
    event = make_event(capacity=2)
    register(event)
    register(event)
    third = register(event)

    assert third.status == Registration.Status.WAITLISTED
    assert third.waitlist_reason == "event_full"
    assert Registration.objects.filter(event=event, status="confirmed").count() == 2


def test_a_full_workshop_waitlists_even_when_the_event_has_room():
    event = make_event(rounds=1, session_capacity=1)
    workshop = sessions_of(event)[0][0]
    register(event, sessions=[workshop])
    second = register(event, sessions=[workshop])
    other = register(event, sessions=[sessions_of(event)[0][1]])

    assert second.status == Registration.Status.WAITLISTED
    assert second.waitlist_reason == "session_full"
    assert other.status == Registration.Status.CONFIRMED
    waitlist_mail = OutgoingMail.objects.filter(to=second.person.email).latest("pk")
    waitlist_mail = built(waitlist_mail)  # a registration's mail is built by the worker (issue 15)
    assert "“Workshop 1.1”" in waitlist_mail.body_text  # the mail says which workshop was full
    assert waitlist_mail.attachments == []  # no calendar invitation without a place


def test_places_per_municipality_are_capped_for_event_and_workshop():
    event = make_event(places_per_municipality=1, rounds=1)
    workshop, spare = sessions_of(event)[0]
    workshop.places_per_municipality = 1
    workshop.save()
    town = MunicipalityFactory()
    first = register(event, PersonFactory(organisation=town), [workshop])
    second = register(event, PersonFactory(organisation=town), [spare])
    elsewhere = register(event, MemberFactory(), [workshop])

    assert first.status == Registration.Status.CONFIRMED
    assert (second.status, second.waitlist_reason) == (
        Registration.Status.WAITLISTED,
        "event_municipality_cap",
    )
    assert elsewhere.status == Registration.Status.CONFIRMED


def test_cancelling_promotes_the_first_waitlisted_person_whose_choice_fits():
    event = make_event(rounds=1, session_capacity=1)
    full, other = sessions_of(event)[0]
    holder = register(event, sessions=[full])
    holder_other = register(event, sessions=[other])
    waiting_other = register(event, sessions=[other])  # waits for the other workshop
    waiting_full = register(event, sessions=[full])
    assert waiting_other.status == waiting_full.status == Registration.Status.WAITLISTED
    queued_before = OutgoingMail.objects.count()

    services.registration_cancel(registration=holder)

    waiting_other.refresh_from_db()
    waiting_full.refresh_from_db()
    holder.refresh_from_db()
    assert holder.status == Registration.Status.CANCELLED
    assert waiting_full.status == Registration.Status.CONFIRMED  # its workshop had the free place
    assert (
        waiting_other.status == Registration.Status.WAITLISTED
    )  # first in line, but no room in its workshop
    subjects = {m.to: m.subject for m in OutgoingMail.objects.order_by("pk")[queued_before:]}
    assert set(subjects) == {holder.person.email, waiting_full.person.email}
    assert subjects[waiting_full.person.email].endswith(event.title)
    assert subjects[waiting_full.person.email] != subjects[holder.person.email]
    assert holder_other.status == Registration.Status.CONFIRMED


def test_a_cancelled_registration_cannot_be_cancelled_twice_and_may_register_again():
    event = make_event(capacity=1)
    person = MemberFactory()
    registration = register(event, person)
    services.registration_cancel(registration=registration)
    with pytest.raises(ServiceError) as info:
        services.registration_cancel(registration=registration)
    assert info.value.code == "already_cancelled"

    again = register(event, person)
    assert again.pk == registration.pk
    assert again.status == Registration.Status.CONFIRMED


def test_changing_workshops_keeps_the_place_and_refuses_a_full_workshop():
    event = make_event(rounds=1, session_capacity=1)
    first, second = sessions_of(event)[0]
    mine = register(event, sessions=[first])
    register(event, sessions=[second])

    with pytest.raises(ServiceError) as info:
        services.registration_change(registration=mine, session_ids=[second.pk])
    assert info.value.code == "session_full"
    assert [c.session_id for c in mine.choices.all()] == [first.pk]


def test_changing_frees_the_old_workshop_for_the_waiting_list():
    event = make_event(rounds=1, session_capacity=1)
    first, second = sessions_of(event)[0]
    mine = register(event, sessions=[first])
    waiting = register(event, sessions=[first])
    assert waiting.status == Registration.Status.WAITLISTED

    services.registration_change(registration=mine, session_ids=[second.pk], remarks="Rolstoel")

    waiting.refresh_from_db()
    mine.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    assert [c.session_id for c in mine.choices.all()] == [second.pk]
    assert mine.remarks == "Rolstoel"
