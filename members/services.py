"""Writes for organisations and people."""

import re
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from simple_history.utils import bulk_create_with_history

from .models import EmailDomain, Organisation, Person, Region, User


def organisation_for_email(*, email: str) -> Organisation | None:
    """The organisation whose registered e-mail domain matches the address, if any."""
    domain = email.rsplit("@", 1)[-1].strip().lower()
    match = (
        EmailDomain.objects.select_related("organisation")
        .annotate(domain_lower=Lower("domain"))
        .filter(domain_lower=domain)
        .first()
    )
    return match.organisation if match else None


TUSSENVOEGSELS = frozenset(
    {
        "van",
        "de",
        "der",
        "den",
        "het",
        "ter",
        "ten",
        "te",
        "in",
        "op",
        "'t",
        "t",
        "la",
        "le",
        "du",
        "da",
        "von",
    }
)


def name_from_email(*, email: str) -> tuple[str, str, str]:
    """A first guess at (first name, tussenvoegsel, last name) from an address such as
    fleur.van.dam@leiden.nl → ("Fleur", "van", "Dam"). The person can correct it on the profile."""
    local = email.split("@", 1)[0]
    parts = [part for part in re.split(r"[._]+", local) if part and not part.isdigit()]
    if not parts:
        return "", "", ""

    def title(part: str) -> str:
        return "-".join(piece.capitalize() for piece in part.split("-"))

    first = title(parts[0])
    rest = parts[1:]
    prefix = []
    while len(rest) > 1 and rest[0].lower() in TUSSENVOEGSELS:
        prefix.append(rest.pop(0).lower())
    last = " ".join(title(part) for part in rest)
    return first, " ".join(prefix), last


@transaction.atomic
def person_link_account(*, user: User) -> Person:
    """Link a verified account to its Person.

    The Person with the same e-mail address (case-insensitive) is linked; if there is none, a
    Person is created, attached to the organisation whose e-mail domain matches (a member
    municipality's domain links to that municipality), or to no organisation at all. Staff
    rights are never granted here.
    """
    email = user.email.strip().lower()
    existing = getattr(user, "person", None) if user.pk else None
    if existing is not None:
        return existing
    person = Person.objects.select_for_update().filter(email__iexact=email).first()
    if person is not None:
        if person.user_id is None:
            person.user = user
            person._change_reason = "account linked"  # type: ignore[attr-defined]  # simple_history
            person._history_user = user  # type: ignore[attr-defined]
            person.save()
        return person
    first_name, tussenvoegsel, last_name = name_from_email(email=email)
    person = Person(
        email=email,
        first_name=first_name,
        tussenvoegsel=tussenvoegsel,
        last_name=last_name,
        organisation=organisation_for_email(email=email),
        user=user,
    )
    person._change_reason = "created at sign-up"  # type: ignore[attr-defined]  # simple_history
    person._history_user = user  # type: ignore[attr-defined]
    person.save()
    return person


@transaction.atomic
def person_update_profile(*, person: Person, data: dict, actor: User) -> Person:
    """A person edits their own details. Organisation and function stay with the secretariat."""
    allowed = {"first_name", "tussenvoegsel", "last_name", "phone", "job_title"}
    for field, value in data.items():
        if field in allowed:
            setattr(person, field, value)
    person.full_clean()
    person._change_reason = "edited own profile"  # type: ignore[attr-defined]  # simple_history
    person._history_user = actor  # type: ignore[attr-defined]
    person.save()
    return person


