"""The workplan and annual report pages: who may open what, what they show, the PDF downloads, the
ledenbinding chart, and the query counts (pinned at two sizes and for a full year)."""

import datetime
import re
import uuid

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from governance.models import AnnualReport, Body, Mandate, ReportVersion, Workplan, WorkplanSection
from governance.reports import charts as report_charts
from governance.reports import services as report_services
from governance.reports.annual import Engagement, EngagementRow
from members.models import Organisation
from tests.factories import MemberFactory, secretariat_user, staff_without_rights

from .report_data import build_year, last_year

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "member", "board", "staff", "staff_without_rights"]


@pytest.fixture
def users(db):
    ab, _ = Body.objects.get_or_create(
        slug="ab", defaults={"name": "Algemeen bestuur", "kind": Body.Kind.AB, "order": 1}
    )
    board = MemberFactory()
    Mandate.objects.create(person=board, body=ab, role=Mandate.Role.LID, start=datetime.date(2020, 1, 1))
    return {
        "anonymous": None,
        "member": MemberFactory().user,
        "board": board.user,
        "staff": secretariat_user(),
        "staff_without_rights": staff_without_rights(),
    }


def as_role(client, users, role):
    if users[role] is not None:
        client.force_login(users[role])
    return client


def expect(response, outcome: str, path: str):
    """outcome: 'ok' (200), 'login' (to the log-in page), 'hidden' (404), 'forbidden' (403)."""
    if outcome == "ok":
        assert response.status_code == 200
    elif outcome == "login":
        assert response.status_code == 302
        assert response["Location"] == f"/account/login/?next={path}"
    elif outcome == "hidden":
        assert response.status_code == 404
    else:
        assert response.status_code == 403


def pdf_version(
    *, kind, year, version=1, published=False, status=ReportVersion.Status.READY
) -> ReportVersion:
    row = ReportVersion.objects.create(kind=kind, year=year, version=version, status=status, page_count=3)
    if status == ReportVersion.Status.READY:
        row.file.save(
            f"{kind}-{year}-v{version}.pdf",
            ContentFile(b"%PDF-1.7\n% test " + str(version).encode() + b"\n%%EOF\n"),
        )
    if published:
        row.published_at = timezone.now()
        row.save(update_fields=["published_at"])
    return row


# --- access per role ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_adopted_workplan_and_published_annual_report_are_public(client, users, role):
    year = build_year()
    as_role(client, users, role)

    workplan = client.get(f"/werkplan/{year.year}/")
    report = client.get(f"/jaarverslag/{year.year}/")

    assert workplan.status_code == report.status_code == 200
    assert "Inleiding en achtergrond" in workplan.content.decode()
    assert "Voorwoord van de voorzitter" in report.content.decode()
    assert "concept-banner" not in workplan.content.decode() + report.content.decode()


CONCEPT = {
    "anonymous": "login",
    "member": "hidden",
    "board": "ok",
    "staff": "ok",
    "staff_without_rights": "hidden",
}
STAFF_PAGE = {
    "anonymous": "login",
    "member": "forbidden",
    "board": "ok",
    "staff": "ok",
    "staff_without_rights": "forbidden",
}


@pytest.mark.parametrize("role", ROLES)
def test_concepts_are_for_staff_and_the_board(client, users, role):
    year = build_year(workplan_status=Workplan.Status.CONCEPT, report_status=AnnualReport.Status.CONCEPT)
    as_role(client, users, role)

    for path in (f"/werkplan/{year.year}/", f"/jaarverslag/{year.year}/"):
        response = client.get(path)
        expect(response, CONCEPT[role], path)
        if response.status_code == 200:
            assert "Concept" in response.content.decode()
            assert "concept-banner" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_progress_and_ledenbinding_pages_are_for_staff_and_the_board(client, users, role):
    year = build_year()
    as_role(client, users, role)

    for path in (
        f"/werkplan/{year.year}/voortgang/1/",
        f"/werkplan/{year.year}/voortgang/2/",
        f"/jaarverslag/{year.year}/ledenbinding/",
    ):
        expect(client.get(path), STAFF_PAGE[role], path)


