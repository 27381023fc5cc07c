"""The events part of a person's AVG export (registered in EventsConfig.ready(); see
vzhg.personal_data)."""

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
    }


def forget(*, person_ids: list[int]) -> int:
    """A registration's history rows name the person and hold the remarks; the registration
    itself lost its person when the person was deleted (SET_NULL, which writes no history).
    Its ranked workshop choices (WorkshopChoice) and allocation runs name only the registration,
    never the person, and keep no history: once the registration is anonymous, so are they."""
    return Registration.history.filter(person_id__in=person_ids).update(person=None, remarks="")
