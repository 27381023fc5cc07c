"""The kinds of outgoing mail, named one way, and what each is called for the secretariat (the
outbox in the admin).

A kind is a technical key stored on an OutgoingMail row: the label of the app that sends it,
then what it is about, then what happened, in lower-case words joined by dots
("events.registration.confirmed", "governance.meeting.reminder"). This names it in words. A kind
that is not listed here shows its key, so nothing is hidden."""

from django.utils.translation import gettext_lazy as _

KIND_LABELS = {
    "members.account": _("Account mail (login code, password, address)"),
    "events.registration.confirmed": _("Registration confirmation"),
    "events.registration.waitlisted": _("Registration on the waiting list"),
    "events.registration.promoted": _("Place from the waiting list"),
    "events.registration.changed": _("Registration changed"),
    "events.registration.cancelled": _("Registration cancellation"),
    "events.workshop.assigned": _("Workshop place assigned"),
    "events.workshop.allocated": _("Workshop allocation result"),
    "events.invitation": _("Event invitation"),
    "events.invitation.test": _("Event invitation: test mail"),
    "events.reminder": _("Event reminder"),
    "events.cancelled": _("Event cancelled"),
    "events.updated": _("Event changed"),
    "governance.meeting.published": _("Meeting notice"),
    "governance.meeting.reminder": _("Meeting reminder"),
    "governance.meeting.convocation": _("Convocation of the general assembly (oproeping)"),
    "governance.convocation.reminder": _("Convocation reminder to respond"),
    "governance.documents.added": _("Meeting: document added or changed (nagekomen stuk)"),
    "governance.recommendation.decided": _("Recommendation for a VNG commission: decided"),
    "newsletters.subscription.confirm": _("Newsletter: confirm subscription"),
    "newsletters.test": _("Newsletter: test mail"),
    "messaging.message.sent": _("Message to a group"),
    "messaging.message.test": _("Message to a group: test mail"),
    "mail.relay.recovered": _("Mail server works again"),
}

# The names used before they were made one way (renamed in migration mail 0004).
RENAMED_KINDS = {
    "account": "members.account",
    "governance-published": "governance.meeting.published",
    "governance-reminder": "governance.meeting.reminder",
    "newsletter-confirm": "newsletters.subscription.confirm",
    "newsletter-test": "newsletters.test",
    "relay-alert": "mail.relay.recovered",
}


def mail_kind_label(kind: str) -> str:
    """The kind of a mail in words, in the active language ("Bevestiging aanmelding")."""
    if not kind:
        return "–"
    return str(KIND_LABELS.get(kind, kind))
