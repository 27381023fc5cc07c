"""Contact moments count in planned vs realised ("plus 5 keer per jaar" as a counted fact) and in
the annual report, with the signals of the year."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from contacts import selectors, services
from contacts.models import ContactMoment, Signal
from governance.reports import annual
from governance.reports import selectors as report_selectors
from tests.contacts.conftest import contact, plan_activity, signal_from

pytestmark = pytest.mark.django_db

YEAR = 2025
NOW = datetime.datetime(YEAR, 7, 1, 12, 0, tzinfo=timezone.get_default_timezone())


def line_of(activity):
    lines = report_selectors.activity_lines(workplan=activity.workplan, now=NOW)
    return next(line for line in lines if line.activity.pk == activity.pk)


def test_linking_a_contact_moment_moves_the_planned_vs_realised_count():
    activity = plan_activity(YEAR)
    before = line_of(activity)
    assert (before.realised, before.upcoming, before.behind) == (0, 0, True)

    contact(datetime.date(YEAR, 2, 10)).activities.add(activity)  # GS, held
    contact(datetime.date(YEAR, 3, 5), ContactMoment.Counterpart.CDK).activities.add(activity)
    contact(datetime.date(YEAR, 10, 1), ContactMoment.Counterpart.CDK).activities.add(activity)  # ahead

    after = line_of(activity)
    assert (after.realised, after.upcoming) == (2, 1)


def test_contact_moments_outside_the_plan_year_or_unlinked_do_not_count():
    activity = plan_activity(YEAR)
    contact(datetime.date(YEAR - 1, 12, 20)).activities.add(activity)
    contact(datetime.date(YEAR, 2, 10))  # not linked

    assert line_of(activity).realised == 0


def test_year_summary_counts_contacts_per_counterpart_and_signals_per_theme(municipality, theme, seat):
    contact(datetime.date(YEAR, 2, 10))
    contact(datetime.date(YEAR, 3, 1), ContactMoment.Counterpart.CDK)
    contact(datetime.date(YEAR, 9, 1), ContactMoment.Counterpart.CDK)
    contact(datetime.date(YEAR + 1, 1, 5), ContactMoment.Counterpart.CDK)  # next year
    received = signal_from(municipality, theme=theme, received_on=datetime.date(YEAR, 3, 1))
    forwarded = signal_from(municipality, theme=theme, received_on=datetime.date(YEAR, 4, 1))
    closed = signal_from(municipality, received_on=datetime.date(YEAR, 5, 1))
    signal_from(municipality, theme=theme, received_on=datetime.date(YEAR - 1, 5, 1))  # last year, untouched
    services.signal_forward(
        signal=forwarded,
        forwarded_to=Signal.ForwardedTo.COMMISSION_MEMBER,
        seat=seat,
        on=datetime.date(YEAR, 4, 2),
    )
    services.signal_forward(signal=closed, forwarded_to=Signal.ForwardedTo.PZH, on=datetime.date(YEAR, 5, 2))
    services.signal_close(signal=closed, outcome="Opgepakt", on=datetime.date(YEAR, 6, 1))
    assert received.status == Signal.Status.RECEIVED

    summary = selectors.year_summary(year=YEAR, no_theme_label="(geen thema)")

    assert summary.contacts == [
        ("King's Commissioner (CdK)", 2),
        ("Provincial executive (Gedeputeerde Staten)", 1),
    ]
    assert summary.contact_total == 3
    rows = {row.theme: (row.received, row.forwarded, row.closed) for row in summary.signals}
    assert rows == {"(geen thema)": (1, 1, 1), "Ruimte": (2, 1, 0)}
    totals = summary.signal_totals
    assert (totals.received, totals.forwarded, totals.closed) == (3, 2, 1)


def test_year_summary_is_two_queries(django_assert_num_queries, municipality, theme):
    for day in range(1, 6):
        contact(datetime.date(YEAR, 1, day))
        signal_from(municipality, theme=theme, received_on=datetime.date(YEAR, 1, day))

    with django_assert_num_queries(2):
        selectors.year_summary(year=YEAR)


def test_the_annual_report_shows_contacts_and_signals(municipality, theme):
    contact(datetime.date(YEAR, 2, 10))
    contact(datetime.date(YEAR, 3, 1), ContactMoment.Counterpart.VNG_CHAIRS)
    signal_from(municipality, theme=theme, received_on=datetime.date(YEAR, 3, 1))

    data = annual.annual_report_data(year=YEAR, now=NOW)
    html = render_to_string("reports/_annual_report_body.html", {"data": data})

    assert data.contacts.contact_total == 2
    assert 'id="contacts"' in html
    assert "2 consultations were held" in html
    assert "VNG chairs&#x27; meeting (voorzittersoverleg): 1" in html
    assert "1 signals received, 0 forwarded, 0 closed." in html
    assert '<th scope="row" lang="nl">Ruimte</th>' in html


def test_an_empty_year_says_so():
    html = render_to_string(
        "reports/_annual_report_body.html", {"data": annual.annual_report_data(year=YEAR, now=NOW)}
    )

    assert "No consultations were recorded this year." in html
    assert "No signals were recorded this year." in html
