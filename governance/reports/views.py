"""The workplan (werkplan) and the annual report (jaarverslag) as pages and as PDF versions.

Who may see what: the adopted workplan and the published annual report, and the published PDF of
each, are public. Concepts, progress reports, the ledenbinding page and unpublished versions are
for today's board and for whoever holds the model permission (governance.reports.access; staff
status alone gives nothing). An anonymous visitor who asks for something that is not public is
sent to the log-in page; a logged-in person without access gets 404 for a
document (its existence does not leak) and 403 for a staff page. Unknown years and versions: 404.

The page and the PDF are rendered from the same context (services.document_context) and
the same body templates (templates/reports/_*_body.html).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from governance.models import AnnualReport, Meeting, ReportVersion, Workplan
from vzhg.errors import ServiceError

from . import access, annual, selectors, services
from .forms import ProgressForm

WORKPLAN = ReportVersion.Kind.WORKPLAN
ANNUAL_REPORT = ReportVersion.Kind.ANNUAL_REPORT


# --- access -----------------------------------------------------------------------------------


def _on_board(request) -> bool:
    """Today's AB or DB member; asked at most once per request."""
    if not hasattr(request, "_reports_on_board"):
        request._reports_on_board = access.is_board_member(request.user)
    return request._reports_on_board


def _may_read_concepts(request, kind: str) -> bool:
    """Concepts and unpublished versions of one kind of document (see access.may_read_concept)."""
    return access.has_concept_permission(request.user, kind=kind) or _on_board(request)


def _refuse_document(request):
    """Not public and not for this visitor: log in first, or 404 for someone logged in."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise Http404


def _restricted_page(request, allowed) -> None | object:
    """A page for the board and the permission holders only; None when `allowed(user)` or the
    visitor is on the board, else the answer (log in first, or 403)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not (allowed(request.user) or _on_board(request)):
        raise PermissionDenied
    return None


def _sane_year(year: int) -> None:
    """Years the application can hold (a PositiveSmallIntegerField, dates in the calendar)."""
    if not 1900 <= year <= 9998:
        raise Http404


def _year_has_data(year: int) -> bool:
    """Something happened in `year` that a generated report can show."""
    from events.models import Event

    start, end = selectors.year_bounds(year)
    return (
        Workplan.objects.filter(year=year).exists()
        or Meeting.objects.filter(starts_at__gte=start, starts_at__lt=end).exists()
        or Event.objects.filter(starts_at__gte=start, starts_at__lt=end).exists()
    )


def _admin_url(name: str, *args) -> str | None:
    """The admin page's address, or None while that model has no admin."""
    try:
        return reverse(f"admin:{name}", args=args)
    except NoReverseMatch:
        return None


# --- PDF versions -----------------------------------------------------------------------------


def _pdf_for(kind: str, year: int, *, public: bool, may_read: bool) -> ReportVersion | None:
    """The PDF a visitor gets: the published version of a public document; staff and the board
    get the newest finished version when none is published."""
    if public or may_read:
        published = selectors.published_version(kind=kind, year=year)
        if published is not None and published.file:
            return published
    return selectors.newest_ready_version(kind=kind, year=year) if may_read else None


def _document_extras(
    request, *, kind: str, year: int, public: bool, admin: str | None, obj_pk: int | None
) -> dict:
    """What the page shows around the document: the PDF link, and for whoever may view the PDF
    versions in the admin the admin links and every version."""
    may_read = _may_read_concepts(request, kind)
    tools = request.user.has_perm("governance.view_reportversion")
    extras = {
        "pdf": _pdf_for(kind, year, public=public, may_read=may_read),
        "may_read_concepts": may_read,
        "staff_tools": tools,
        "versions": [],
        "admin_url": None,
        "versions_admin_url": None,
    }
    if tools:
        extras["versions"] = list(selectors.versions(kind=kind, year=year))
        extras["admin_url"] = _admin_url(admin, obj_pk) if admin and obj_pk else None
        extras["versions_admin_url"] = _admin_url("governance_reportversion_changelist")
    return extras


