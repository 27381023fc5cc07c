"""Reads for editions, subscriptions and delivery progress, with their relations loaded."""

from django.db.models import Count, F, FilteredRelation, Q, QuerySet

from vzhg.mail.bounces import undeliverable_emails

from .models import Delivery, Newsletter, NewsletterList, Subscription

# Who reads concept editions and every list's archive: whoever may view editions in the admin.
# Staff status alone gives nothing.
STAFF_READ_PERMISSION = "newsletters.view_newsletter"


def newsletter_full(queryset: QuerySet[Newsletter] | None = None) -> QuerySet[Newsletter]:
    """Editions with their sections and items prefetched in order (three queries in all), and the
    events or meetings items link (one more query per kind linked)."""
    queryset = Newsletter.objects.all() if queryset is None else queryset
    return queryset.prefetch_related("sections__items__linked")  # each in its Meta order: order, then pk


def newsletters_published(*, newsletter_list: NewsletterList | None = None) -> QuerySet[Newsletter]:
    """A list's archive (default: the general newsletter's): editions that have been (or are
    being) sent, newest first."""
    on_list = Q(newsletter_list=newsletter_list) if newsletter_list else Q(newsletter_list__is_general=True)
    return Newsletter.objects.filter(on_list, status__in=Newsletter.PUBLISHED_STATUSES)


def newsletter_list_readable(*, newsletter_list: NewsletterList, user) -> bool:
    """Whether `user` may read a list's archive and editions: anyone for a public list; for a
    closed one, whoever may view editions in the admin, or a person with a confirmed
    subscription to it (linked to them, or at their address)."""
    if newsletter_list.public:
        return True
    if not user.is_authenticated or not user.is_active:
        return False
    if user.has_perm(STAFF_READ_PERMISSION):
        return True
    from members.selectors import person_for_user

    person = person_for_user(user=user)
    if person is None:
        return False
    return (
        subscriptions_confirmed()
        .filter(Q(person=person) | Q(email__iexact=person.email), newsletter_list=newsletter_list)
        .exists()
    )


def newsletter_lists_for_person(*, person) -> list[tuple[NewsletterList, Subscription | None]]:
    """The profile's lists: every list open to subscribe, and the closed lists the person is on
    (so they can leave them), each with the person's subscription to it (linked to them, else
    the one of their address) or None. One query, whatever the number of lists."""
    mine = Q(subscriptions__person=person)
    if person.email:
        mine |= Q(subscriptions__email__iexact=person.email)
    rows = (
        NewsletterList.objects.annotate(mine=FilteredRelation("subscriptions", condition=mine))
        .filter(
            Q(self_service=True) | (Q(mine__isnull=False) & ~Q(mine__status=Subscription.Status.UNSUBSCRIBED))
        )
        .annotate(
            mine_id=F("mine__id"),
            mine_email=F("mine__email"),
            mine_person_id=F("mine__person_id"),
            mine_status=F("mine__status"),
            mine_bounced_at=F("mine__bounced_at"),
        )
        .order_by("-is_general", "order", "name", "pk", F("mine__person_id").desc(nulls_last=True))
    )
    found: dict[int, tuple[NewsletterList, Subscription | None]] = {}
    for row in rows:
        if row.pk in found:
            continue
        subscription = None
        if row.mine_id is not None:
            subscription = Subscription(
                pk=row.mine_id,
                newsletter_list=row,
                email=row.mine_email,
                person_id=row.mine_person_id,
                status=row.mine_status,
                bounced_at=row.mine_bounced_at,
            )
        found[row.pk] = (row, subscription)
    return list(found.values())


def newsletter_progress(*, newsletter: Newsletter) -> dict[str, int]:
    counts = newsletter.deliveries.aggregate(
        total=Count("pk"),
        # Waiting, including the ones being handed to the relay right now.
        queued=Count("pk", filter=Q(status__in=[Delivery.Status.QUEUED, Delivery.Status.SENDING])),
        sent=Count("pk", filter=Q(status=Delivery.Status.SENT)),
        failed=Count("pk", filter=Q(status=Delivery.Status.FAILED)),
    )
    return counts


def subscriptions_active(*, newsletter_list: NewsletterList | int | None = None) -> QuerySet[Subscription]:
    """Who gets the next edition: confirmed, never bounced, and not an undeliverable address
    (vzhg.mail.bounces: bounces read from the bounce mailbox); of one list when given."""
    queryset = subscriptions_confirmed().exclude(email__in=undeliverable_emails())
    if newsletter_list is not None:
        queryset = queryset.filter(newsletter_list=newsletter_list)
    return queryset


def subscriptions_confirmed() -> QuerySet[Subscription]:
    """Confirmed and never refused by the relay (whatever the bounce mailbox says)."""
    return Subscription.objects.filter(status=Subscription.Status.CONFIRMED, bounced_at__isnull=True)


def subscriptions_undeliverable_count(*, newsletter_list: NewsletterList | int | None = None) -> int:
    """Confirmed subscriptions an edition skips because their address is undeliverable."""
    queryset = subscriptions_confirmed().filter(email__in=undeliverable_emails())
    if newsletter_list is not None:
        queryset = queryset.filter(newsletter_list=newsletter_list)
    return queryset.count()


def subscription_for_person(
    *, person, lock: bool = False, newsletter_list: NewsletterList | None = None
) -> Subscription | None:
    """The person's subscription to a list (default: the general newsletter): the one linked to
    them, else the one of their address. `lock`: select it for update (a service about to change it)."""
    if person is None:
        return None
    newsletter_list = newsletter_list or NewsletterList.objects.general()
    queryset = Subscription.objects.filter(
        Q(person=person) | Q(email__iexact=person.email), newsletter_list=newsletter_list
    )
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