def person_export_data(*, person: Person) -> dict:
    """Everything the app holds on a person (AVG right of access), as plain data."""
    organisation = person.organisation
    data: dict[str, Any] = {
        "person": {
            "first_name": person.first_name,
            "tussenvoegsel": person.tussenvoegsel,
            "last_name": person.last_name,
            "email": person.email,
            "phone": person.phone,
            "function": person.function,
            "job_title": person.job_title,
            "organisation": organisation.name if organisation else None,
            "created_at": person.created_at.isoformat(),
            "updated_at": person.updated_at.isoformat(),
        },
        "account": None,
        "history": [
            {
                "date": record.history_date.isoformat(),
                "change": record.get_history_type_display(),
                "reason": record.history_change_reason or "",
            }
            for record in person.history.all()
        ],
        "sent_mail": [],
    }
    user = person.user
    addresses = {person.email.lower()}
    if user is not None:
        email_addresses = list(user.emailaddress_set.all())  # type: ignore[attr-defined]  # allauth
        addresses.add(user.email.lower())
        addresses.update(address.email.lower() for address in email_addresses if address.verified)
        data["account"] = {
            "email": user.email,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "email_addresses": [
                {"email": address.email, "verified": address.verified, "primary": address.primary}
                for address in email_addresses
            ],
        }
    from vzhg.mail.models import OutgoingMail

    # Mail to any of the person's own (verified) addresses; an unverified one may be someone else's.
    data["sent_mail"] = [
        {
            "to": mail.to,
            "subject": mail.subject,
            "status": mail.status,
            "created_at": mail.created_at.isoformat(),
        }
        for mail in OutgoingMail.objects.annotate(to_lower=Lower("to"))
        .filter(to_lower__in=sorted(addresses))
        .order_by("created_at")
    ]
    data.update(_person_data_in_other_apps(person=person, addresses=addresses))
    return data


