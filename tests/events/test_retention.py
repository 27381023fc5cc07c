"""Privacy: registrations are anonymised EVENTS_RETENTION_MONTHS after their event; the counts per
municipality survive for the annual report."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from events import staff, tasks
from events.models import Registration
from members import services as member_services
from members.models import Person
from tests.events.staff_factories import EventFactory, RegistrationFactory, SessionChoiceFactory, nl
from tests.factories import MemberFactory, MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db


def _event_ended(months_ago: int, days: int = 0):
    ends = timezone.now() - datetime.timedelta(days=months_ago * 31 + days)
    return EventFactory(starts_at=ends - datetime.timedelta(hours=3), ends_at=ends)


def test_old_registrations_lose_the_person_and_remarks_but_keep_the_organisation(settings):
    settings.EVENTS_RETENTION_MONTHS = 24
    delft = MunicipalityFactory(name="Delft")
    old = _event_ended(25)
    recent = _event_ended(23)
    gone = RegistrationFactory(
        event=old, person=MemberFactory(organisation=delft), remarks="glutenvrij", attended=True
    )
    choice = SessionChoiceFactory(registration__event=old, session__round__event=old)
    kept = RegistrationFactory(event=recent, remarks="rolstoel")

    assert tasks.events_registrations_anonymise.delay().get() == 2

    gone.refresh_from_db()
    assert gone.person is None and gone.remarks == "" and gone.anonymised_at is not None
    assert gone.organisation == delft and gone.attended
    assert Person.objects.filter(pk=gone.person_id or 0).count() == 0
    choice.refresh_from_db()  # the workshop choice stays (it names no one): workshop counts survive
    assert choice.registration.person is None
    kept.refresh_from_db()
    assert kept.person is not None and kept.remarks == "rolstoel" and kept.anonymised_at is None
    # Running again changes nothing.
    assert staff.registrations_anonymise() == 0


def test_the_period_is_a_setting(settings):
    settings.EVENTS_RETENTION_MONTHS = 6
    registration = RegistrationFactory(event=_event_ended(7))
    assert staff.registrations_anonymise() == 1
    registration.refresh_from_db()
    assert registration.person is None


def test_counts_per_municipality_survive_anonymisation(client):
    user = UserFactory(is_staff=True)
    user.groups.add(member_services.secretariat_group_ensure())
    client.force_login(user)
    event = _event_ended(30)
    gouda = MunicipalityFactory(name="Gouda")
    for _ in range(3):
        RegistrationFactory(event=event, person=MemberFactory(organisation=gouda))
    url = reverse("admin:events_event_municipalities", args=[event.pk])
    before = [(r.organisation.name, r.confirmed) for r in client.get(url).context["rows"]]

    staff.registrations_anonymise()

    after = client.get(url)
    assert [(r.organisation.name, r.confirmed) for r in after.context["rows"]] == before == [("Gouda", 3)]
    assert not Registration.objects.filter(person__isnull=False).exists()
    # The registration list and its export still open, showing the anonymised rows.
    listing = client.get(reverse("admin:events_registration_changelist"), {"event__id__exact": event.pk})
    assert listing.status_code == 200 and nl("(anonymised)") in listing.content.decode()
