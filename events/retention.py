"""Retention: forget who registered for events that ended long ago (EVENTS_RETENTION_MONTHS)."""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vzhg.mail.models import OutgoingMail
from vzhg.mail.retention import mail_references_anonymise
from vzhg.mail.services import mail_reference

from .models import Answer, Registration


def registrations_anonymise(*, now: datetime.datetime | None = None, months: int | None = None) -> int:
    """Forget who registered for events that ended more than `months` (EVENTS_RETENTION_MONTHS) ago.

    The person link, the remarks and a walk-in's name and address go (from the registration's
    history too), and with the remarks the answers to the event's sensitive questions (diet,
    health); the organisation stays, so counts per municipality for the annual report survive.
    Workshop choices and the other answers stay too (they name no one once the person is gone).
    Returns how many registrations were anonymised.
    """
    now = now or timezone.now()
    months = settings.EVENTS_RETENTION_MONTHS if months is None else months
    cutoff = now - relativedelta(months=months)
    with transaction.atomic():
        due = Registration.objects.filter(event__ends_at__lt=cutoff, anonymised_at__isnull=True)
        # The copies go too: the mails about these registrations (their text names the person and
        # repeats the remarks, their .ics the person's address), including those queued before
        # mail carried a reference (found by address and event title).
        references = [mail_reference(registration) for registration in due.only("pk")]
        for registration in due.filter(person__isnull=False).select_related("person", "event"):
            OutgoingMail.objects.filter(
                reference="",
                kind__startswith="events.",
                to__iexact=registration.person.email,
                subject__contains=registration.event.title,
            ).exclude(kind="events.invitation").update(reference=mail_reference(registration))
        mail_references_anonymise(references=references, now=now)
        # The admin's log names the row as "person — event".
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Registration),
            object_id__in=[reference.rsplit(":", 1)[1] for reference in references],
        ).update(object_repr=_("anonymised"))
        # Every earlier version of the row named the person and held the remarks too.
        forget = {"person": None, "remarks": "", "walk_in_name": "", "walk_in_email": ""}
        Registration.history.filter(id__in=due.values("pk")).update(**forget)
        Answer.objects.filter(registration__in=due, question__sensitive=True).delete()
        return due.update(**forget, anonymised_at=now, updated_at=now)
