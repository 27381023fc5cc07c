"""Composing an edition and planning it: the usual sections, a test mail to oneself, scheduling.

Starting, resuming and finishing a send is in sending.py; the SMTP batches in batches.py.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import User
from members.selectors import person_for_user
from vzhg.errors import ServiceError
from vzhg.history import history_note
from vzhg.mail.services import mail_queue

from .. import selectors
from ..models import DEFAULT_SECTIONS, Newsletter, Section, Subscription
from ..rendering import edition_render, mail_render

# Who may get a test of an edition: whoever may read editions in the admin.
TEST_PERMISSION = "newsletters.view_newsletter"


def newsletter_sections_ensure(*, newsletter: Newsletter) -> None:
    """A new edition starts with the usual sections, in order."""
    if newsletter.sections.exists():
        return
    Section.objects.bulk_create(
        [
            Section(newsletter=newsletter, title=title, order=(index + 1) * 10)
            for index, title in enumerate(DEFAULT_SECTIONS)
        ]
    )


@transaction.atomic
def newsletter_create(
    *, title: str, slug: str, date: datetime.date, intro: str = "", actor: User | None = None
) -> Newsletter:
    newsletter = Newsletter(title=title, slug=slug, date=date, intro=intro, created_by=actor)
    newsletter.full_clean()
    history_note(newsletter, actor=actor)
    newsletter.save()
    newsletter_sections_ensure(newsletter=newsletter)
    return newsletter


def newsletter_test_send(
    *, newsletter: Newsletter, actor: User, colleagues: Sequence[User] = ()
) -> list[str]:
    """The edition as it will arrive, to the person who asks (their own address) and to the
    colleagues they pick (only those who may read editions: TEST_PERMISSION), each with their own
    greeting. The edition's history records who had a test sent, and to which addresses. Returns
    the addresses, in order."""
    if not actor.email:
        raise ServiceError(_("Your account has no e-mail address."), code="no_email")
    others = [user for user in colleagues if user.pk != actor.pk]  # the sender gets it anyway
    allowed = set(
        User.objects.holding(TEST_PERMISSION)
        .filter(pk__in=[user.pk for user in others])
        .values_list("pk", flat=True)
    )
    if any(user.pk not in allowed for user in others):
        raise ServiceError(_("A test can only go to colleagues of the secretariat."), code="not_staff")
    full = selectors.newsletter_full(Newsletter.objects.filter(pk=newsletter.pk)).get()
    edition = edition_render(newsletter=full)
    recipients: dict[str, User] = {}
    for user in [actor, *colleagues]:
        recipients.setdefault(user.email.lower(), user)
    with transaction.atomic():
        for address, user in recipients.items():
            person = person_for_user(user=user)
            subscription = Subscription.objects.filter(
                newsletter_list_id=newsletter.newsletter_list_id, email__iexact=address
            ).first()
            mail = mail_render(
                edition=edition, subscription=subscription, first_name=person.first_name if person else ""
            )
            mail_queue(
                to=user.email,
                subject=_("[TEST] %(subject)s") % {"subject": mail["subject"]},
                text=mail["text"],
                html=mail["html"],
                headers=mail["headers"],
                kind="newsletters.test",
            )
        sent_to = [user.email for user in recipients.values()]
        history_note(full, actor=actor, reason=f"test mail sent to {', '.join(sent_to)}")
        full.save(update_fields=["updated_at"])
    return sent_to


@transaction.atomic
def newsletter_schedule(
    *, newsletter: Newsletter, when: datetime.datetime, actor: User | None = None
) -> Newsletter:
    newsletter = Newsletter.objects.select_for_update().get(pk=newsletter.pk)
    if not newsletter.is_editable:
        raise ServiceError(_("This edition is already being sent or has been sent."), code="not_editable")
    if when <= timezone.now():
        raise ServiceError(_("Choose a moment in the future."), code="in_the_past")
    newsletter.status = Newsletter.Status.SCHEDULED
    newsletter.scheduled_for = when
    history_note(newsletter, actor=actor, reason="scheduled")
    newsletter.save(update_fields=["status", "scheduled_for", "updated_at"])
    return newsletter


@transaction.atomic
def newsletter_unschedule(*, newsletter: Newsletter, actor: User | None = None) -> Newsletter:
    newsletter = Newsletter.objects.select_for_update().get(pk=newsletter.pk)
    if newsletter.status == Newsletter.Status.SCHEDULED:
        newsletter.status = Newsletter.Status.CONCEPT
        newsletter.scheduled_for = None
        history_note(newsletter, actor=actor, reason="schedule cancelled")
        newsletter.save(update_fields=["status", "scheduled_for", "updated_at"])
    return newsletter
