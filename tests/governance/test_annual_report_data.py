"""The annual report's figures: ledenbinding per member municipality, the board and the changes
in the year, meetings, events, newsletters, membership, and publishing a PDF version."""

import datetime

import pytest
from django.utils import timezone

from events.models import Event, Registration
from governance.models import (
    AnnualReport,
    AnnualReportSection,
    Mandate,
    Meeting,
    ReportVersion,
)
from governance.reports import annual as report_annual
from governance.reports import selectors as report_selectors
from governance.reports import services as report_services
from newsletters.models import Delivery, Newsletter, Subscription
from tests.events.staff_factories import RegistrationFactory
from tests.factories import (
    MemberFactory,
    MunicipalityFactory,
    OrganisationFactory,
    PersonFactory,
)
from vzhg.errors import ServiceError

from .conftest import seat
from .report_counts import NOW, YEAR, activity, at, event_at, meeting_at

pytestmark = pytest.mark.django_db

# --- Ledenbinding (engagement) ----------------------------------------------------------------


def registration(event, organisation, *, person=True, attended=True, status=Registration.Status.CONFIRMED):
    who = MemberFactory(organisation=organisation) if person else None
    return RegistrationFactory(
        event=event, person=who, organisation=organisation, attended=attended, status=status
    )


def test_engagement_counts_attendance_per_member_municipality(db):
    delft, gouda, leiden, quiet = (
        MunicipalityFactory(name=name) for name in ["Delft", "Gouda", "Leiden", "Zwijndrecht"]
    )
    gone = MunicipalityFactory(name="Oudgemeente", member_until=datetime.date(YEAR - 1, 12, 31))
    partner = OrganisationFactory(name="Provincie Zuid-Holland", kind="province")
    congress, network = event_at(at(3, 1)), event_at(at(9, 1))
    cancelled = event_at(at(5, 1), status=Event.Status.CANCELLED)
    last_year = event_at(at(5, 1, year=YEAR - 1))

    registration(congress, delft)
    registration(network, delft)
    regular = registration(congress, delft)
    registration(network, delft, person=False)  # anonymised later: the organisation is kept
    RegistrationFactory(event=network, person=regular.person, organisation=delft, attended=True)
    registration(congress, gouda)
    registration(congress, gouda, attended=False)  # registered, did not come
    registration(cancelled, leiden)  # the event was cancelled
    registration(last_year, leiden)
    registration(congress, partner)
    registration(congress, gone)

    result = report_annual.engagement(year=YEAR)

    assert result.members == 4  # Oudgemeente left before the year; the province is no member
    rows = {row.organisation.name: row for row in result.rows}
    assert set(rows) == {"Delft", "Gouda", "Leiden", "Zwijndrecht"}
    assert (rows["Delft"].attendances, rows["Delft"].people, rows["Delft"].registrations) == (5, 4, 5)
    assert (rows["Gouda"].attendances, rows["Gouda"].people, rows["Gouda"].registrations) == (1, 1, 2)
    assert rows["Leiden"].attendances == 0 and rows["Leiden"].registrations == 0
    assert [row.organisation.name for row in result.rows][:2] == ["Delft", "Gouda"]  # most attendances first
    assert [o.name for o in result.not_reached] == ["Leiden", "Zwijndrecht"]
    assert (result.reached, result.maximum) == (2, 5)
    assert quiet in result.not_reached


def test_engagement_keeps_anonymised_registrations(db):
    delft = MunicipalityFactory(name="Delft")
    event = event_at(at(3, 1))
    kept = registration(event, delft)
    before = report_annual.engagement(year=YEAR).rows[0]
    Registration.objects.filter(pk=kept.pk).update(person=None, anonymised_at=timezone.now())
    after = report_annual.engagement(year=YEAR).rows[0]
    assert (
        (after.attendances, after.people, after.registrations)
        == (before.attendances, before.people, before.registrations)
        == (1, 1, 1)
    )


# --- The annual report's data -----------------------------------------------------------------


