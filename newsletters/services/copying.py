"""A new edition that builds on the last one: its sections and fixed texts, without its items."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from members.models import User
from vzhg.errors import ServiceError
from vzhg.history import history_note

from ..models import Newsletter, Section
from .editions import newsletter_sections_ensure

# Content, not interface: the newsletter is written in Dutch (see DEFAULT_SECTIONS).
DUTCH_MONTHS = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip


def newsletter_previous() -> Newsletter | None:
    """The edition a new one builds on: the latest by date (then by creation)."""
    return Newsletter.objects.order_by("-date", "-pk").first()


def _free_slug(base: str) -> str:
    slug, number = base, 1
    while Newsletter.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


@transaction.atomic
def newsletter_copy_previous(*, actor: User | None, date: datetime.date | None = None) -> Newsletter:
    """A concept edition with the previous edition's sections (titles, order), opening and
    closing word, and no items. Its title is "Nieuwsbrief <maand jaar>" of its date; the edition's
    history says which edition it was copied from and by whom."""
    previous = newsletter_previous()
    if previous is None:
        raise ServiceError(_("There is no previous edition to start from."), code="no_previous")
    date = date or timezone.localdate()
    title = f"Nieuwsbrief {DUTCH_MONTHS[date.month - 1]} {date.year}"
    newsletter = Newsletter(
        title=title,
        slug=_free_slug(slugify(title)),
        date=date,
        intro=previous.intro,
        closing=previous.closing,
        created_by=actor,
    )
    newsletter.full_clean()
    history_note(newsletter, actor=actor, reason=f"copied from edition {previous.pk} ({previous.title})")
    newsletter.save()
    Section.objects.bulk_create(
        [
            Section(newsletter=newsletter, title=section.title, order=section.order)
            for section in previous.sections.order_by("order", "pk")
        ]
    )
    newsletter_sections_ensure(newsletter=newsletter)  # a previous edition without sections
    return newsletter
