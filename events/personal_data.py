"""The events part of a person's AVG export (registered in EventsConfig.ready(); see
vzhg.personal_data): their registrations, and the walk-ins added at the door under one of their
e-mail addresses."""

from django.db.models import Prefetch

from .models import Registration, WorkshopChoice
from .questions import answers_prefetch


def export(*, person, addresses: set[str]) -> dict:
    registrations = (
        Registration.objects.filter(person=person)
        .select_related("event")
        .prefetch_related(
            "choices__session",
            Prefetch(
                "ranked_choices",
                queryset=WorkshopChoice.objects.select_related("session", "round").order_by(
                    "round__number", "rank"
                ),
            ),
            answers_prefetch(),
        )
        .order_by("created_at")
    )
    return {
        "event_registrations": [
            {
                "event": registration.event.title,
                "starts_at": registration.event.starts_at.isoformat(),
                "status": registration.status,
                "workshops": [choice.session.title for choice in registration.choices.all()],
                "workshop_choices": [
                    {"round": str(choice.round), "rank": choice.rank, "workshop": choice.session.title}
                    for choice in registration.ranked_choices.all()
                ],
                "remarks": registration.remarks,
                "answers": [
                    {"question": answer.question.label, "answer": answer.display}
                    for answer in registration.answers.all()
                ],
                "attended": registration.attended,
                "created_at": registration.created_at.isoformat(),
            }
            for registration in registrations
        ],
        "event_walk_ins": _walk_ins(addresses=addresses),
    }


def _walk_ins(*, addresses: set[str]) -> list[dict]:
    """Walk-ins added at the door under one of the person's own addresses: they are not Person
    rows (issue 15), so only the e-mail address the door staff typed in links them to this
    person. No addresses, no query."""
    if not addresses:
        return []
    walk_ins = (
        Registration.objects.filter(walk_in=True, walk_in_email__in=sorted(addresses))
        .select_related("event", "organisation")
        .order_by("created_at", "pk")
    )
    return [
        {
            "event": registration.event.title,
            "starts_at": registration.event.starts_at.isoformat(),
            "name": registration.walk_in_name,
            "organisation": registration.organisation.name if registration.organisation_id else "",
            "email": registration.walk_in_email,
            "attended": registration.attended,
            "checked_in_at": registration.attended_at.isoformat() if registration.attended_at else None,
        }
        for registration in walk_ins
    ]


def forget(*, person_ids: list[int]) -> int:
    """A registration's history rows name the person and hold the remarks; the registration
    itself lost its person when the person was deleted (SET_NULL, which writes no history).
    Its ranked workshop choices (WorkshopChoice) and allocation runs name only the registration,
    never the person, and keep no history: once the registration is anonymous, so are they."""
    return Registration.history.filter(person_id__in=person_ids).update(person=None, remarks="")
