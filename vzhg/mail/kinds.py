"""What each kind of outgoing mail is called for the secretariat (the outbox in the admin).

The kind stored on an OutgoingMail row is a technical key ("events.registration.confirmed");
this names it in words. A kind that is not listed here shows its key, so nothing is hidden."""

from django.utils.translation import gettext_lazy as _

KIND_LABELS = {
    "account": _("Account mail (login code, password, address)"),
    "events.registration.confirmed": _("Registration confirmation"),
    "events.registration.waitlisted": _("Registration on the waiting list"),
    "events.registration.promoted": _("Place from the waiting list"),
    "events.registration.changed": _("Registration changed"),
    "events.registration.cancelled": _("Registration cancellation"),
    "events.invitation": _("Event invitation"),
    "events.reminder": _("Event reminder"),
    "events.cancelled": _("Event cancelled"),
    "governance-published": _("Meeting notice"),
    "governance-reminder": _("Meeting reminder"),
    "newsletter-confirm": _("Newsletter: confirm subscription"),
    "newsletter-test": _("Newsletter: test mail"),
}


def mail_kind_label(kind: str) -> str:
    """The kind of a mail in words, in the active language ("Bevestiging aanmelding")."""
    if not kind:
        return "–"
    return str(KIND_LABELS.get(kind, kind))
