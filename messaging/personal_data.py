"""The messaging part of a person's AVG export (registered in MessagingConfig.ready())."""

from .models import MessageRecipient


def export(*, person, addresses: set[str]) -> dict:
    rows = (
        MessageRecipient.objects.filter(person=person)
        .select_related("message", "mail")
        .order_by("message__sent_at", "pk")
    )
    return {
        "messages_received": [
            {
                "subject": row.message.subject,
                "sent_at": row.message.sent_at.isoformat() if row.message.sent_at else None,
                "address": row.email,
                "status": row.mail.status if row.mail else ("undeliverable" if row.undeliverable else None),
            }
            for row in rows
        ],
    }
