"""The signals list and a signal's page: never public, the board reads, the secretariat handles
(tests/test_permissions.py sends contacts:signals and contacts:signal here). Query counts pinned."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.models import Signal
from tests.contacts.conftest import signal_from

pytestmark = pytest.mark.django_db


def urls(signal):
    return [reverse("contacts:signals"), reverse("contacts:signal", kwargs={"pk": signal.pk})]


def test_anonymous_visitors_are_sent_to_log_in(client, signal):
    for url in urls(signal):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/account/login/")


@pytest.mark.parametrize("visitor", ["member", "staff_without_rights"])
def test_members_and_staff_status_alone_see_nothing(request, client, signal, visitor):
    request.getfixturevalue(visitor)
    signals, detail = urls(signal)

    assert client.get(signals).status_code == 403
    assert client.get(detail).status_code == 404
    assert client.post(detail, {"action": "close", "close-outcome": "x"}).status_code == 404
    signal.refresh_from_db()
    assert signal.status == Signal.Status.RECEIVED


def test_the_board_reads_signals_but_does_not_handle_them(client, board_member, signal):
    signals, detail = urls(signal)

    assert signal.title in client.get(signals).content.decode()
    page = client.get(detail)
    assert page.status_code == 200
    assert b'class="signal-forward"' not in page.content
    response = client.post(detail, {"action": "close", "close-outcome": "Opgelost", "close-on": "2025-04-01"})
    assert response.status_code == 403
    signal.refresh_from_db()
    assert signal.status == Signal.Status.RECEIVED


def test_the_secretariat_forwards_and_closes_a_signal(client, secretariat, signal, seat):
    detail = reverse("contacts:signal", kwargs={"pk": signal.pk})
    page = client.get(detail)
    assert b'class="signal-forward"' in page.content

    response = client.post(
        detail,
        {
            "action": "forward",
            "forward-forwarded_to": "commissielid",
            "forward-seat": seat.pk,
            "forward-on": "2025-03-10",
        },
        follow=True,
    )

    assert "The signal is recorded as forwarded." in response.content.decode()
    signal.refresh_from_db()
    assert (signal.status, signal.forwarded_to_seat, signal.forwarded_on) == (
        Signal.Status.FORWARDED,
        seat,
        datetime.date(2025, 3, 10),
    )

    response = client.post(
        detail,
        {"action": "close", "close-outcome": "Ingebracht in de commissie.", "close-on": "2025-04-01"},
        follow=True,
    )

    assert "The signal is closed." in response.content.decode()
    signal.refresh_from_db()
    assert signal.status == Signal.Status.CLOSED
    assert signal.history.latest("history_date").history_user == secretariat
    assert b'class="signal-forward"' not in response.content


def test_a_refusal_is_shown_not_raised(client, secretariat, signal):
    detail = reverse("contacts:signal", kwargs={"pk": signal.pk})

    response = client.post(
        detail, {"action": "forward", "forward-forwarded_to": "commissielid", "forward-on": "2025-03-10"}
    )

    assert response.status_code == 200
    assert "Choose the VNG commission member the signal went to." in response.content.decode()


def test_unknown_signal_is_404(client, secretariat):
    assert client.get(reverse("contacts:signal", kwargs={"pk": 999999})).status_code == 404


def test_the_list_filters_by_theme_status_and_year(client, secretariat, municipality, theme):
    signal_from(municipality, theme=theme, title="Wonen in 2025")
    signal_from(municipality, title="Zonder thema")
    signal_from(municipality, theme=theme, title="Oud signaal", received_on=datetime.date(2023, 1, 1))
    url = reverse("contacts:signals")

    content = client.get(url, {"theme": theme.pk, "status": "ontvangen", "year": 2025}).content.decode()

    assert "Wonen in 2025" in content
    assert "Zonder thema" not in content and "Oud signaal" not in content


# The list: session, user, permission checks (group permissions), the themes for the filter and
# the signals with their relations: a fixed number whatever the number of signals.
SIGNAL_LIST_QUERIES = 6


@pytest.mark.parametrize("rows", [5, 50])
def test_the_list_query_count_does_not_grow(
    client, secretariat, municipality, theme, seat, django_assert_num_queries, rows
):
    for number in range(rows):
        signal = signal_from(municipality, theme=theme, title=f"Signaal {number}")
        if number % 2:
            Signal.objects.filter(pk=signal.pk).update(
                status=Signal.Status.FORWARDED,
                forwarded_to=Signal.ForwardedTo.COMMISSION_MEMBER,
                forwarded_to_seat=seat,
                forwarded_on=datetime.date(2025, 3, 4),
            )

    with django_assert_num_queries(SIGNAL_LIST_QUERIES):
        response = client.get(reverse("contacts:signals"))

    assert response.content.decode().count("Signaal ") == rows


# A signal's page for the secretariat: session, user, permissions, the signal, the commission
# seats for the forward form, its history.
SIGNAL_PAGE_QUERIES = 7


def test_the_signal_page_query_count(client, secretariat, signal, seat, django_assert_num_queries):
    with django_assert_num_queries(SIGNAL_PAGE_QUERIES):
        response = client.get(reverse("contacts:signal", kwargs={"pk": signal.pk}))

    assert response.status_code == 200


def test_the_date_fields_are_iso_for_the_browser_date_picker(client, secretariat, signal):
    content = client.get(reverse("contacts:signal", kwargs={"pk": signal.pk})).content.decode()

    today = timezone.localdate().isoformat()
    assert f'type="date" name="forward-on" value="{today}"' in content
    assert f'type="date" name="close-on" value="{today}"' in content
