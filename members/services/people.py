"""A person's own data: editing the profile, the AVG export, and the retention of deleted people."""

from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Lower
from django.utils import timezone

from vzhg.history import history_note
from vzhg.mail.models import OutgoingMail
from vzhg.personal_data import personal_data_forget, personal_data_sections

from ..models import Person, User


@transaction.atomic
def person_update_profile(*, person: Person, data: dict, actor: User) -> Person:
    """A person edits their own details. Organisation and function stay with the secretariat."""
    allowed = {"first_name", "tussenvoegsel", "last_name", "phone", "job_title"}
    for field, value in data.items():
        if field in allowed:
            setattr(person, field, value)
    person.full_clean()
    history_note(person, actor=actor, reason="edited own profile")
    person.save()
    return person


def person_address_confirm(*, person: Person, actor: User) -> bool:
    """The person says the address we mail is right after it bounced: its bounce state is reset
    (their own address only; recorded in the address's history). False when it had none."""
    from vzhg.mail.bounces import bounced_address_owner_reset

    return bounced_address_owner_reset(email=person.email, actor=actor)


def person_export_data(*, person: Person) -> dict:
    """Everything the app holds on a person (AVG right of access), as plain data."""
    organisation = person.organisation
    data: dict[str, Any] = {
        "person": {
            "first_name": person.first_name,
            "salutation": person.salutation,
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
        email_addresses = list(EmailAddress.objects.filter(user=user))
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
    # What the apps above members hold on the person (vzhg.personal_data: each registers its part).
    data.update(personal_data_sections(person=person, addresses=addresses))
    return data


def people_deleted_history_purge(*, now=None, days: int | None = None) -> int:
    """Retention for people the secretariat deleted: once deleted longer than
    PEOPLE_DELETED_HISTORY_DAYS ago, their history rows (names, addresses, phone numbers of every
    version) go too, and the admin log names them by number only. Returns how many history rows
    were removed. The apps blank the people in their own history rows too (a registration's
    versions: vzhg.personal_data). Run nightly by Celery beat.
    """
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
        # The history of other apps' rows that pointed at them (a registration's versions).
        personal_data_forget(person_ids=gone)
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Person), object_id__in=[str(pk) for pk in gone]
        ).update(object_repr=Concat(Value("#"), "object_id"))
    return removed