@pytest.mark.parametrize("role", ROLES)
def test_a_past_year_without_annual_report_is_generated_for_staff_and_the_board(client, users, role):
    year = build_year()
    year.report.delete()
    as_role(client, users, role)
    path = f"/jaarverslag/{year.year}/"

    response = client.get(path)

    expect(response, CONCEPT[role], path)
    if response.status_code == 200:
        body = response.content.decode()
        assert "No annual report has been created for this year yet" in body
        assert "Bijeenkomst 00" in body  # the events held come from the data


@pytest.mark.parametrize("role", ROLES)
def test_unknown_years_halves_and_versions_are_404(client, users, role):
    year = build_year()
    as_role(client, users, role)
    staff_only = role in ("board", "staff")  # the others are refused before the year is looked at
    paths = [
        "/werkplan/1999/",
        "/werkplan/1999/pdf/",
        "/jaarverslag/1999/",
        "/jaarverslag/2999/",
        "/jaarverslag/1999/pdf/",
        f"/rapport/999999/{uuid.uuid4()}/",
        "/werkplan/0/",
        "/jaarverslag/0/",
        "/jaarverslag/99999999999999999999/",
        "/werkplan/99999999999999999999/pdf/",
    ]
    if staff_only:
        paths += [
            "/werkplan/1999/voortgang/1/",
            f"/werkplan/{year.year}/voortgang/3/",
            "/jaarverslag/1999/ledenbinding/",
            "/jaarverslag/0/ledenbinding/",
            f"/jaarverslag/{year.year + 5}/ledenbinding/",
        ]
    for path in paths:
        assert client.get(path).status_code == 404, path


def test_the_indexes_list_what_the_visitor_may_read(client, users):
    build_year(year=last_year())
    Workplan.objects.create(year=last_year() + 1, title="Werkplan in de maak")
    AnnualReport.objects.create(year=last_year() - 1, title="Jaarverslag in de maak")

    public_plans = client.get("/werkplan/").content.decode()
    public_reports = client.get("/jaarverslag/").content.decode()
    client.force_login(users["staff"])
    staff_plans = client.get("/werkplan/").content.decode()
    staff_reports = client.get("/jaarverslag/").content.decode()
    client.force_login(users["staff_without_rights"])
    bare_plans = client.get("/werkplan/").content.decode()
    bare_reports = client.get("/jaarverslag/").content.decode()

    assert "Werkplan in de maak" not in bare_plans and "Jaarverslag in de maak" not in bare_reports
    assert f"/werkplan/{last_year()}/" in public_plans and "Werkplan in de maak" not in public_plans
    assert "Werkplan in de maak" in staff_plans
    assert f"/jaarverslag/{last_year()}/" in public_reports and "Jaarverslag in de maak" not in public_reports
    assert "Jaarverslag in de maak" in staff_reports


# --- what the pages show ---------------------------------------------------------------------------


def test_the_workplan_page_shows_planned_against_realised_and_sanitised_markdown(client, users):
    year = build_year()
    WorkplanSection.objects.create(
        workplan=year.workplan,
        order=9,
        title="Gevaarlijk",
        body="Tekst <script>alert(1)</script> en [link](javascript:alert(2))",
    )

    body = client.get(f"/werkplan/{year.year}/").content.decode()

    # A1: two planned; one linked event and two linked board meetings were held.
    assert '2 per year</span> — <span class="realised">3 held</span>' in body
    assert 'doorlopend</span> — <span class="realised">1 held</span>' in body
    assert "<script>alert(1)" not in body and "javascript:alert" not in body
    assert "„" not in body and "\u201cElke regio telt\u201d" in body  # English page: English quotation marks
    # Progress reports are not public.
    assert "Voortgang A1" not in body
    client.force_login(users["board"])
    assert "Voortgang A1, halfjaar 2." in client.get(f"/werkplan/{year.year}/").content.decode()


