"""Writes for organisations and people."""

from django.db import transaction
from django.db.models.functions import Lower

from .models import EmailDomain, Organisation, Person, User


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
            person._change_reason = "account linked"
            person.save()
        return person
    local = email.split("@", 1)[0]
    guess = [part.capitalize() for part in local.replace("_", ".").replace("-", ".").split(".") if part]
    person = Person(
        email=email,
        first_name=guess[0] if guess else "",
        last_name=" ".join(guess[1:]) if len(guess) > 1 else "",
        organisation=organisation_for_email(email=email),
        user=user,
    )
    person._change_reason = "created at sign-up"
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
    person._change_reason = "edited own profile"
    person.save()
    return person


def person_export_data(*, person: Person) -> dict:
    """Everything the app holds on a person (AVG right of access), as plain data."""
    organisation = person.organisation
    data = {
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
    if user is not None:
        data["account"] = {
            "email": user.email,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "email_addresses": [
                {"email": address.email, "verified": address.verified, "primary": address.primary}
                for address in user.emailaddress_set.all()
            ],
        }
    from vzhg.mail.models import OutgoingMail

    data["sent_mail"] = [
        {"subject": mail.subject, "status": mail.status, "created_at": mail.created_at.isoformat()}
        for mail in OutgoingMail.objects.filter(to__iexact=person.email).order_by("created_at")
    ]
    return data
