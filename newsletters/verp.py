"""The newsletter's part of the bounce mailbox (vzhg/mail/verp.py), registered from ready():

- "d<id>": the envelope sender of a Delivery, so a bounce counts against its subscription's address;
- "u<id>": the mailto: address of List-Unsubscribe for a Subscription; a mail to it (whatever
  its subject or text) unsubscribes that subscription, as the one-click link does.
"""

from __future__ import annotations

from datetime import datetime

DELIVERY_KIND = "d"
UNSUBSCRIBE_KIND = "u"


def _delivery_recipient(pk: int) -> str | None:
    from .models import Delivery

    return Delivery.objects.filter(pk=pk).values_list("subscription__email", flat=True).first()


def _sent_last(emails: list[str], before: datetime) -> dict[str, datetime]:
    from django.db.models import Max

    from .models import Delivery

    rows = (
        Delivery.objects.filter(
            subscription__email__in=emails, status=Delivery.Status.SENT, sent_at__lte=before
        )
        .values("subscription__email")
        .annotate(last=Max("sent_at"))
    )
    return {row["subscription__email"]: row["last"] for row in rows}


def _unsubscribe(pk: int) -> bool:
    from .models import Subscription
    from .services.subscriptions import subscription_unsubscribe

    subscription = Subscription.objects.filter(pk=pk).first()
    if subscription is None:
        return False
    subscription_unsubscribe(subscription=subscription, reason="unsubscribed by mail (List-Unsubscribe)")
    return True


def newsletters_verp_register() -> None:
    from vzhg.mail.verp import VerpKind, verp_kind_register

    verp_kind_register(
        kind=DELIVERY_KIND, about=VerpKind(recipient=_delivery_recipient, sent_last=_sent_last)
    )
    verp_kind_register(kind=UNSUBSCRIBE_KIND, about=VerpKind(unsubscribe=_unsubscribe))


def unsubscribe_mailto(subscription) -> str | None:
    """The address of List-Unsubscribe's mailto: for a subscription, on the bounce mailbox; None
    when bounces are not set up (MAIL_BOUNCE_ADDRESS empty)."""
    from vzhg.mail.verp import verp_address

    return verp_address(kind=UNSUBSCRIBE_KIND, pk=subscription.pk)
