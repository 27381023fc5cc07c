"""Who is on the list: double opt-in from the subscribe page, the links in the mails
(confirm, unsubscribe), the profile switch, and the secretariat's imports and bounce clearing.

An unsubscribed address stays a row with that status, so no import or staff action revives it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_update_with_history

from members.models import Organisation, Person, Region, User
from vzhg.errors import ServiceError
from vzhg.history import history_note
from vzhg.mail.services import mail_queue, mail_reference
from vzhg.site import absolute_url, site_url

from .. import selectors
from ..models import NewsletterList, Subscription
from ..tokens import confirm_token, confirm_token_read, unsubscribe_token_read

CONFIRM_LINK_INVALID = gettext_lazy(
    "This confirmation link is not valid or has expired. Subscribe again to get a new one."
)


def _clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    validate_email(email)
    return email


def _list_or_general(newsletter_list: NewsletterList | None) -> NewsletterList:
    return newsletter_list if newsletter_list is not None else NewsletterList.objects.general()


def _closed_refuse(newsletter_list: NewsletterList) -> None:
    if not newsletter_list.self_service:
        raise ServiceError(
            _("Only the secretariat adds people to %(list)s.") % {"list": newsletter_list.name},
            code="closed_list",
        )


def subscription_request(*, email: str, newsletter_list: NewsletterList | None = None) -> Subscription:
    """The public subscribe page of a list (default: the general newsletter): a pending
    subscription and a confirmation mail. An address already on the list gets nothing new (the
    page says the same either way, so the page does not reveal who is subscribed). Raises
    ServiceError: "invalid_email" for an invalid address, "closed_list" for a list only the
    secretariat adds people to."""
    newsletter_list = _list_or_general(newsletter_list)
    _closed_refuse(newsletter_list)
    try:
        email = _clean_email(email)
    except ValidationError:
        raise ServiceError(
            _("Enter a valid e-mail address, such as name@gemeente.nl."), code="invalid_email"
        ) from None
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update()
            .filter(newsletter_list=newsletter_list, email__iexact=email)
            .first()
        )
        if subscription is not None and subscription.is_active:
            return subscription
        if subscription is None:
            person = Person.objects.filter(email__iexact=email).first()
            try:
                with transaction.atomic():
                    subscription = Subscription(
                        newsletter_list=newsletter_list, email=email, person=person,
                        status=Subscription.Status.PENDING, source=Subscription.Source.PUBLIC,
                    )  # fmt: skip
                    history_note(subscription, reason="asked on the subscribe page")
                    subscription.save(force_insert=True)
            except IntegrityError:
                # The same address sent twice at once: the other request made the row.
                return Subscription.objects.get(newsletter_list=newsletter_list, email__iexact=email)
        elif subscription.status == Subscription.Status.UNSUBSCRIBED:
            # Asking again is a new request: it waits for a new confirmation.
            subscription.status = Subscription.Status.PENDING
            history_note(subscription, reason="asked again on the subscribe page")
            subscription.save(update_fields=["status"])
        _confirmation_mail(subscription)
        return subscription


def _confirmation_mail(subscription: Subscription) -> None:
    link = absolute_url(reverse("newsletters:confirm", kwargs={"token": confirm_token(subscription)}))
    newsletter_list = subscription.newsletter_list
    if newsletter_list.is_general:
        subject = str(_("Confirm your subscription to the VZHG newsletter"))
    else:
        subject = str(_("Confirm your subscription to %(list)s") % {"list": newsletter_list.name})
    context = {"link": link, "site_url": site_url(), "subject": subject, "newsletter_list": newsletter_list}
    mail_queue(
        to=subscription.email,
        subject=subject,
        text=render_to_string("newsletters/mail/confirm.txt", context),
        html=render_to_string("newsletters/mail/confirm.html", context),
        kind="newsletters.subscription.confirm",
        sensitive=True,  # the link confirms the address: for its owner only
        reference=mail_reference(subscription),
    )


def subscription_confirm(*, token: str) -> Subscription:
    """The confirmation link. A bounced address that confirms again is given another chance."""
    data = confirm_token_read(token)
    if data is None:
        raise ServiceError(CONFIRM_LINK_INVALID, code="invalid_link")
    with transaction.atomic():
        subscription_id = data.get("s")
        if not isinstance(subscription_id, int):
            raise ServiceError(CONFIRM_LINK_INVALID, code="invalid_link")
        subscription = (
            Subscription.objects.select_for_update(of=("self",))
            .select_related("newsletter_list")
            .filter(pk=subscription_id)
            .first()
        )
        if subscription is None or subscription.email != data.get("e"):
            raise ServiceError(CONFIRM_LINK_INVALID, code="invalid_link")
        if not _token_list_matches(subscription, data.get("l")):
            raise ServiceError(CONFIRM_LINK_INVALID, code="invalid_link")
        if subscription.status == Subscription.Status.PENDING:
            subscription.status = Subscription.Status.CONFIRMED
            subscription.confirmed_at = timezone.now()
            subscription.unsubscribed_at = None
            subscription.bounced_at = None
            subscription.bounce_reason = ""
            history_note(subscription, reason="confirmed by the link in the mail")
            subscription.save()
        elif subscription.status == Subscription.Status.UNSUBSCRIBED:
            raise ServiceError(
                _("You unsubscribed after asking for this link. Subscribe again to get a new one."),
                code="unsubscribed",
            )
        return subscription


def _token_list_matches(subscription: Subscription, list_id: int | None) -> bool:
    """A token names its list; an old token (without one) is for the general newsletter only."""
    if list_id is None:
        return subscription.newsletter_list.is_general
    return subscription.newsletter_list_id == list_id


def subscription_for_unsubscribe_token(*, token: str) -> Subscription:
    read = unsubscribe_token_read(token)
    subscription = None
    if read is not None:
        subscription = Subscription.objects.select_related("newsletter_list").filter(pk=read[0]).first()
        if subscription is not None and not _token_list_matches(subscription, read[1]):
            subscription = None
    if subscription is None:
        raise ServiceError(
            _("This unsubscribe link is not valid. Check that you copied the whole link."),
            code="invalid_link",
        )
    return subscription


def subscription_unsubscribe(
    *, subscription: Subscription, actor: User | None = None, reason: str = "unsubscribed by link"
) -> Subscription:
    """Immediate; queued deliveries of an edition being sent are skipped from now on. `actor`:
    who did it (None for a link in a mail, whose token is not recorded); `reason` is kept in the
    subscription's history."""
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
        if subscription.status != Subscription.Status.UNSUBSCRIBED:
            subscription.status = Subscription.Status.UNSUBSCRIBED
            subscription.unsubscribed_at = timezone.now()
            history_note(subscription, actor=actor, reason=reason)
            subscription.save(update_fields=["status", "unsubscribed_at"])
        return subscription


