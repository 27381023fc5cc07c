"""Writes for the workplan and the annual report: copy a plan, adopt it, progress reports, and the
PDF versions (rendered by a Celery task, kept, published by the secretariat)."""

from __future__ import annotations

import datetime
import io
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.models import (
    AnnualReport,
    Body,
    Meeting,
    PlannedActivity,
    ProgressReport,
    ReportVersion,
    Workplan,
    WorkplanSection,
)
from vzhg.errors import ServiceError
from vzhg.history import history_note
from vzhg.tasks import handoff_claim, handoff_owned

from . import annual, selectors

logger = logging.getLogger(__name__)

PDF_TEMPLATES: dict[str, str] = {
    ReportVersion.Kind.WORKPLAN: "pdf/workplan.html",
    ReportVersion.Kind.ANNUAL_REPORT: "pdf/annual_report.html",
}


# --- Workplan ---------------------------------------------------------------------------------


@transaction.atomic
def workplan_copy(*, source: Workplan, year: int) -> Workplan:
    """A new concept plan for `year` with the source's chapters and activities (themes,
    objectives, responsible board members included). Links to events and meetings and progress
    reports stay with the old year: they are what happened, not what is planned."""
    if Workplan.objects.filter(year=year).exists():
        raise ServiceError(_("There is already a workplan for %(year)s.") % {"year": year})
    title = source.title.replace(str(source.year), str(year)) if source.title else ""
    plan = Workplan.objects.create(year=year, title=title, status=Workplan.Status.CONCEPT)
    WorkplanSection.objects.bulk_create(
        WorkplanSection(workplan=plan, order=section.order, title=section.title, body=section.body)
        for section in source.sections.all()
    )
    for activity in source.activities.prefetch_related("objectives", "themes", "responsible").order_by(
        "order", "pk"
    ):
        copy = PlannedActivity.objects.create(
            workplan=plan,
            order=activity.order,
            code=activity.code,
            kind=activity.kind,
            title=activity.title,
            planned_count=activity.planned_count,
            count_note=activity.count_note,
            period=activity.period,
            attachment=activity.attachment,
            explanation=activity.explanation,
            objectives_note=activity.objectives_note,
            success_criteria=activity.success_criteria,
            priority=activity.priority,
            role=activity.role,
        )
        copy.objectives.set(activity.objectives.all())
        copy.themes.set(activity.themes.all())
        copy.responsible.set(activity.responsible.all())
    return plan


def workplan_adopt(
    *, workplan: Workplan, body: Body, on: datetime.date, meeting: Meeting | None = None
) -> Workplan:
    if meeting is not None and meeting.body_id != body.pk:
        raise ServiceError(_("This meeting is not a meeting of the body that adopted the plan."))
    workplan.status = Workplan.Status.ADOPTED
    workplan.adopted_by = body
    workplan.adopted_on = on
    workplan.adopted_at = meeting
    workplan.save(update_fields=["status", "adopted_by", "adopted_on", "adopted_at", "updated_at"])
    return workplan


def progress_report_save(
    *, activity: PlannedActivity, half: int, light: str, text: str, actor=None
) -> ProgressReport:
    """Write (or rewrite) the traffic light of one activity for one half year."""
    if half not in ProgressReport.Half.values:
        raise ServiceError(_("Choose the first or the second half year."))
    if light not in ProgressReport.Light.values:
        raise ServiceError(_("Choose green, orange or red."))
    text = text.strip()
    if not text:
        raise ServiceError(_("Write a short explanation with the traffic light."))
    with transaction.atomic():
        report = ProgressReport.objects.select_for_update().filter(activity=activity, half=half).first()
        report = report or ProgressReport(activity=activity, half=half)
        report.light, report.text, report.written_by = light, text, actor
        history_note(report, actor=actor)
        report.save()
    return report


# --- Annual report ----------------------------------------------------------------------------


def annual_report_publish(*, report: AnnualReport) -> AnnualReport:
    report.status = AnnualReport.Status.PUBLISHED
    report.published_at = report.published_at or timezone.now()
    report.save(update_fields=["status", "published_at", "updated_at"])
    return report


# --- PDF versions -----------------------------------------------------------------------------


def document_context(*, kind: str, year: int) -> dict:
    """The template context of a workplan or annual report, for the page and the PDF alike."""

    if kind == ReportVersion.Kind.WORKPLAN:
        workplan = Workplan.objects.get(year=year)
        return {"data": selectors.workplan_data(workplan=workplan), "workplan": workplan, "year": year}
    report = AnnualReport.objects.filter(year=year).first()
    return {"data": annual.annual_report_data(year=year, report=report), "report": report, "year": year}


# A render that has not finished after this long was cut off (the task's hard limit is 900 s).
VERSION_STALE_AFTER = datetime.timedelta(seconds=960)


def report_version_request(*, kind: str, year: int, actor=None) -> ReportVersion:
    """Reserve the next version number (pending) and hand the rendering to Celery after commit.
    With the broker down the version stays pending and `report_versions_sweep` hands it over."""
    if kind == ReportVersion.Kind.WORKPLAN and not Workplan.objects.filter(year=year).exists():
        raise ServiceError(_("There is no workplan for %(year)s.") % {"year": year})
    from governance.tasks import report_version_build_task
    from vzhg.tasks import task_dispatch_on_commit

    with transaction.atomic():
        # Lock the existing versions of this document so two requests get different numbers.
        list(
            ReportVersion.objects.select_for_update()
            .filter(kind=kind, year=year)
            .values_list("pk", flat=True)
        )
        number = (
            ReportVersion.objects.filter(kind=kind, year=year).aggregate(v=Max("version"))["v"] or 0
        ) + 1
        version = ReportVersion.objects.create(
            kind=kind, year=year, version=number, requested_by=actor, status=ReportVersion.Status.PENDING
        )
        task_dispatch_on_commit(report_version_build_task, args=(version.pk,), on_handed=_noter(version.pk))
    return version


