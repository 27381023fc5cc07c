"""What the reports add to the board portal: the links to this year's workplan (with its progress
reports) and last year's annual report, for today's board and for the secretariat through its
permissions on those documents."""

from django.utils import timezone

from governance.models import AnnualReport, ReportVersion, Workplan

from . import access


def portal_context(user) -> dict:
    year = timezone.localdate().year
    board = access.is_board_member(user) or (
        access.has_concept_permission(user, kind=ReportVersion.Kind.WORKPLAN)
        and access.has_concept_permission(user, kind=ReportVersion.Kind.ANNUAL_REPORT)
        and access.has_progress_permission(user)
    )
    return {
        "board": board,
        "workplan": Workplan.objects.filter(year=year).first() if board else None,
        "annual_report": AnnualReport.objects.filter(year=year - 1).first() if board else None,
    }