def test_linking_and_unlinking_events_changes_the_realised_count_on_the_page(client):
    year = build_year(activities=2, events=2)
    activity = year.activities[1]  # continuous, one linked event held
    extra = year.events[0]

    def realised():
        body = client.get(f"/werkplan/{year.year}/").content.decode()
        block = body.split(f'id="activity-{activity.pk}"', 1)[1].split('<article class="activity"', 1)[0]
        found = re.search(r'class="realised">(\d+) held(?:, (\d+) planned)?<', block)
        return found.groups(default="0") if found else None

    assert realised() == ("1", "0")
    activity.events.add(extra)
    assert realised() == ("2", "0")
    activity.events.remove(*year.events)
    assert realised() is None  # continuous and nothing linked: only "continuous" is shown


def test_the_half_year_report_lists_red_and_orange_first(client, users):
    year = build_year(activities=6)
    client.force_login(users["staff"])

    body = client.get(f"/werkplan/{year.year}/voortgang/1/").content.decode()

    # Lights by activity: A1 red, A2 orange, A3 green, A4 red, A5 orange, A6 green.
    order = [int(n) for n in re.findall(r"<th scope=\"row\">A(\d)", body)]
    assert order == [1, 4, 2, 5, 3, 6]
    assert "red (off track)" in body and "orange (needs attention)" in body


def test_the_annual_report_shows_events_municipalities_and_who_was_not_reached(client):
    year = build_year(municipalities=12, events=6, registrations_per_event=4)

    body = client.get(f"/jaarverslag/{year.year}/").content.decode()

    assert (
        "6 events were held, with 24 registrations and 18 attendances; "
        "8 of 12 member municipalities took part." in body
    )
    # The events section and ledenbinding count the same thing (one definition in reports.py).
    assert "8 of 12 member municipalities were reached" in body
    assert 'Gemeente 12 <span class="not-reached-mark">(not reached)</span>' in body
    assert 'Gemeente 01 <span class="not-reached-mark">' not in body
    assert body.count('<g class="bar">') == 12
    assert "2 newsletters were sent" in body


def test_staff_see_admin_links_and_pdf_versions_others_do_not(client, users):
    year = build_year()
    version = pdf_version(kind="workplan", year=year.year)

    public = client.get(f"/werkplan/{year.year}/").content.decode()
    client.force_login(users["staff"])
    staff = client.get(f"/werkplan/{year.year}/").content.decode()
    client.force_login(users["staff_without_rights"])
    bare = client.get(f"/werkplan/{year.year}/").content.decode()

    assert "There is no PDF of this document yet." in public
    assert version.get_absolute_url() not in public
    assert version.get_absolute_url() not in bare and "staff-tools" not in bare
    assert version.get_absolute_url() in staff
    assert "version 1, not published" in staff


# --- PDF downloads -----------------------------------------------------------------------------------