def subscription_bounce_clear(*, subscription_ids: list[int], actor: User | None) -> int:
    """Staff found a bounce recorded wrongly (a relay problem blamed on the address): the
    addresses get the next edition again. Returns how many bounces were cleared."""
    with transaction.atomic():
        bounced = list(
            Subscription.objects.select_for_update().filter(pk__in=subscription_ids, bounced_at__isnull=False)
        )
        for subscription in bounced:
            subscription.bounced_at = None
            subscription.bounce_reason = ""
        bulk_update_with_history(
            bounced,
            Subscription,
            ["bounced_at", "bounce_reason"],
            default_user=actor,
            default_change_reason="bounce cleared",
        )
    return len(bounced)


def subscription_profile_set(
    *, person: Person, subscribe: bool, actor: User, newsletter_list: NewsletterList | None = None
) -> Subscription | None:
    """From the profile: the person's own address (verified by logging in) on or off a list
    (default: the general newsletter). A closed list (not self_service) can be left, not joined:
    ServiceError "closed_list"."""
    newsletter_list = _list_or_general(newsletter_list)
    with transaction.atomic():
        subscription = selectors.subscription_for_person(
            person=person, lock=True, newsletter_list=newsletter_list
        )
        if not subscribe:
            if subscription is not None:
                return subscription_unsubscribe(
                    subscription=subscription, actor=actor, reason="unsubscribed in the profile"
                )
            return None
        if subscription is None or subscription.status != Subscription.Status.CONFIRMED:
            _closed_refuse(newsletter_list)
        if subscription is None:
            subscription = Subscription(
                newsletter_list=newsletter_list, email=person.email, source=Subscription.Source.PUBLIC
            )
        subscription.person = person
        if not subscription.is_active:
            subscription.status = Subscription.Status.CONFIRMED
            subscription.confirmed_at = timezone.now()
            subscription.unsubscribed_at = None
            subscription.bounced_at = None
            subscription.bounce_reason = ""
        history_note(subscription, actor=actor, reason="subscribed in the profile")
        subscription.save()
        return subscription


def subscription_profile_lists_set(*, person: Person, list_ids: set[int], actor: User) -> dict[str, list]:
    """The profile's one form: the person is on exactly the lists ticked, of the lists the
    profile shows them (selectors.newsletter_lists_for_person). Returns the lists joined and left."""
    changed: dict[str, list] = {"joined": [], "left": []}
    with transaction.atomic():
        for newsletter_list, subscription in selectors.newsletter_lists_for_person(person=person):
            on = subscription is not None and subscription.is_active
            wanted = newsletter_list.pk in list_ids
            if wanted == on:
                continue
            if wanted and not newsletter_list.self_service:
                continue  # a closed list that bounced: not for the person to revive
            subscription_profile_set(
                person=person, subscribe=wanted, actor=actor, newsletter_list=newsletter_list
            )
            changed["joined" if wanted else "left"].append(newsletter_list)
    return changed


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    unsubscribed: list[str] = field(default_factory=list)
    invalid: list[tuple[int, str]] = field(default_factory=list)


