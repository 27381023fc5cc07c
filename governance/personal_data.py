"""The governance part of a person's AVG export: mandates, personal notes, workplan activities,
progress reports, meeting attendance and actions, VNG commission seats and recommendation
requests, and at the ALV: delegations (with the proxies
their municipality gave or carried), check-ins, ballots cast, candidacies, convocations and
late-document notices received; and how governance forgets deleted people in its history rows
(registered in GovernanceConfig.ready(); see vzhg.personal_data)."""

from .assembly_personal_data import assembly_export, assembly_forget
from .models import (
    Action,
    Attendance,
    CommissionSeat,
    Mandate,
    PersonalNote,
    PlannedActivity,
    ProgressReport,
    RecommendationRequest,
)


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
        "vng_commission_seats": [
            {
                "commission": seat.commission.name,
                "start": seat.start.isoformat(),
                "end": seat.end.isoformat() if seat.end else None,
            }
            for seat in CommissionSeat.objects.filter(person=person)
            .select_related("commission")
            .order_by("start")
        ],
        "recommendation_requests": [
            {
                "commission": row.commission.name,
                "motivation": row.motivation,
                "status": row.status,
                "received_at": row.created_at.isoformat(),
                "discussed_in": row.meeting.title if row.meeting else None,
                "decided_on": row.decided_on.isoformat() if row.decided_on else None,
                "letter_text": row.letter_text,
            }
            for row in RecommendationRequest.objects.filter(person=person)
            .select_related("commission", "meeting")
            .order_by("created_at")
        ],
    }


def forget(*, person_ids: list[int]) -> int:
    """The history rows that still name people deleted long ago: an action's owner, and the
    ALV's delegates, deputies and check-ins (the delegation itself lost its person when the
    person was deleted; the municipality's delegation, presence and votes stay)."""
    # A person's recommendation requests go with the person (CASCADE); their history rows, which
    # hold the motivation, go when the person's own history goes.
    requests = RecommendationRequest.history.filter(person_id__in=person_ids).delete()[0]
    return (
        Action.history.filter(owner_id__in=person_ids).update(owner=None)
        + assembly_forget(person_ids=person_ids)
        + requests
    )