def test_the_published_pdf_is_public_with_a_readable_name(client, users):
    year = build_year()
    pdf_version(kind="workplan", year=year.year, version=1, published=True)
    newer = pdf_version(kind="workplan", year=year.year, version=2)

    public = client.get(f"/werkplan/{year.year}/pdf/")
    client.force_login(users["staff"])
    staff = client.get(f"/werkplan/{year.year}/pdf/")

    assert public.status_code == 200
    assert public["Content-Type"] == "application/pdf"
    assert public["X-Content-Type-Options"] == "nosniff"
    assert re.fullmatch(rf'inline; filename="[a-z]+-{year.year}-v1\.pdf"', public["Content-Disposition"])
    assert b"".join(public.streaming_content).startswith(b"%PDF-")
    # Staff get the published one too, not the newer draft version; that one is under its own link.
    assert "-v1.pdf" in staff["Content-Disposition"]
    assert client.get(newer.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_without_a_published_version_only_staff_and_the_board_get_the_newest_ready_pdf(client, users, role):
    year = build_year()
    pdf_version(kind="annual_report", year=year.year, version=1)
    pdf_version(kind="annual_report", year=year.year, version=2)
    pdf_version(kind="annual_report", year=year.year, version=3, status=ReportVersion.Status.FAILED)
    as_role(client, users, role)

    response = client.get(f"/jaarverslag/{year.year}/pdf/")

    if role in ("board", "staff"):
        assert response.status_code == 200
        assert "-v2.pdf" in response["Content-Disposition"]
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_one_version_by_its_link(client, users, role):
    year = build_year(workplan_status=Workplan.Status.CONCEPT)
    draft = pdf_version(kind="workplan", year=year.year, version=1)
    report_published = pdf_version(kind="annual_report", year=year.year, version=1, published=True)
    failed = pdf_version(kind="annual_report", year=year.year, version=2, status=ReportVersion.Status.FAILED)
    as_role(client, users, role)

    draft_path = draft.get_absolute_url()
    expect(client.get(draft_path), CONCEPT[role], draft_path)
    assert client.get(report_published.get_absolute_url()).status_code == 200
    assert client.get(f"/rapport/{draft.pk}/{uuid.uuid4()}/").status_code == 404  # wrong token
    assert client.get(f"/rapport/{failed.pk}/{failed.token}/").status_code == 404  # nothing to serve


def test_a_published_version_of_a_document_that_is_no_longer_public_is_not_served(client, users):
    year = build_year()
    version = pdf_version(kind="workplan", year=year.year, published=True)
    Workplan.objects.filter(pk=year.workplan.pk).update(status=Workplan.Status.CONCEPT)

    assert client.get(version.get_absolute_url()).status_code == 302
    client.force_login(users["member"])
    assert client.get(version.get_absolute_url()).status_code == 404
    assert client.get(f"/werkplan/{year.year}/pdf/").status_code == 404


# --- the ledenbinding chart ---------------------------------------------------------------------------


def engagement_of(names_and_counts):
    rows = [
        EngagementRow(organisation=Organisation(name=name), attendances=count)
        for name, count in names_and_counts
    ]
    return Engagement(
        rows=rows, not_reached=[row.organisation for row in rows if not row.attendances], members=len(rows)
    )


def test_the_chart_has_one_labelled_bar_per_municipality_and_marks_who_was_not_reached():
    svg = report_charts.engagement_chart(
        engagement_of([("Leiden", 12), ("Gouda", 5), ("Katwijk", 0)]), year=2025
    )

    assert svg.startswith("<svg") and 'role="img"' in svg
    assert 'aria-label="Attendance per member municipality in 2025"' in svg
    assert "<title" in svg and "<desc" in svg and "2 municipalities were reached; 1 were not reached" in svg
    assert svg.count('<g class="bar">') == 3
    assert svg.count("<rect") == 2  # the one not reached has no bar but a written mark
    assert re.search(r">Katwijk</text><circle[^>]*/><text[^>]*>0 — not reached</text>", svg)
    labels = re.findall(r'text-anchor="end" fill="#212529">([^<]+)</text>', svg)
    assert labels == ["Leiden", "Gouda", "Katwijk"]
    assert " style=" not in svg  # the site's CSP allows no inline styles


def test_the_chart_escapes_names():
    svg = report_charts.engagement_chart(engagement_of([('<script>alert("x")</script> & Co', 3)]), year=2025)

    assert "<script>" not in svg
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in svg


def test_the_chart_of_a_year_nobody_came():
    svg = report_charts.engagement_chart(engagement_of([("Leiden", 0), ("Gouda", 0)]), year=2025)

    assert svg.count("not reached</text>") == 2 and "<rect" not in svg


# --- query counts -------------------------------------------------------------------------------------

SMALL = {"activities": 5, "events": 5, "municipalities": 10, "registrations_per_event": 4, "meetings": 4}
LARGE = {"activities": 50, "events": 50, "municipalities": 30, "registrations_per_event": 10, "meetings": 8}
FULL_YEAR = {
    "activities": 20,
    "events": 30,
    "municipalities": 50,
    "registrations_per_event": 50,
    "meetings": 12,
    "newsletters": 10,
}

# The workplan page: the plan, the adopting body, the context (plan, activities and their four
# prefetches, board and portfolios, secretariat, chapters), the published PDF.
WORKPLAN_PAGE_QUERIES = 13
# The annual report page: the report row, the context (23: see reports.annual_report_data, with
# the motions of the meetings held, contacts' two: consultations per counterpart, signals per
# theme, and networks' two, now counted by ledenbinding: the networks, the municipality-network
# pairs of the year), the published PDF; and (issue 16) one for the recommendation requests
# counted per VNG commission.
ANNUAL_REPORT_PAGE_QUERIES = 28
# The secretariat also: session, user, its permissions (own and the group's, once per request),
# the PDF versions and the newest finished version.
STAFF_EXTRA_QUERIES = 6


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["small", "large"])
def test_workplan_page_queries_do_not_grow(client, users, size, django_assert_num_queries):
    year = build_year(**size)

    with django_assert_num_queries(WORKPLAN_PAGE_QUERIES):
        assert client.get(f"/werkplan/{year.year}/").status_code == 200
    client.force_login(users["staff"])
    with django_assert_num_queries(WORKPLAN_PAGE_QUERIES + STAFF_EXTRA_QUERIES):
        assert client.get(f"/werkplan/{year.year}/").status_code == 200


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["small", "large"])
def test_annual_report_page_queries_do_not_grow(client, users, size, django_assert_num_queries):
    year = build_year(**size)

    with django_assert_num_queries(ANNUAL_REPORT_PAGE_QUERIES):
        assert client.get(f"/jaarverslag/{year.year}/").status_code == 200
    client.force_login(users["staff"])
    with django_assert_num_queries(ANNUAL_REPORT_PAGE_QUERIES + STAFF_EXTRA_QUERIES):
        assert client.get(f"/jaarverslag/{year.year}/").status_code == 200