def _pdf_filename(kind: str, year: int, version: ReportVersion) -> str:
    with translation.override("nl"):
        if kind == WORKPLAN:
            plan = Workplan.objects.filter(year=year).only("title", "year").first()
            title = plan.display_title if plan else Workplan(year=year).display_title
        else:
            report = AnnualReport.objects.filter(year=year).only("title", "year").first()
            title = report.display_title if report else AnnualReport(year=year).display_title
        name = slugify(str(title)) or f"{kind}-{year}"
    return f"{name}-v{version.version}.pdf"


def _serve_pdf(version: ReportVersion, *, public: bool) -> FileResponse:
    try:
        handle = version.file.open("rb")
    except (OSError, ValueError) as error:
        raise Http404 from error
    response = FileResponse(
        handle, content_type="application/pdf", filename=_pdf_filename(version.kind, version.year, version)
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=300" if public else "private, no-store"
    return response


# --- workplan ---------------------------------------------------------------------------------


@require_GET
def workplan_index(request):
    plans = Workplan.objects.select_related("adopted_by").order_by("-year")
    if not _may_read_concepts(request, WORKPLAN):
        plans = plans.filter(status=Workplan.Status.ADOPTED)
    return render(request, "reports/workplan_index.html", {"plans": list(plans)})


def _workplan_or_404(year: int) -> Workplan:
    _sane_year(year)
    workplan = Workplan.objects.filter(year=year).first()
    if workplan is None:
        raise Http404
    return workplan


@require_GET
def workplan(request, year: int):
    workplan = _workplan_or_404(year)
    if not (workplan.is_public or _may_read_concepts(request, WORKPLAN)):
        return _refuse_document(request)
    context = services.document_context(kind=WORKPLAN, year=year)
    context.update(
        _document_extras(
            request,
            kind=WORKPLAN,
            year=year,
            public=workplan.is_public,
            admin="governance_workplan_change",
            obj_pk=workplan.pk,
        )
    )
    context["pdf_url"] = reverse("reports:workplan_pdf", kwargs={"year": year})
    context["document_title"] = workplan.display_title
    # ?volgorde=prioriteit lists the activities A to D (the Groningen plan's way); plan order otherwise.
    context["by_priority"] = request.GET.get("volgorde") == "prioriteit"
    if context["by_priority"]:
        context["data"].lines.sort(
            key=lambda line: (line.activity.priority or "E", line.activity.order, line.activity.pk)
        )
    return render(request, "reports/workplan.html", context)


@require_GET
def half_year_report(request, year: int, half: int):
    refused = _restricted_page(request, access.has_progress_permission)
    if refused is not None:
        return refused
    if half not in (1, 2):
        raise Http404
    workplan = _workplan_or_404(year)
    rows = selectors.half_year_report(workplan=workplan, half=half)
    counts = {light: 0 for light in ("red", "orange", "green", "none")}
    for _activity, report in rows:
        counts[report.light if report else "none"] += 1
    # Permission holders write every activity's report; a board member those they are
    # responsible for. Board membership is asked once: no query per row.
    writable = {
        activity.pk
        for activity, _report in rows
        if access.may_write_progress(user=request.user, activity=activity, on_board=_on_board(request))
    }
    may_view_admin = access.has_progress_permission(request.user)
    return render(
        request,
        "reports/half_year.html",
        {
            "workplan": workplan,
            "year": year,
            "half": half,
            "other_half": 2 if half == 1 else 1,
            "rows": rows,
            "counts": counts,
            "writable": writable,
            "progress_admin_url": _admin_url("governance_progressreport_changelist")
            if may_view_admin
            else None,
        },
    )


@require_http_methods(["GET", "POST"])
def progress_write(request, year: int, half: int, activity: int):
    """Permission holders and the responsible board members write an activity's traffic light for
    a half year."""
    refused = _restricted_page(request, access.has_progress_permission)
    if refused is not None:
        return refused
    if half not in (1, 2):
        raise Http404
    workplan = _workplan_or_404(year)
    planned = workplan.activities.prefetch_related("responsible").filter(pk=activity).first()
    if planned is None:
        raise Http404
    if not access.may_write_progress(user=request.user, activity=planned, on_board=_on_board(request)):
        raise PermissionDenied
    report = planned.progress_reports.filter(half=half).first()
    initial = {"light": report.light, "text": report.text} if report else {}
    form = ProgressForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.progress_report_save(
                activity=planned, half=half, actor=request.user, **form.cleaned_data
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, gettext("The progress of “%(activity)s” is saved.") % {"activity": planned.title}
            )
            return redirect("reports:half_year_report", year=year, half=half)
    return render(
        request,
        "reports/progress_form.html",
        {"workplan": workplan, "activity": planned, "half": half, "form": form, "report": report},
    )


@require_GET
def workplan_pdf(request, year: int):
    workplan = _workplan_or_404(year)
    may_read = _may_read_concepts(request, WORKPLAN)
    if not (workplan.is_public or may_read):
        return _refuse_document(request)
    version = _pdf_for(WORKPLAN, year, public=workplan.is_public, may_read=may_read)
    if version is None:
        raise Http404
    return _serve_pdf(version, public=workplan.is_public and version.published_at is not None)


# --- annual report ----------------------------------------------------------------------------


@require_GET
def annual_report_index(request):
    may_read = _may_read_concepts(request, ANNUAL_REPORT)
    reports_qs = AnnualReport.objects.order_by("-year")
    if not may_read:
        reports_qs = reports_qs.filter(status=AnnualReport.Status.PUBLISHED)
    rows = list(reports_qs)
    generated = []
    if may_read:
        # Past years with a workplan but no annual report yet: the generated report is there.
        known = {report.year for report in rows}
        this_year = timezone.localdate().year
        generated = sorted(
            (
                year
                for year in Workplan.objects.filter(year__lt=this_year).values_list("year", flat=True)
                if year not in known
            ),
            reverse=True,
        )
    return render(request, "reports/annual_report_index.html", {"reports": rows, "generated": generated})


def _annual_report_access(request, year: int) -> tuple[AnnualReport | None, object]:
    """(report row or None, refusal response or None). 404 for a year without a report and
    without anything to generate one from."""
    _sane_year(year)
    report = AnnualReport.objects.filter(year=year).first()
    if report is None:
        if year >= timezone.localdate().year or not _year_has_data(year):
            raise Http404
        if not _may_read_concepts(request, ANNUAL_REPORT):
            return None, _refuse_document(request)
        return None, None
    if not (report.is_public or _may_read_concepts(request, ANNUAL_REPORT)):
        return report, _refuse_document(request)
    return report, None


@require_GET
def annual_report(request, year: int):
    report, refused = _annual_report_access(request, year)
    if refused is not None:
        return refused
    public = report is not None and report.is_public
    context = services.document_context(kind=ANNUAL_REPORT, year=year)
    context.update(
        _document_extras(
            request,
            kind=ANNUAL_REPORT,
            year=year,
            public=public,
            admin="governance_annualreport_change",
            obj_pk=report.pk if report else None,
        )
    )
    context["pdf_url"] = reverse("reports:annual_report_pdf", kwargs={"year": year})
    context["document_title"] = (report or AnnualReport(year=year)).display_title
    context["add_report_url"] = _admin_url("governance_annualreport_add") if report is None else None
    return render(request, "reports/annual_report.html", context)


@require_GET
def engagement(request, year: int):
    refused = _restricted_page(request, access.has_engagement_permission)
    if refused is not None:
        return refused
    _sane_year(year)
    if year > timezone.localdate().year or not (
        AnnualReport.objects.filter(year=year).exists() or _year_has_data(year)
    ):
        raise Http404
    data = annual.engagement(year=year)
    return render(
        request,
        "reports/engagement.html",
        {"year": year, "engagement": data},
    )


@require_GET
def annual_report_pdf(request, year: int):
    report, refused = _annual_report_access(request, year)
    if refused is not None:
        return refused
    public = report is not None and report.is_public
    version = _pdf_for(
        ANNUAL_REPORT, year, public=public, may_read=_may_read_concepts(request, ANNUAL_REPORT)
    )
    if version is None:
        raise Http404
    return _serve_pdf(version, public=public and version.published_at is not None)


# --- one version --------------------------------------------------------------------------------


@require_GET
def version(request, pk: int, token):
    version = (
        ReportVersion.objects.filter(pk=pk, token=token, status=ReportVersion.Status.READY)
        .exclude(file="")
        .first()
    )
    if version is None:
        raise Http404
    public = version.published_at is not None and selectors.document_is_public(
        kind=version.kind, year=version.year
    )
    if not (public or _may_read_concepts(request, version.kind)):
        return _refuse_document(request)
    return _serve_pdf(version, public=public)
