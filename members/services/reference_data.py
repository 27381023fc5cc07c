"""Reference and demo data: create what is missing, leave what exists alone.

These "ensure" services are safe to run at every start (manage.py demo_data does): rows that
exist already are never written again, so edits made in the app or the admin survive and no
history record is added.
"""

from typing import Any

from django.db import transaction
from django.db.models.functions import Lower
from simple_history.utils import bulk_create_with_history

from ..models import EmailDomain, Organisation, Person, Region, User


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
