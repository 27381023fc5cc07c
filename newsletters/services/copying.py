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

from ..models import Newsletter, NewsletterList, Section
from .editions import newsletter_sections_ensure

# Content, not interface: the newsletter is written in Dutch (see DEFAULT_SECTIONS).
DUTCH_MONTHS = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip


def newsletter_previous(*, newsletter_list: NewsletterList | None = None) -> Newsletter | None:
    """The edition a new one builds on: the latest of the same list (default: the general
    newsletter) by date (then by creation)."""
    newsletter_list = newsletter_list or NewsletterList.objects.general()
    return Newsletter.objects.filter(newsletter_list=newsletter_list).order_by("-date", "-pk").first()


def _free_slug(base: str) -> str:
    slug, number = base, 1
    while Newsletter.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


@transaction.atomic
def newsletter_copy_previous(
    *,
    actor: User | None,
    date: datetime.date | None = None,
    newsletter_list: NewsletterList | None = None,
) -> Newsletter:
    """A concept edition of a list (default: the general newsletter) with the previous edition
    of that same list's sections (titles, order), opening and closing word, and no items. Its
    title is "Nieuwsbrief <maand jaar>" of its date (another list's: "<list name> <maand jaar>");
    the edition's history says which edition it was copied from and by whom."""
    newsletter_list = newsletter_list or NewsletterList.objects.general()
    previous = newsletter_previous(newsletter_list=newsletter_list)
    if previous is None:
        raise ServiceError(_("There is no previous edition to start from."), code="no_previous")
    date = date or timezone.localdate()
    name = "Nieuwsbrief" if newsletter_list.is_general else newsletter_list.name
    title = f"{name} {DUTCH_MONTHS[date.month - 1]} {date.year}"
    newsletter = Newsletter(
        newsletter_list=newsletter_list,
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
