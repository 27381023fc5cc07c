"""What the ALV keeps on a person, for the AVG export (governance.personal_data): the person's
delegations (as delegate or deputy, with the proxies their municipality gave or carried), the
check-ins that name them, the ballots their account cast, their candidacies, and the convocations
and late-document notices sent to them. One query per section, whatever the number of rows.
And how the ALV's history rows forget people deleted long ago."""

from django.db.models import Q

from .models import Ballot, Candidate, ConvocationRecipient, Delegate, LateDocumentNotice, Presence, Proxy


def _meeting(meeting) -> dict:
    return {"meeting": meeting.title, "date": meeting.starts_at.isoformat()}


def _delegations(person) -> list[dict]:
    delegations = list(
        Delegate.objects.filter(Q(person=person) | Q(deputy=person))
        .select_related("meeting", "municipality")
        .order_by("meeting__starts_at", "pk")
    )
    if not delegations:
        return []
    proxies = list(
        Proxy.objects.filter(meeting__in={d.meeting_id for d in delegations})
        .select_related("grantor", "holder")
        .order_by("grantor__name")
    )
    return [
        {
            **_meeting(delegation.meeting),
            "municipality": delegation.municipality.name,
            "as": "delegate" if delegation.person_id == person.pk else "deputy",
            "proxy_given_to": next(
                (
                    p.holder.name
                    for p in proxies
                    if p.meeting_id == delegation.meeting_id and p.grantor_id == delegation.municipality_id
                ),
                None,
            ),
            "proxies_held_for": [
                p.grantor.name
                for p in proxies
                if p.meeting_id == delegation.meeting_id and p.holder_id == delegation.municipality_id
            ],
            "updated_at": delegation.updated_at.isoformat(),
        }
        for delegation in delegations
    ]


def assembly_export(*, person) -> dict:
    return {
        "alv_delegations": _delegations(person),
        "alv_check_ins": [
            {
                **_meeting(presence.meeting),
                "municipality": presence.municipality.name,
                "checked_in_at": presence.checked_in_at.isoformat(),
                "checked_in_themselves": presence.self_check_in,
            }
            for presence in Presence.objects.filter(person=person)
            .select_related("meeting", "municipality")
            .order_by("checked_in_at")
        ],
        "alv_ballots_cast": [
            {
                **_meeting(ballot.vote.meeting),
                "vote": ballot.vote.title,
                "for_municipality": ballot.municipality.name,
                "choice": ballot.choice,  # blank once a secret vote closed
                "cast_at": ballot.cast_at.isoformat(),
            }
            for ballot in Ballot.objects.filter(cast_by_id=person.user_id)
            .select_related("vote__meeting", "municipality")
            .order_by("cast_at")
        ]
        if person.user_id
        else [],
        "alv_candidacies": [
            {
                **_meeting(candidate.vote.meeting),
                "election": candidate.vote.title,
                "elected": candidate.vote.elected_id == person.pk,
                "votes": candidate.votes,
            }
            for candidate in Candidate.objects.filter(person=person)
            .select_related("vote__meeting")
            .order_by("vote__opened_at")
        ],
        "convocations_received": [
            {
                **_meeting(row.meeting),
                "municipality": row.organisation.name,
                "kind": row.kind,
                "round": row.round,
                "created_at": row.created_at.isoformat(),
            }
            for row in ConvocationRecipient.objects.filter(person=person)
            .select_related("meeting", "organisation")
            .order_by("created_at", "pk")
        ],
        "late_document_notices": [
            {
                **_meeting(notice.document.item.meeting),
                "document": notice.document.title,
                "created_at": notice.created_at.isoformat(),
            }
            for notice in LateDocumentNotice.objects.filter(person=person)
            .select_related("document__item__meeting")
            .order_by("created_at", "pk")
        ],
    }


def assembly_forget(*, person_ids: list[int]) -> int:
    """Blank deleted people in the ALV's history rows: a delegation's earlier versions keep the
    municipality and the meeting, not who was delegate or deputy; a check-in's keep the time."""
    delegates = Delegate.history.filter(person_id__in=person_ids).update(person=None)
    deputies = Delegate.history.filter(deputy_id__in=person_ids).update(deputy=None)
    presences = Presence.history.filter(person_id__in=person_ids).update(person=None)
    return delegates + deputies + presences
