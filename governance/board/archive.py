"""The public archive: the held meetings of bodies that meet in public (the ALV, a public AB),
per body and year, with their agenda, public documents, list of decisions and adopted minutes.
Confidential items and their documents stay out, as on the meeting page for the public."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone

from governance.models import AgendaItem, Body, Meeting, Minutes

from .selectors import current_documents


def held_q(*, now) -> Q:
    """Held: marked so, or published and begun (as the annual report counts them)."""
    return Q(status=Meeting.Status.HELD) | Q(status=Meeting.Status.PUBLISHED, starts_at__lte=now)


def public_archive_index() -> list[dict]:
    """Each public body with the years in which it held meetings, newest first (two queries)."""
    now = timezone.now()
    bodies = list(Body.objects.filter(public_meetings=True).order_by("order", "name"))
    years: dict[int, list[int]] = {}
    rows = (
        Meeting.objects.filter(held_q(now=now), body__public_meetings=True)
        .annotate(year=ExtractYear("starts_at"))
        .values_list("body_id", "year")
        .distinct()
        .order_by("body_id", "-year")
    )
    for body_id, year in rows:
        years.setdefault(body_id, []).append(year)
    return [{"body": body, "years": years[body.pk]} for body in bodies if body.pk in years]


def public_archive_body(*, slug: str) -> Body | None:
    return Body.objects.filter(slug=slug, public_meetings=True).first()


def public_archive_meetings(*, body: Body, year: int) -> QuerySet[Meeting]:
    """The body's held meetings of the year, each with its public items and their current
    documents, and whether adopted minutes may be shown to anyone (no confidential item)."""
    now = timezone.now()
    items = (
        AgendaItem.objects.filter(confidential=False)
        .prefetch_related(Prefetch("documents", queryset=current_documents(), to_attr="current_documents"))
        .order_by("order", "pk")
    )
    return (
        Meeting.objects.filter(held_q(now=now), body=body, starts_at__year=year)
        .annotate(
            public_minutes=Exists(
                Minutes.objects.filter(meeting=OuterRef("pk"), status=Minutes.Status.ADOPTED)
            )
            & ~Exists(AgendaItem.objects.filter(meeting=OuterRef("pk"), confidential=True))
        )
        .prefetch_related(Prefetch("items", queryset=items, to_attr="public_items"))
        .order_by("starts_at")
    )