@pytest.mark.parametrize("size", [SMALL, FULL_YEAR], ids=["small", "full-year"])
def test_a_full_year_takes_as_many_queries_as_a_small_one(client, size, django_assert_num_queries):
    """50 municipalities, 30 events, 1,500 registrations, 12 meetings: the same queries as a small
    year, for the page and for the context the PDF is rendered from."""
    year = build_year(**size)
    if size is FULL_YEAR:
        from events.models import Registration

        assert Registration.objects.count() == 1500
        assert Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY).count() == 50

    with django_assert_num_queries(ANNUAL_REPORT_PAGE_QUERIES):
        response = client.get(f"/jaarverslag/{year.year}/")
    with django_assert_num_queries(ANNUAL_REPORT_PAGE_QUERIES - 2):
        context = report_services.document_context(kind="annual_report", year=year.year)
    with CaptureQueriesContext(connection) as workplan_queries:
        report_services.document_context(kind="workplan", year=year.year)

    assert response.status_code == 200
    assert len(context["data"].engagement.rows) == size["municipalities"]
    assert len(workplan_queries) == WORKPLAN_PAGE_QUERIES - 3


def test_success_criteria_show_on_the_workplan_page_as_safe_markdown(client):
    year = build_year(activities=2)
    activity = year.activities[0]
    activity.success_criteria = "**35** gemeenten op de ALV <img src=x onerror=alert(1)>"
    activity.save()

    body = client.get(f"/werkplan/{year.year}/").content.decode()

    assert "When are we satisfied?" in body
    assert "<strong>35</strong> gemeenten op de ALV" in body
    assert "onerror" not in body


def test_the_activities_can_be_listed_by_priority(client):
    year = build_year(activities=3)
    for activity, priority in zip(year.activities, ["C", "", "A"], strict=True):
        activity.priority = priority
        activity.save()

    def titles(query=""):
        body = client.get(f"/werkplan/{year.year}/{query}").content.decode()
        return re.findall(r'class="activity-title" id="activity-(\d+)-title"', body)

    plan_order = [str(activity.pk) for activity in year.activities]
    assert titles() == plan_order
    assert titles("?volgorde=prioriteit") == [plan_order[2], plan_order[0], plan_order[1]]  # A, C, none
