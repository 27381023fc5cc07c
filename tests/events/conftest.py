"""Events built the way the secretariat sets them up: published, registration open, optional
workshop rounds."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from events.models import Event, Round, Session

_counter = iter(range(1, 1_000_000))


def make_event(*, rounds: int = 0, sessions_per_round: int = 2, session_capacity=None, **fields) -> Event:
    n = next(_counter)
    starts = timezone.now() + timedelta(days=14)
    values = {
        "title": f"Bijeenkomst {n}",
        "slug": f"bijeenkomst-{n}",
        "kind": Event.Kind.NETWORK,
        "status": Event.Status.PUBLISHED,
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=3),
        "venue_name": "Provinciehuis",
        "venue_address": "Zuid-Hollandplein 1, Den Haag",
        "audience": Event.Audience.OPEN,
        "summary": "Een bijeenkomst om te testen.",
    }
    values.update(fields)
    event = Event.objects.create(**values)
    for number in range(1, rounds + 1):
        round_ = Round.objects.create(
            event=event, number=number, title=f"Ronde {number}", starts_at=time(10 + number)
        )
        for index in range(1, sessions_per_round + 1):
            Session.objects.create(
                round=round_, title=f"Workshop {number}.{index}", capacity=session_capacity
            )
    return event


def sessions_of(event: Event) -> list[list[Session]]:
    """The workshops per round, in order: sessions_of(event)[0][1] is round 1, workshop 2."""
    return [list(round_.sessions.order_by("pk")) for round_ in event.rounds.order_by("number")]


@pytest.fixture
def event_factory(db):
    return make_event


def built(mail):
    """An outbox row as the worker sends it: a lazy row (a registration's mail, issue 15) gets its
    content built first (vzhg/mail/builders.py). Other rows are returned as they are."""
    from vzhg.mail.builders import mail_content_build_ids

    mail_content_build_ids(mail_ids=[mail.pk])
    mail.refresh_from_db()
    return mail
