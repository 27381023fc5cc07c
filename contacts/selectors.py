"""Reads of the contacts app, with their relations loaded (a fixed number of queries)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from governance.models import Theme

from .models import ContactMoment, Signal


def signals_list(*, theme: int | None = None, status: str = "", year: int | None = None) -> QuerySet[Signal]:
    """The signals for the board's and secretariat's list, filtered by theme, status and year."""
    rows = Signal.objects.select_related(
        "theme",
        "organisation",
        "person",
        "meeting",
        "forwarded_to_seat__person",
        "forwarded_to_seat__commission",
    )
    if theme:
        rows = rows.filter(theme_id=theme)
    if status:
        rows = rows.filter(status=status)
    if year:
        rows = rows.filter(received_on__year=year)
    return rows.order_by("theme__name", "status", "-received_on", "-pk")


def signal_detail(*, pk: int) -> Signal:
    return signals_list().get(pk=pk)


def signal_themes() -> list[Theme]:
    """The themes any signal has, for the list's filter."""
    return list(Theme.objects.filter(signals__isnull=False).distinct().order_by("name"))


@dataclass
class SignalThemeRow:
    theme: str
    received: int = 0
    forwarded: int = 0
    closed: int = 0


@dataclass
class YearSummary:
    """What was gathered and carried in ("wat hebben we opgehaald en ingebracht") in a year."""

    contacts: list[tuple[str, int]] = field(default_factory=list)
    signals: list[SignalThemeRow] = field(default_factory=list)

    @property
    def contact_total(self) -> int:
        return sum(count for _, count in self.contacts)

    @property
    def signal_totals(self) -> SignalThemeRow:
        return SignalThemeRow(
            theme="",
            received=sum(row.received for row in self.signals),
            forwarded=sum(row.forwarded for row in self.signals),
            closed=sum(row.closed for row in self.signals),
        )


def year_summary(*, year: int, no_theme_label: str = "") -> YearSummary:
    """Contact moments of the year per counterpart, and signals received in the year per theme:
    received, forwarded (forwarded in the year, closed ones included) and closed. Two queries."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    labels = dict(ContactMoment.Counterpart.choices)
    order = list(labels)
    moments = (
        ContactMoment.objects.filter(date__gte=first, date__lte=last)
        .values("counterpart")
        .annotate(n=Count("pk"))
        .order_by()
    )
    contacts = sorted(
        ((row["counterpart"], row["n"]) for row in moments), key=lambda item: order.index(item[0])
    )
    in_year = Q(received_on__gte=first, received_on__lte=last)
    forwarded_in_year = Q(forwarded_on__gte=first, forwarded_on__lte=last)
    closed_in_year = Q(status=Signal.Status.CLOSED, closed_on__gte=first, closed_on__lte=last)
    counts = (
        Signal.objects.filter(in_year | forwarded_in_year | closed_in_year)
        .values("theme__name")
        .annotate(
            received=Count("pk", filter=in_year),
            forwarded=Count("pk", filter=forwarded_in_year),
            closed=Count("pk", filter=closed_in_year),
        )
        .order_by("theme__name")
    )
    signals = [
        SignalThemeRow(
            theme=row["theme__name"] or no_theme_label,
            received=row["received"],
            forwarded=row["forwarded"],
            closed=row["closed"],
        )
        for row in counts
    ]
    return YearSummary(contacts=[(str(labels[key]), n) for key, n in contacts], signals=signals)
