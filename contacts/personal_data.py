"""The contacts part of a person's AVG export, and forgetting deleted people in the signals'
history (registered in ContactsConfig.ready()).

Retention: DOMAIN.md leaves the period to the client ("data retention: ask the client", §4);
CONTACTS_RETENTION_MONTHS (default 60) after a contact moment it loses its participants, report
and actions' owners, and a closed signal the person it came from (contacts.tasks). A deleted
person leaves every contact moment (the participant rows go with them), their follow-up actions
and signals lose them (SET_NULL), and `forget` blanks them in the signals' history once members'
purge of deleted people runs.
Contact moments keep no history of their participants (only their own fields)."""

from django.db.models import Q

from .models import ContactAction, ContactMoment, Signal


def export(*, person, addresses: set[str]) -> dict:
    moments = (
        ContactMoment.objects.filter(Q(our_participants=person) | Q(their_participants=person))
        .distinct()
        .select_related("theme")
        .order_by("date", "pk")
    )
    signals = (
        Signal.objects.filter(person=person)
        .select_related("theme", "organisation")
        .order_by("received_on", "pk")
    )
    actions = ContactAction.objects.filter(owner=person).select_related("contact_moment").order_by("pk")
    return {
        "contact_moments": [
            {
                "date": moment.date.isoformat(),
                "with": str(moment.get_counterpart_display()),
                "title": moment.title,
                "theme": moment.theme.name if moment.theme else None,
                "report": moment.report,
            }
            for moment in moments
        ],
        "contact_actions": [
            {
                "action": action.title,
                "contact_moment": str(action.contact_moment),
                "due": action.due.isoformat() if action.due else None,
                "done": action.done,
            }
            for action in actions
        ],
        "signals": [
            {
                "title": signal.title,
                "text": signal.text,
                "received_on": signal.received_on.isoformat(),
                "theme": signal.theme.name if signal.theme else None,
                "organisation": signal.organisation.name if signal.organisation else None,
                "status": str(signal.get_status_display()),
                "outcome": signal.outcome,
            }
            for signal in signals
        ],
    }


def forget(*, person_ids: list[int]) -> int:
    """A signal's history rows name the person it came from; the signal itself lost them when
    the person was deleted (SET_NULL, which writes no history)."""
    return Signal.history.filter(person_id__in=person_ids).update(person=None)
