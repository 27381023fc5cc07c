from django import template

from newsletters.selectors import newsletter_lists_for_person

register = template.Library()


@register.inclusion_tag("newsletters/profile_section.html")
def newsletter_profile_section(person, csrf_token=None):
    """The profile's newsletter card (templates/members/profile.html includes it): every list the
    person may subscribe to, with a checkbox each, and one save."""
    rows = newsletter_lists_for_person(person=person)
    general = next(
        (subscription for newsletter_list, subscription in rows if newsletter_list.is_general), None
    )
    return {"rows": rows, "newsletter_subscription": general, "csrf_token": csrf_token}
