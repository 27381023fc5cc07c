"""Reads for organisations and people, with their relations loaded."""

from django.db.models import Count, Prefetch, QuerySet

from vzhg.fixed_sql import fixed_read

from .models import Organisation, Person, Region, member_municipality_q


def member_municipalities() -> QuerySet[Organisation]:
    return Organisation.objects.member_municipalities().select_related("region", "region__parent")


def regions_with_members() -> QuerySet[Region]:
    """Regions that hold member municipalities, each with its members prefetched in order."""
    members = member_municipalities().order_by("name")
    return (
        Region.objects.annotate(
            member_count=Count(
                "organisations",
                filter=member_municipality_q("organisations__"),
            )
        )
        .filter(member_count__gt=0)
        .select_related("parent")
        .prefetch_related(Prefetch("organisations", queryset=members, to_attr="members"))
        .order_by("name")
    )


def person_for_user(*, user) -> Person | None:
    """The person behind the log-in, with organisation, region and user as select_related gives
    them (None: no person yet). Fixed SQL built once per process (vzhg/fixed_sql.py): every
    member's page and a rush's registration POST read it."""
    if user is None or user.pk is None:
        return None
    related = ("organisation", "organisation__region", "user")
    return fixed_read(Person, where=("user",), related=related, limit=1).one(user.pk)