def _person_data_in_other_apps(*, person: Person, addresses: set[str]) -> dict:
    """What events, governance and newsletters hold on the person, for the AVG export."""
    from events.models import Registration
    from governance.models import Mandate, PersonalNote, PlannedActivity, ProgressReport
    from newsletters.models import Subscription

    registrations = (
        Registration.objects.filter(person=person)
        .select_related("event")
        .prefetch_related("choices__session")
        .order_by("created_at")
    )
    subscriptions = Subscription.objects.annotate(email_lower=Lower("email")).filter(
        Q(person=person) | Q(email_lower__in=sorted(addresses))
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
        "mandates": [
            {
                "body": mandate.body.name,
                "role": mandate.role,
                "start": mandate.start.isoformat(),
                "end": mandate.end.isoformat() if mandate.end else None,
            }
            for mandate in Mandate.objects.filter(person=person).select_related("body").order_by("start")
        ],
        "personal_notes": [
            {"document": note.document.title, "text": note.text, "updated_at": note.updated_at.isoformat()}
            for note in PersonalNote.objects.filter(user_id=person.user_id).select_related("document")
        ]
        if person.user_id
        else [],
        "workplan_activities_responsible_for": [
            {"year": activity.workplan.year, "activity": activity.title}
            for activity in PlannedActivity.objects.filter(responsible=person)
            .select_related("workplan")
            .order_by("workplan__year", "order")
        ],
        "progress_reports_written": [
            {
                "year": report.activity.workplan.year,
                "activity": report.activity.title,
                "half": report.half,
                "light": report.light,
                "text": report.text,
                "updated_at": report.updated_at.isoformat(),
            }
            for report in ProgressReport.objects.filter(written_by_id=person.user_id)
            .select_related("activity__workplan")
            .order_by("updated_at")
        ]
        if person.user_id
        else [],
        "newsletter_subscriptions": [
            {
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


# --- Reference and demo data: create what is missing, leave what exists alone ----------------
# These "ensure" services are safe to run at every start (manage.py demo_data does): rows that
# exist already are never written again, so edits made in the app or the admin survive and no
# history record is added.


def region_tree_ensure(*, tree: dict[str, str | None]) -> dict[str, Region]:
    """Create the missing regions of ``tree`` (region name -> name of the region it lies in, or
    None for a top-level region), parents before children. Returns every region of the tree by
    name."""
    unknown = {parent for parent in tree.values() if parent is not None} - tree.keys()
    if unknown:
        raise ValueError(f"Regions named as parent but not in the tree: {sorted(unknown)}")
    with transaction.atomic():
        regions = {region.name: region for region in Region.objects.filter(name__in=list(tree))}
        pending = [name for name in tree if name not in regions]
        while pending:
            ready = [name for name in pending if tree[name] is None or tree[name] in regions]
            if not ready:
                raise ValueError(f"The region tree has a cycle among {sorted(pending)}")
            for name in ready:
                parent_name = tree[name]
                region = Region(name=name, parent=regions[parent_name] if parent_name else None)
                region.full_clean()
                region.save()
                regions[name] = region
            pending = [name for name in pending if name not in regions]
    return regions


def organisation_bulk_ensure(
    *, rows: list[dict[str, Any]], change_reason: str, actor: User | None = None
) -> list[Organisation]:
    """Create the organisations in ``rows`` that do not exist yet, with their e-mail domains.

    Each row holds Organisation field values plus ``email_domains`` (a list of domains). An
    organisation is identified by name and kind; a domain by its lower-case text, and a domain
    that already belongs to some organisation stays where it is. New organisations get one
    history record each (``actor``, ``change_reason``). Returns the organisations in row order.
    """
    wanted: list[tuple[tuple[str, str], dict[str, Any], list[str]]] = []
    keys: set[tuple[str, str]] = set()
    domains_seen: set[str] = set()
    for row in rows:
        fields = dict(row)
        domains = [domain.strip().lower() for domain in fields.pop("email_domains", ())]
        key = (fields["name"], fields["kind"])
        if key in keys:
            raise ValueError(f"Organisation listed twice: {key[0]} ({key[1]})")
        for domain in domains:
            if domain in domains_seen:
                raise ValueError(f"E-mail domain listed twice: {domain}")
            domains_seen.add(domain)
        keys.add(key)
        wanted.append((key, fields, domains))

    with transaction.atomic():
        existing = {
            (organisation.name, organisation.kind): organisation
            for organisation in Organisation.objects.filter(name__in=[name for name, _ in keys])
        }
        new = []
        for key, fields, _ in wanted:
            if key not in existing:
                organisation = Organisation(**fields)
                organisation.full_clean()
                new.append(organisation)
        if new:
            created = bulk_create_with_history(
                new, Organisation, default_user=actor, default_change_reason=change_reason
            )
            existing.update({(org.name, org.kind): org for org in created})

        taken = set(
            EmailDomain.objects.annotate(domain_lower=Lower("domain"))
            .filter(domain_lower__in=sorted(domains_seen))
            .values_list("domain_lower", flat=True)
        )
        new_domains = []
        for key, _, domains in wanted:
            for domain in domains:
                if domain not in taken:
                    email_domain = EmailDomain(organisation=existing[key], domain=domain)
                    email_domain.full_clean(validate_unique=False, validate_constraints=False)
                    new_domains.append(email_domain)
        EmailDomain.objects.bulk_create(new_domains)
    return [existing[key] for key, _, _ in wanted]


def person_bulk_ensure(
    *, rows: list[dict[str, Any]], change_reason: str, actor: User | None = None
) -> list[Person]:
    """Create the people in ``rows`` (Person field values) whose e-mail address is not known yet.

    A person is identified by e-mail address, case-insensitively; people who exist are left as
    they are (they may have edited their own profile). New people get one history record each.
    Returns the people in row order.
    """
    emails: list[str] = []
    for row in rows:
        email = row["email"].strip().lower()
        if email in emails:
            raise ValueError(f"Person listed twice: {email}")
        emails.append(email)
    with transaction.atomic():
        existing = {
            person.email_lower: person
            for person in Person.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=emails)
        }
        new = []
        for row, email in zip(rows, emails, strict=True):
            if email not in existing:
                person = Person(**{**row, "email": email})
                person.full_clean()
                new.append(person)
        if new:
            created = bulk_create_with_history(
                new, Person, default_user=actor, default_change_reason=change_reason
            )
            existing.update({person.email: person for person in created})
    return [existing[email] for email in emails]


def secretariat_group_ensure(*, name: str = "Secretariaat") -> Group:
    """The group that carries the secretariat's rights; staff status alone gives none.

    All rights on regions, organisations, e-mail domains and people; viewing accounts, the
    history of organisations and people, and the mail outbox. Changing accounts is left out on
    purpose: the account admin can grant superuser status and groups, so whoever may change
    accounts could give themselves every right. Permissions are only added, never taken away.
    """
    from events.models import Event, Invitation, ProgrammeItem, Registration, Round, Session
    from vzhg.mail.models import OutgoingMail

    full = [Region, Organisation, EmailDomain, Person]
    # events: all rights on events and their parts; registrations and invitations are written
    # by services (the admin offers no add/delete for them), so all rights are safe there too.
    full += [Event, ProgrammeItem, Round, Session, Registration, Invitation]
    # governance: bodies, mandates, meetings, agenda items and documents (uploads are checked by
    # governance.services); personal notes and packs are not in the admin.
    from governance.models import (
        AgendaItem,
        Body,
        CommissionSeat,
        Document,
        Mandate,
        Meeting,
        Motion,
        Theme,
        VngCommission,
    )

    full += [Theme, Body, Mandate, VngCommission, CommissionSeat, Meeting, AgendaItem, Document, Motion]
    # newsletters: editions, their sections and items, subscriptions; deliveries are written by
    # the sending batches only (the admin shows them read-only).
    from newsletters.models import Delivery, Item, Newsletter, Section, Subscription

    full += [Newsletter, Section, Item, Subscription]
    # workplan and annual report; PDF versions are made by rendering and published by an action,
    # so the secretariat may view and change them but never add or delete one.
    from governance.models import (
        AnnualReport,
        AnnualReportSection,
        Objective,
        PlannedActivity,
        ProgressReport,
        ReportVersion,
        Workplan,
        WorkplanSection,
    )

    full += [Objective, Workplan, WorkplanSection, PlannedActivity, ProgressReport]
    full += [AnnualReport, AnnualReportSection]
    view_only = [User, Organisation.history.model, Person.history.model, OutgoingMail, Delivery]
    view_change = [ReportVersion]
    content_types = ContentType.objects.get_for_models(*full, *view_only, *view_change)
    permissions = Permission.objects.filter(
        Q(content_type__in=[content_types[model] for model in full])
        | Q(content_type__in=[content_types[model] for model in view_only], codename__startswith="view_")
        | Q(
            Q(codename__startswith="view_") | Q(codename__startswith="change_"),
            content_type__in=[content_types[model] for model in view_change],
        )
        | Q(content_type=content_types[OutgoingMail], codename="resend_outgoingmail")
    )
    with transaction.atomic():
        group, _ = Group.objects.get_or_create(name=name)
        present = set(group.permissions.values_list("pk", flat=True))
        missing = [permission for permission in permissions if permission.pk not in present]
        if missing:
            group.permissions.add(*missing)
    return group


def account_ensure(
    *, email: str, password: str, is_staff: bool = False, groups: list[Group] | None = None
) -> User:
    """A log-in that works both with ``password`` and with a code mailed to ``email``.

    Creates the account when it is missing; otherwise writes only what differs: active, staff
    flag, the password (set again when it no longer matches), group membership and the address
    as verified primary e-mail address (allauth). Finally the account is linked to the Person
    with this address (see person_link_account). Superuser status is never granted.
    """
    from allauth.account.models import EmailAddress

    email = email.strip().lower()
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=password, is_staff=is_staff)
        else:
            changed = []
            if not user.is_active:
                user.is_active = True
                changed.append("is_active")
            if user.is_staff != is_staff:
                user.is_staff = is_staff
                changed.append("is_staff")
            if not user.check_password(password):
                user.set_password(password)
                changed.append("password")
            if changed:
                user.save(update_fields=changed)
        if groups:
            present = set(user.groups.values_list("pk", flat=True))
            missing = [group for group in groups if group.pk not in present]
            if missing:
                user.groups.add(*missing)

        address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
        if address is None or not (address.verified and address.primary):
            others = EmailAddress.objects.filter(user=user, primary=True)
            if address is not None:
                others = others.exclude(pk=address.pk)
            others.update(primary=False)
            if address is None:
                EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            else:
                address.verified = True
                address.primary = True
                address.save(update_fields=["verified", "primary"])
        person_link_account(user=user)
    return user


def people_deleted_history_purge(*, now=None, days: int | None = None) -> int:
    """Retention for people the secretariat deleted: once deleted longer than
    PEOPLE_DELETED_HISTORY_DAYS ago, their history rows (names, addresses, phone numbers of every
    version) go too, and the admin log names them by number only. Returns how many history rows
    were removed. Run nightly by Celery beat.
    """
    from datetime import timedelta

    from django.conf import settings
    from django.contrib.admin.models import LogEntry
    from django.db.models import Value
    from django.db.models.functions import Concat
    from django.utils import timezone

    now = now or timezone.now()
    days = settings.PEOPLE_DELETED_HISTORY_DAYS if days is None else days
    history = Person.history.model
    with transaction.atomic():
        gone = list(
            history.objects.filter(history_type="-", history_date__lt=now - timedelta(days=days))
            .exclude(id__in=Person.objects.values("pk"))
            .values_list("id", flat=True)
            .distinct()
        )
        if not gone:
            return 0
        removed, _ = history.objects.filter(id__in=gone).delete()
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Person), object_id__in=[str(pk) for pk in gone]
        ).update(object_repr=Concat(Value("#"), "object_id"))
    return removed
