from django import template

from networks.selectors import networks_for_person

register = template.Library()


@register.inclusion_tag("networks/profile_section.html")
def network_profile_section(person, csrf_token=None):
    """The profile's networks card (templates/members/profile.html includes it, as it does the
    newsletter's): every open network and every network the person is in, joining, leaving and
    the expertise tags."""
    return {"rows": networks_for_person(person=person), "csrf_token": csrf_token}
