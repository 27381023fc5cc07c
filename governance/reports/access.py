"""Who reads and writes what of the workplan and the annual report before it is public."""

from __future__ import annotations

from django.utils import timezone

from governance.models import (
    Body,
    Mandate,
    PlannedActivity,
    ReportVersion,
)

# Who reads what is not public yet. Staff status alone gives nothing: the secretariat reads
# through the model permissions of its group (members.services.secretariat_group_ensure), today's
# AB and DB members through their mandate.
CONCEPT_PERMISSIONS = {
    ReportVersion.Kind.WORKPLAN: "governance.view_workplan",
    ReportVersion.Kind.ANNUAL_REPORT: "governance.view_annualreport",
}


# The half-year progress reports: reading and writing every activity's traffic light.
PROGRESS_READ_PERMISSION = "governance.view_progressreport"


PROGRESS_WRITE_PERMISSION = "governance.change_progressreport"


# Ledenbinding (member engagement per municipality) belongs to the annual report.
ENGAGEMENT_PERMISSION = CONCEPT_PERMISSIONS[ReportVersion.Kind.ANNUAL_REPORT]


def _has_perm(user, permission: str) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_perm(permission))


def is_board_member(user) -> bool:
    """Today's AB and DB members."""
    if not user.is_authenticated:
        return False
    today = timezone.localdate()
    return (
        Mandate.objects.active_on(today)
        .filter(
            body__kind__in=[Body.Kind.AB, Body.Kind.DB],
            person__user=user,
        )
        .exists()
    )


def has_concept_permission(user, *, kind: str) -> bool:
    return _has_perm(user, CONCEPT_PERMISSIONS[kind])


def has_progress_permission(user) -> bool:
    return _has_perm(user, PROGRESS_READ_PERMISSION)


def has_engagement_permission(user) -> bool:
    return _has_perm(user, ENGAGEMENT_PERMISSION)


def may_read_concept(user, *, kind: str) -> bool:
    """Concepts and unpublished PDF versions of the workplan or the annual report: today's board,
    and whoever may view that document in the admin."""
    return has_concept_permission(user, kind=kind) or is_board_member(user)


def may_write_progress(*, user, activity: PlannedActivity, on_board: bool | None = None) -> bool:
    """Whoever may change progress reports, and the board members responsible for the activity
    (while on the board). Pass `on_board` when it is already known, to spare the query (the
    activity's `responsible` should be prefetched when this is asked for many activities)."""
    if not user.is_authenticated:
        return False
    if _has_perm(user, PROGRESS_WRITE_PERMISSION):
        return True
    if not any(person.user_id == user.pk for person in activity.responsible.all()):
        return False
    return is_board_member(user) if on_board is None else on_board