def test_annual_report_data_board_on_31_december_and_the_changes_in_the_year(bodies):
    stays, leaves, joins, next_year, long_gone = (
        PersonFactory(last_name=name) for name in ["Blijft", "Vertrekt", "Komt", "Volgend", "Oud"]
    )
    seat(stays, bodies["ab"], Mandate.Role.VOORZITTER, start=datetime.date(YEAR - 2, 1, 1))
    seat(stays, bodies["db"], Mandate.Role.VOORZITTER, start=datetime.date(YEAR - 2, 1, 1))
    seat(leaves, bodies["ab"], start=datetime.date(YEAR - 1, 1, 1), end=datetime.date(YEAR, 6, 30))
    seat(joins, bodies["ab"], start=datetime.date(YEAR, 7, 1))
    seat(next_year, bodies["ab"], start=datetime.date(YEAR + 1, 1, 1))
    seat(long_gone, bodies["ab"], start=datetime.date(YEAR - 4, 1, 1), end=datetime.date(YEAR - 1, 12, 31))
    seat(PersonFactory(last_name="Kas"), bodies["alv"], start=datetime.date(YEAR, 3, 1))  # not the board

    data = report_annual.annual_report_data(year=YEAR, now=NOW)

    assert sorted((m.person.last_name, m.body.kind) for m in data.board) == [
        ("Blijft", "ab"),
        ("Blijft", "db"),
        ("Komt", "ab"),
    ]
    assert [(c["date"], c["mandate"].person.last_name, c["joined"]) for c in data.board_changes] == [
        (datetime.date(YEAR, 6, 30), "Vertrekt", False),
        (datetime.date(YEAR, 7, 1), "Komt", True),
    ]


def test_annual_report_data_meetings_per_body_and_events_with_members_reached(bodies):
    for moment in [at(2, 1), at(5, 1)]:
        meeting_at(bodies["ab"], moment)
    meeting_at(bodies["db"], at(3, 1))
    meeting_at(bodies["db"], at(4, 1), status=Meeting.Status.CONCEPT)
    meeting_at(bodies["db"], at(3, 1, year=YEAR - 1))
    meeting_at(bodies["alv"], at(5, 20), status=Meeting.Status.PUBLISHED)  # published and started: held

    delft, gouda, _leiden = (MunicipalityFactory(name=name) for name in ["Delft", "Gouda", "Leiden"])
    partner = OrganisationFactory(name="VNG", kind="vng")
    congress, sounding = event_at(at(3, 10)), event_at(at(6, 10))
    registration(congress, delft)
    registration(congress, delft, attended=False)
    registration(congress, partner)
    registration(sounding, gouda)
    registration(sounding, gouda, status=Registration.Status.CANCELLED, attended=False)
    registration(event_at(at(4, 10), status=Event.Status.CANCELLED), _leiden)
    registration(event_at(at(4, 11), status=Event.Status.DRAFT), _leiden)
    event_at(at(7, 1, hour=10))  # started, but has not ended at NOW

    data = report_annual.annual_report_data(year=YEAR, now=NOW)

    assert [(group.body.kind, len(group.meetings)) for group in data.meetings] == [
        ("alv", 1),
        ("ab", 2),
        ("db", 1),
    ]
    assert [event.pk for event in data.events] == [congress.pk, sounding.pk]
    assert [(e.confirmed, e.attended_count, e.municipalities) for e in data.events] == [(3, 2, 1), (1, 1, 1)]
    assert data.event_totals == {
        "count": 2,
        "registrations": 4,
        "attended": 3,
        "municipalities": 2,
        "members": 3,
    }
    assert [o.name for o in data.engagement.not_reached] == ["Leiden"]


def test_annual_report_data_newsletters_sent_in_the_year_with_deliveries(db):
    def edition(slug, status, sent_at, delivered=0, failed=0):
        newsletter = Newsletter.objects.create(
            title=slug, slug=slug, date=YEAR_DAY, status=status, sent_at=sent_at
        )
        for n in range(delivered + failed):
            subscription = Subscription.objects.create(
                email=f"{slug}-{n}@example.org", status=Subscription.Status.CONFIRMED
            )
            Delivery.objects.create(
                newsletter=newsletter,
                subscription=subscription,
                status=Delivery.Status.SENT if n < delivered else Delivery.Status.FAILED,
            )
        return newsletter

    YEAR_DAY = datetime.date(YEAR, 3, 1)  # noqa: N806 - a constant for this test
    spring = edition("voorjaar", Newsletter.Status.SENT, at(3, 1), delivered=3, failed=1)
    autumn = edition("najaar", Newsletter.Status.SENT, at(10, 1), delivered=2)
    edition("vorig-jaar", Newsletter.Status.SENT, at(12, 1, year=YEAR - 1), delivered=5)
    edition("concept", Newsletter.Status.CONCEPT, None)

    data = report_annual.annual_report_data(year=YEAR, now=NOW)

    assert [(n.pk, n.delivered) for n in data.newsletters] == [(spring.pk, 3), (autumn.pk, 2)]


