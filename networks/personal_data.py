"""The networks part of a person's AVG export: their memberships, past ones included, with their
expertise tags (registered in NetworksConfig.ready(); see vzhg.personal_data)."""

from .models import NetworkMembership


def export(*, person, addresses: set[str]) -> dict:
    memberships = (
        NetworkMembership.objects.filter(person=person)
        .select_related("network")
        .prefetch_related("expertise_tags")
        .order_by("network__name", "joined_on", "pk")
    )
    return {
        "network_memberships": [
            {
                "network": membership.network.name,
                "role": membership.role,
                "expertise_tags": [tag.name for tag in membership.expertise_tags.all()],
                "joined_on": membership.joined_on.isoformat(),
                "left_on": membership.left_on.isoformat() if membership.left_on else None,
            }
            for membership in memberships
        ],
    }