def _noter(version_id: int):
    def note() -> None:
        ReportVersion.objects.filter(pk=version_id, status=ReportVersion.Status.PENDING).update(
            dispatched_at=timezone.now()
        )

    return note


def _version_claim(*, version_id: int) -> ReportVersion | None:
    """Short transaction: pending → building, one attempt more; None when it is not pending."""
    return handoff_claim(
        queryset=ReportVersion.objects,
        pk=version_id,
        pending_status=ReportVersion.Status.PENDING,
        running_status=ReportVersion.Status.BUILDING,
    )


def _version_store(*, version: ReportVersion, fields: list[str]) -> bool:
    """Short transaction: store the result while this render still owns the version."""
    with transaction.atomic():
        owned = handoff_owned(
            queryset=ReportVersion.objects,
            pk=version.pk,
            running_status=ReportVersion.Status.BUILDING,
            started_at=version.started_at,
        )
        if owned is None:
            logger.warning(
                "report version %s was taken over while it rendered; this result is dropped", version.pk
            )
            return False
        version.save(update_fields=fields)
    return True


def report_version_build(*, version_id: int) -> ReportVersion:
    """Render one pending version to PDF/UA. A failure is stored on the version for staff to read.

    No transaction or row lock is held while it renders (admin pages listing the versions must not
    wait for it): the version is claimed (pending → building) in one short transaction and the
    result stored in another, only if no other task took the version over meanwhile. A second
    task for the same version finds it no longer pending and does nothing."""
    from pypdf import PdfReader

    from vzhg.pdf import render_pdf

    version = _version_claim(version_id=version_id)
    if version is None:
        return ReportVersion.objects.get(pk=version_id)
    try:
        pdf = render_pdf(
            template_name=PDF_TEMPLATES[version.kind],
            context={
                **document_context(kind=version.kind, year=version.year),
                "pdf": True,
                "version": version,
            },
            language="nl",
        )
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
    except Exception as error:  # noqa: BLE001 - a build must end in a state staff can see
        logger.exception("report version %s failed", version.pk)
        version.status = ReportVersion.Status.FAILED
        version.error = _("The PDF could not be made: %(error)s") % {"error": error}
        version.built_at = timezone.now()
        _version_store(version=version, fields=["status", "error", "built_at"])
        return version
    name = f"{version.kind}-{version.year}-v{version.version}.pdf"
    version.file.save(name, ContentFile(pdf), save=False)
    version.page_count = pages
    version.size = len(pdf)
    version.status = ReportVersion.Status.READY
    version.built_at = timezone.now()
    if not _version_store(version=version, fields=["file", "page_count", "size", "status", "built_at"]):
        version.file.delete(save=False)
        version.refresh_from_db()
    return version


def report_versions_sweep(*, now: datetime.datetime | None = None) -> int:
    """Run by Celery beat: hand pending versions to the worker again and put versions a dead
    worker left building back to pending (failed after BUILD_MAX_ATTEMPTS). Returns how many it
    handed over."""
    from governance.board.packs import (
        BUILD_MAX_ATTEMPTS,
        HANDED_REDISPATCH_AFTER,
        PENDING_REDISPATCH_AFTER,
        _build_stopped_message,
    )
    from governance.tasks import report_version_build_task
    from vzhg.tasks import handoffs_sweep, task_dispatch

    def give_up(version: ReportVersion, now) -> list[str]:
        version.status = ReportVersion.Status.FAILED
        version.error = _build_stopped_message(version.attempts)
        version.built_at = now
        return ["status", "error", "built_at"]

    return handoffs_sweep(
        queryset=ReportVersion.objects.all(),
        running_status=ReportVersion.Status.BUILDING,
        pending_status=ReportVersion.Status.PENDING,
        stale_after=VERSION_STALE_AFTER,
        pending_after=PENDING_REDISPATCH_AFTER,
        handed_after=HANDED_REDISPATCH_AFTER,
        max_attempts=BUILD_MAX_ATTEMPTS,
        give_up=give_up,
        dispatch=lambda version_id: task_dispatch(
            report_version_build_task, args=(version_id,), on_handed=_noter(version_id)
        ),
        now=now or timezone.now(),
        label="report version",
    )


@transaction.atomic
def report_version_publish(*, version: ReportVersion) -> ReportVersion:
    """Make this version the public PDF of its document (one published version at a time). The
    document itself must be public: an adopted workplan or a published annual report."""
    if version.status != ReportVersion.Status.READY:
        raise ServiceError(_("Only a finished PDF can be published."))

    if not selectors.document_is_public(kind=version.kind, year=version.year):
        if version.kind == ReportVersion.Kind.WORKPLAN:
            raise ServiceError(_("Adopt the workplan before publishing its PDF."))
        raise ServiceError(_("Publish the annual report before publishing its PDF."))
    ReportVersion.objects.select_for_update().filter(kind=version.kind, year=version.year).exclude(
        pk=version.pk
    ).update(published_at=None)
    version.published_at = timezone.now()
    version.save(update_fields=["published_at"])
    return version
