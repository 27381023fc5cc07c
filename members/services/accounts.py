"""Accounts and their rights: linking a log-in to its Person, log-ins that work with a password
and a mailed code, the Secretariaat group."""

import re

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower

from vzhg.history import history_note
from vzhg.permissions import secretariat_permissions

from ..models import EmailDomain, Organisation, Person, User


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
            history_note(person, actor=user, reason="account linked")
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
    history_note(person, actor=user, reason="created at sign-up")
    person.save()
    return person


def secretariat_group_ensure(*, name: str = "Secretariaat") -> Group:
    """The group that carries the secretariat's rights; staff status alone gives none.

    Assembled from what every app declares for it (`<app>/permissions.py`, registered in its
    AppConfig.ready(); see vzhg.permissions): here all rights on regions, organisations, e-mail
    domains and people; viewing accounts and the history of organisations and people. Changing
    accounts is left out on purpose: the account admin can grant superuser status and groups, so
    whoever may change accounts could give themselves every right. Permissions are only added,
    never taken away.
    """
    grants = secretariat_permissions()
    models = {label: apps.get_model(label) for label in grants}
    content_types = ContentType.objects.get_for_models(*models.values())
    wanted = Q(pk__in=[])
    for label, actions in grants.items():
        content_type = content_types[models[label]]
        if "*" in actions:
            wanted |= Q(content_type=content_type)
        else:
            codenames = [f"{action}_{content_type.model}" for action in sorted(actions)]
            wanted |= Q(content_type=content_type, codename__in=codenames)
    permissions = Permission.objects.filter(wanted)
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
            # The account's flags as asked (the staff flag only opens the admin's door; what is
            # inside is decided by the groups' permissions).
            flags = {"is_active": True, "is_staff": is_staff}
            changed = [field for field, value in flags.items() if getattr(user, field) != value]
            for field in changed:
                setattr(user, field, flags[field])
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
