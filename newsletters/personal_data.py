"""The newsletters part of a person's AVG export: subscriptions to every list (one query, however
many lists), by person or by any of their own addresses (registered in NewslettersConfig.ready();
see vzhg.personal_data)."""

from django.db.models import Q
from django.db.models.functions import Lower

from .models import Subscription


def export(*, person, addresses: set[str]) -> dict:
    subscriptions = (
        Subscription.objects.annotate(email_lower=Lower("email"))
        .filter(Q(person=person) | Q(email_lower__in=sorted(addresses)))
        .select_related("newsletter_list")
        .order_by("newsletter_list__order", "newsletter_list_id", "email")
    )
    return {
        "newsletter_subscriptions": [
            {
                "list": subscription.newsletter_list.name,
                "email": subscription.email,
                "status": subscription.status,
                "created_at": subscription.created_at.isoformat(),
                "confirmed_at": subscription.confirmed_at.isoformat() if subscription.confirmed_at else None,
                "unsubscribed_at": subscription.unsubscribed_at.isoformat()
                if subscription.unsubscribed_at
                else None,
            }
            for subscription in subscriptions
        ],
    }
