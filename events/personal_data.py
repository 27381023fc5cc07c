"""The events part of a person's AVG export (registered in EventsConfig.ready(); see
vzhg.personal_data)."""

from .models import Registration


def export(*, person, addresses: set[str]) -> dict:
    registrations = (
        Registration.objects.filter(person=person)
        .select_related("event")
        .prefetch_related("choices__session")
        .order_by("created_at")
    )
    return {
        "event_registrations": [
            {
                "event": registration.event.title,
                "starts_at": registration.event.starts_at.isoformat(),
                "status": registration.status,
                "workshops": [choice.session.title for choice in registration.choices.all()],
                "remarks": registration.remarks,
                "attended": registration.attended,
                "created_at": registration.created_at.isoformat(),
            }
            for registration in registrations
        ],
    }
