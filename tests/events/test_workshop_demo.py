"""The demo: the najaarscongres collects ranked choices for the allocation after closing (and the
allocation places every registrant); the ALV ranks its optional werkbezoeken in direct mode."""

import io

import pytest
from django.core.management import call_command

from events import workshops
from events.models import Event, Registration, SessionChoice, WorkshopChoice
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_demo_congresses_rank_their_workshops(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("demo_data", stdout=io.StringIO())

    congress = Event.objects.get(slug="najaarscongres-een-weerbaar-zuid-holland")
    assert (congress.workshop_ranks, congress.workshop_allocation) == (3, "after_closing")
    registrations = Registration.objects.filter(event=congress, status=Registration.Status.CONFIRMED)
    assert registrations.count() == 70
    assert WorkshopChoice.objects.filter(registration__event=congress).count() == 70 * 2 * 3
    assert not SessionChoice.objects.filter(registration__event=congress).exists()  # not allocated yet
    firsts = WorkshopChoice.objects.filter(registration__event=congress, rank=1, round__number=1)
    popular = firsts.filter(session__title="Het lokale netwerk als vangnet").count()
    assert popular > firsts.filter(session__title="Ondermijning en de raad").count()

    actor = UserFactory(is_staff=True)
    run = workshops.workshop_allocation_run(event=congress, actor=actor, seed=7)
    assert workshops.workshop_allocation_apply(run=run, actor=actor) == 70 * 2  # everyone, both rounds

    alv = Event.objects.get(slug="alv-en-voorjaarscongres")
    assert (alv.workshop_ranks, alv.workshop_allocation) == (2, "direct")
    (visits,) = alv.rounds.all()
    assert visits.optional and visits.sessions.count() == 3
