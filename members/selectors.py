"""Reads for organisations and people, with their relations loaded."""

from django.db.models import Count, Prefetch, Q, QuerySet

from .models import Organisation, Person, Region


def member_municipalities() -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        kind=Organisation.Kind.MUNICIPALITY, member_since__isnull=False, member_until__isnull=True
    ).select_related("region", "region__parent")


def regions_with_members() -> QuerySet[Region]:
    """Regions that hold member municipalities, each with its members prefetched in order."""
    members = member_municipalities().order_by("name")
    return (
        Region.objects.annotate(
            member_count=Count(
                "organisations",
                filter=Q(
                    organisations__kind=Organisation.Kind.MUNICIPALITY,
                    organisations__member_since__isnull=False,
                    organisations__member_until__isnull=True,
                ),
            )
        )
        .filter(member_count__gt=0)
        .select_related("parent")
        .prefetch_related(Prefetch("organisations", queryset=members, to_attr="members"))
        .order_by("name")
    )


def person_for_user(*, user) -> Person | None:
    return (
        Person.objects.select_related("organisation", "organisation__region", "user")
        .filter(user=user)
        .first()
    )
