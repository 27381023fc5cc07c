"""Forwarding and closing a signal: the rules, and who did it in its history."""

import datetime

import pytest

from contacts import services
from contacts.models import Signal
from tests.factories import UserFactory
from vzhg.errors import ServiceError

pytestmark = pytest.mark.django_db

ON = datetime.date(2025, 3, 10)


def test_forward_to_a_commission_member_and_close_are_recorded_with_who_and_why(signal, seat):
    user = UserFactory(is_staff=True)

    forwarded = services.signal_forward(
        signal=signal, forwarded_to=Signal.ForwardedTo.COMMISSION_MEMBER, seat=seat, on=ON, actor=user
    )

    assert forwarded.status == Signal.Status.FORWARDED
    assert forwarded.forwarded_on == ON
    assert forwarded.forwarded_to_label == "Maarten Burggraaf — Ruimte, Wonen en Mobiliteit"
    latest = signal.history.latest("history_date")
    assert latest.history_user == user
    assert latest.history_change_reason == "Forwarded to Maarten Burggraaf — Ruimte, Wonen en Mobiliteit"

    closed = services.signal_close(
        signal=signal, outcome="Ingebracht in de commissie van 12 maart.", on=ON, actor=user
    )

    assert closed.status == Signal.Status.CLOSED
    assert closed.closed_on == ON
    assert closed.forwarded_to_seat == seat  # where it went stays on record
    latest = signal.history.latest("history_date")
    assert (latest.history_user, latest.history_change_reason, latest.status) == (user, "Closed", "afgerond")


def test_forward_to_other_keeps_the_note_and_drops_a_seat(signal, seat):
    row = services.signal_forward(
        signal=signal, forwarded_to=Signal.ForwardedTo.OTHER, seat=seat, note=" Tweede Kamer ", on=ON
    )

    assert (row.forwarded_to_seat, row.forwarded_to_label) == (None, "Tweede Kamer")


@pytest.mark.parametrize(
    ("forwarded_to", "note", "code"),
    [
        ("nobody", "", "forwarded_to"),
        (Signal.ForwardedTo.COMMISSION_MEMBER, "", "seat"),
        (Signal.ForwardedTo.OTHER, "  ", "note"),
    ],
)
def test_forward_refuses_an_unclear_addressee(signal, forwarded_to, note, code):
    with pytest.raises(ServiceError) as refused:
        services.signal_forward(signal=signal, forwarded_to=forwarded_to, note=note, on=ON)

    assert refused.value.code == code
    signal.refresh_from_db()
    assert signal.status == Signal.Status.RECEIVED


def test_a_closed_signal_is_neither_forwarded_nor_closed_again(signal):
    services.signal_close(signal=signal, outcome="Opgelost door de provincie.", on=ON)

    with pytest.raises(ServiceError, match="already closed"):
        services.signal_forward(signal=signal, forwarded_to=Signal.ForwardedTo.VNG, on=ON)
    with pytest.raises(ServiceError, match="already closed"):
        services.signal_close(signal=signal, outcome="Nog eens", on=ON)


def test_close_needs_an_outcome_and_dates_follow_receipt(signal):
    with pytest.raises(ServiceError, match="came of the signal"):
        services.signal_close(signal=signal, outcome=" ", on=ON)
    with pytest.raises(ServiceError, match="before it was received"):
        services.signal_forward(
            signal=signal,
            forwarded_to=Signal.ForwardedTo.PZH,
            on=signal.received_on - datetime.timedelta(days=1),
        )
    with pytest.raises(ServiceError, match="before it was received"):
        services.signal_close(signal=signal, outcome="x", on=signal.received_on - datetime.timedelta(days=1))


def test_a_signal_may_be_closed_without_being_forwarded(signal):
    row = services.signal_close(signal=signal, outcome="Direct beantwoord door het secretariaat.", on=ON)

    assert (row.status, row.forwarded_to, row.forwarded_on) == (Signal.Status.CLOSED, "", None)
