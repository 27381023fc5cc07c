"""The governance part of a person's AVG export: mandates, personal notes, workplan activities,
progress reports, meeting attendance and actions, and at the ALV: delegations (with the proxies
their municipality gave or carried), check-ins, ballots cast, candidacies, convocations and
late-document notices received; and how governance forgets deleted people in its history rows
(registered in GovernanceConfig.ready(); see vzhg.personal_data)."""

from .assembly_personal_data import assembly_export, assembly_forget
from .models import Action, Attendance, Mandate, PersonalNote, PlannedActivity, ProgressReport


def export(*, person, addresses: set[str]) -> dict:
    return {
        "mandates": [
            {
                "body": mandate.body.name,
                "role": mandate.role,
                "start": mandate.start.isoformat(),
                "end": mandate.end.isoformat() if mandate.end else None,
            }
            for mandate in Mandate.objects.filter(person=person).select_related("body").order_by("start")
        ],
        "personal_notes": [
            {"document": note.document.title, "text": note.text, "updated_at": note.updated_at.isoformat()}
            for note in PersonalNote.objects.filter(user_id=person.user_id).select_related("document")
        ]
        if person.user_id
        else [],
        "workplan_activities_responsible_for": [
            {"year": activity.workplan.year, "activity": activity.title}
            for activity in PlannedActivity.objects.filter(responsible=person)
            .select_related("workplan")
            .order_by("workplan__year", "order")
        ],
        "progress_reports_written": [
            {
                "year": report.activity.workplan.year,
                "activity": report.activity.title,
                "half": report.half,
                "light": report.light,
                "text": report.text,
                "updated_at": report.updated_at.isoformat(),
            }
            for report in ProgressReport.objects.filter(written_by_id=person.user_id)
            .select_related("activity__workplan")
            .order_by("updated_at")
        ]
        if person.user_id
        else [],
        "meeting_attendance": [
            {
                "meeting": row.meeting.title,
                "date": row.meeting.starts_at.isoformat(),
                "attendance": row.status,
            }
            for row in Attendance.objects.filter(person=person)
            .select_related("meeting")
            .order_by("meeting__starts_at")
        ],
        "actions": [
            {
                "body": action.body.name,
                "action": action.title,
                "due": action.due.isoformat() if action.due else None,
                "status": action.status,
            }
            for action in Action.objects.filter(owner=person).select_related("body").order_by("created_at")
        ],
        **assembly_export(person=person),
    }


def forget(*, person_ids: list[int]) -> int:
    """The history rows that still name people deleted long ago: an action's owner, and the
    ALV's delegates, deputies and check-ins (the delegation itself lost its person when the
    person was deleted; the municipality's delegation, presence and votes stay)."""
    return Action.history.filter(owner_id__in=person_ids).update(owner=None) + assembly_forget(
        person_ids=person_ids
    )