def _subscribe_addresses(
    *,
    rows: list[tuple[str, Person | None]],
    source: str,
    report: ImportReport,
    actor: User | None,
    reason: str,
    newsletter_list: NewsletterList,
) -> None:
    wanted: dict[str, Person | None] = {}
    for email, person in rows:
        wanted.setdefault(email, person)
    existing = {
        subscription.email: subscription
        for subscription in Subscription.objects.filter(
            newsletter_list=newsletter_list, email__in=list(wanted)
        )
    }
    new = []
    now = timezone.now()
    for email, person in wanted.items():
        subscription = existing.get(email)
        if subscription is None:
            new.append(
                Subscription(
                    newsletter_list=newsletter_list,
                    email=email,
                    person=person,
                    status=Subscription.Status.CONFIRMED,
                    source=source,
                    confirmed_at=now,
                )
            )
            report.created.append(email)
        elif subscription.status == Subscription.Status.UNSUBSCRIBED:
            report.unsubscribed.append(email)  # their choice stands
        else:
            report.already.append(email)
    Subscription.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    # ignore_conflicts leaves the new rows without their ids: read back the ones made here (an
    # address another request subscribed at the same moment has its own history).
    made = Subscription.objects.filter(
        newsletter_list=newsletter_list,
        email__in=[subscription.email for subscription in new],
        source=source,
        confirmed_at=now,
    )
    Subscription.history.bulk_history_create(
        list(made), batch_size=1000, default_user=actor, default_change_reason=reason
    )


@transaction.atomic
def subscription_import(
    *, text: str, actor: User | None = None, newsletter_list: NewsletterList | None = None
) -> ImportReport:
    """Addresses from a CSV or a pasted list (one per line, or a column named email / e-mail) put
    on a list (default: the general newsletter; a closed list too: this is the secretariat).
    New addresses are subscribed (confirmed); unsubscribed ones stay unsubscribed; invalid lines
    are reported with their line number and nothing of them is stored."""
    report = ImportReport()
    lines = text.splitlines()
    reader = csv.reader(
        io.StringIO("\n".join(lines)), delimiter=";" if ";" in (lines[0] if lines else "") else ","
    )
    rows = list(reader)
    column = 0
    start = 0
    if rows:
        header = [cell.strip().lower() for cell in rows[0]]
        for name in ("email", "e-mail", "e-mailadres", "emailadres", "e-mail address"):
            if name in header:
                column, start = header.index(name), 1
                break
    people = {}
    addresses = []
    for number, row in enumerate(rows[start:], start=start + 1):
        if not row or not any(cell.strip() for cell in row):
            continue
        raw = row[column].strip() if column < len(row) else ""
        try:
            addresses.append(_clean_email(raw))
        except ValidationError:
            report.invalid.append((number, raw))
    for person in Person.objects.filter(email__in=addresses):
        people[person.email] = person
    _subscribe_addresses(
        rows=[(email, people.get(email)) for email in addresses],
        source=Subscription.Source.IMPORT,
        report=report,
        actor=actor,
        reason="imported by staff",
        newsletter_list=_list_or_general(newsletter_list),
    )
    return report


@transaction.atomic
def subscription_people_subscribe(
    *,
    functions: list[str],
    region_ids: list[int],
    actor: User | None,
    newsletter_list: NewsletterList | None = None,
) -> ImportReport:
    """People of member municipalities, chosen by function and/or region, put on the list.
    People who unsubscribed before are left alone."""
    people = Person.objects.filter(organisation__in=Organisation.objects.member_municipalities()).exclude(
        email=""
    )
    if functions:
        people = people.filter(function__in=functions)
    if region_ids:
        # A region includes the regions within it, at any depth.
        within: set[int] = set()
        for region in Region.objects.filter(pk__in=region_ids):
            within.update(Region.objects.within(region).values_list("pk", flat=True))
        people = people.filter(organisation__region_id__in=within)
    report = ImportReport()
    _subscribe_addresses(
        rows=[(person.email.lower(), person) for person in people.order_by("pk")],
        source=Subscription.Source.STAFF,
        report=report,
        actor=actor,
        reason="people of member municipalities subscribed by staff",
        newsletter_list=_list_or_general(newsletter_list),
    )
    return report
