"""Reads for editions, subscriptions and delivery progress, with their relations loaded."""

from django.db.models import Count, Q, QuerySet

from vzhg.mail.bounces import undeliverable_emails

from .models import Delivery, Newsletter, Subscription


def newsletter_full(queryset: QuerySet[Newsletter] | None = None) -> QuerySet[Newsletter]:
    """Editions with their sections and items prefetched in order (three queries in all), and the
    events or meetings items link (one more query per kind linked)."""
    queryset = Newsletter.objects.all() if queryset is None else queryset
    return queryset.prefetch_related("sections__items__linked")  # each in its Meta order: order, then pk


def newsletters_published() -> QuerySet[Newsletter]:
    """The public archive: editions that have been (or are being) sent, newest first."""
    return Newsletter.objects.filter(status__in=Newsletter.PUBLISHED_STATUSES)


def newsletter_progress(*, newsletter: Newsletter) -> dict[str, int]:
    counts = newsletter.deliveries.aggregate(
        total=Count("pk"),
        # Waiting, including the ones being handed to the relay right now.
        queued=Count("pk", filter=Q(status__in=[Delivery.Status.QUEUED, Delivery.Status.SENDING])),
        sent=Count("pk", filter=Q(status=Delivery.Status.SENT)),
        failed=Count("pk", filter=Q(status=Delivery.Status.FAILED)),
    )
    return counts


def subscriptions_active() -> QuerySet[Subscription]:
    """Who gets the next edition: confirmed, never bounced, and not an undeliverable address
    (vzhg.mail.bounces: bounces read from the bounce mailbox)."""
    return subscriptions_confirmed().exclude(email__in=undeliverable_emails())


def subscriptions_confirmed() -> QuerySet[Subscription]:
    """Confirmed and never refused by the relay (whatever the bounce mailbox says)."""
    return Subscription.objects.filter(status=Subscription.Status.CONFIRMED, bounced_at__isnull=True)


def subscriptions_undeliverable_count() -> int:
    """Confirmed subscriptions an edition skips because their address is undeliverable."""
    return subscriptions_confirmed().filter(email__in=undeliverable_emails()).count()


def subscription_for_person(*, person, lock: bool = False) -> Subscription | None:
    """The person's subscription: the one linked to them, else the one of their address.
    `lock`: select it for update (a service about to change it)."""
    if person is None:
        return None
    queryset = Subscription.objects.filter(Q(person=person) | Q(email__iexact=person.email))
    if lock:
        queryset = queryset.select_for_update()
    return queryset.order_by("-person_id").first()


def newsletter_report(*, newsletter: Newsletter) -> dict[str, int]:
    """How an edition went out, in one query: delivered to the relay, failed, the readers whose
    address has since turned out undeliverable, and those who unsubscribed after it was sent."""
    from django.db.models import Min

    first_sent = newsletter.deliveries.aggregate(first=Min("sent_at"))["first"]
    since = Q(subscription__unsubscribed_at__gte=first_sent) if first_sent else Q(pk__in=[])
    return newsletter.deliveries.aggregate(
        sent=Count("pk", filter=Q(status=Delivery.Status.SENT)),
        failed=Count("pk", filter=Q(status=Delivery.Status.FAILED)),
        undeliverable=Count(
            "pk",
            filter=Q(subscription__bounced_at__isnull=False)
            | Q(subscription__email__in=undeliverable_emails()),  # refused by the relay, or bounced later
        ),
        unsubscribed=Count("pk", filter=since & Q(subscription__status=Subscription.Status.UNSUBSCRIBED)),
    )


def newsletter_undeliverable(*, newsletter: Newsletter, limit: int = 200) -> list[Subscription]:
    """The edition's readers whose address is undeliverable now (refused by the relay, or bounced
    later: vzhg.mail.bounces), in one query, each with `mail_undeliverable_since`, `mail_last_bounce_at` and
    `mail_bounce_reason` (vzhg.mail.bounce_state) beside its own `bounced_at`/`bounce_reason`."""
    from vzhg.mail.bounce_state import bounce_state_annotate

    readers = Subscription.objects.filter(deliveries__newsletter=newsletter)
    return list(
        bounce_state_annotate(readers)
        .filter(Q(bounced_at__isnull=False) | Q(mail_undeliverable_since__isnull=False))
        .order_by("email")[:limit]
    )