def test_annual_report_data_membership_joined_and_left(db):
    MunicipalityFactory(name="Alblasserdam", member_since=datetime.date(1990, 1, 1))
    MunicipalityFactory(name="Nieuwkoop", member_since=datetime.date(YEAR, 3, 1))
    MunicipalityFactory(
        name="Oudstad", member_since=datetime.date(1990, 1, 1), member_until=datetime.date(YEAR, 9, 30)
    )
    MunicipalityFactory(name="Toekomst", member_since=datetime.date(YEAR + 1, 1, 1))
    MunicipalityFactory(
        name="Verleden", member_since=datetime.date(1990, 1, 1), member_until=datetime.date(YEAR - 1, 12, 31)
    )
    OrganisationFactory(name="Zuid-Holland Academie")

    data = report_annual.annual_report_data(year=YEAR, now=NOW)

    assert data.membership["members"] == 2  # on 31 December: Alblasserdam and Nieuwkoop
    assert [o.name for o in data.membership["joined"]] == ["Nieuwkoop"]
    assert [o.name for o in data.membership["left"]] == ["Oudstad"]
    assert data.engagement.members == 3  # members at some time in the year


def test_annual_report_data_carries_the_plan_and_the_narrative_chapters(plan, bodies):
    board = activity(plan, planned=6)
    board.meetings.add(meeting_at(bodies["ab"], at(2, 1)))
    report = AnnualReport.objects.create(year=YEAR)
    AnnualReportSection.objects.create(report=report, order=2, title="Financiën in het kort")
    AnnualReportSection.objects.create(report=report, order=1, title="Voorwoord")

    data = report_services.document_context(kind=ReportVersion.Kind.ANNUAL_REPORT, year=YEAR)["data"]

    assert data.workplan == plan
    assert [(line.activity.title, line.realised) for line in data.lines] == [("Algemeen bestuur", 1)]
    assert [section.title for section in data.sections] == ["Voorwoord", "Financiën in het kort"]


# --- Publishing a PDF version -----------------------------------------------------------------


def version(kind, number, status=ReportVersion.Status.READY, year=YEAR):
    return ReportVersion.objects.create(kind=kind, year=year, version=number, status=status)


def test_report_version_publish_needs_a_finished_pdf_of_a_public_document(plan, bodies):
    report = AnnualReport.objects.create(year=YEAR)
    ready = version(ReportVersion.Kind.ANNUAL_REPORT, 1)
    with pytest.raises(ServiceError, match="Publish the annual report before"):
        report_services.report_version_publish(version=ready)

    report_services.annual_report_publish(report=report)
    for status in [ReportVersion.Status.BUILDING, ReportVersion.Status.FAILED]:
        unfinished = version(ReportVersion.Kind.ANNUAL_REPORT, 10 + len(status), status=status)
        with pytest.raises(ServiceError, match="Only a finished PDF"):
            report_services.report_version_publish(version=unfinished)
    assert not ReportVersion.objects.filter(published_at__isnull=False).exists()

    workplan_pdf = version(ReportVersion.Kind.WORKPLAN, 1)
    with pytest.raises(ServiceError, match="Adopt the workplan before"):
        report_services.report_version_publish(version=workplan_pdf)
    report_services.workplan_adopt(workplan=plan, body=bodies["ab"], on=datetime.date(YEAR, 1, 20))
    report_services.report_version_publish(version=workplan_pdf)
    assert report_selectors.published_version(kind=ReportVersion.Kind.WORKPLAN, year=YEAR) == workplan_pdf


def test_report_version_publish_keeps_one_published_version(db):
    report_services.annual_report_publish(report=AnnualReport.objects.create(year=YEAR))
    first, second = version(ReportVersion.Kind.ANNUAL_REPORT, 1), version(ReportVersion.Kind.ANNUAL_REPORT, 2)
    other_year = version(ReportVersion.Kind.ANNUAL_REPORT, 1, year=YEAR - 1)
    ReportVersion.objects.filter(pk=other_year.pk).update(published_at=timezone.now())

    report_services.report_version_publish(version=first)
    assert report_selectors.published_version(kind=ReportVersion.Kind.ANNUAL_REPORT, year=YEAR) == first
    report_services.report_version_publish(version=second)
    first.refresh_from_db()
    assert first.published_at is None
    assert report_selectors.published_version(kind=ReportVersion.Kind.ANNUAL_REPORT, year=YEAR) == second
    # Publishing the older one again takes the place back.
    report_services.report_version_publish(version=first)
    second.refresh_from_db()
    assert second.published_at is None
    assert list(
        ReportVersion.objects.filter(published_at__isnull=False)
        .order_by("year")
        .values_list("year", "version")
    ) == [(YEAR - 1, 1), (YEAR, 1)]
