from django import template

from newsletters.selectors import subscription_for_person

register = template.Library()


@register.inclusion_tag("newsletters/profile_section.html")
def newsletter_profile_section(person, csrf_token=None):
    """The profile's newsletter card (templates/members/profile.html includes it)."""
    return {"newsletter_subscription": subscription_for_person(person=person), "csrf_token": csrf_token}
