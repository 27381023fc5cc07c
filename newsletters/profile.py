"""The newsletter section of the member's own profile page (members.extensions.profile_panel_add,
registered from NewslettersConfig.ready()): every list the person may subscribe to, with a
checkbox each, and one save."""

from django.template.loader import render_to_string

from .selectors import newsletter_lists_for_person

PROFILE_ORDER = 10  # the first section below the person's details


def profile_section(request, person) -> str:
    rows = newsletter_lists_for_person(person=person)
    general = next(
        (subscription for newsletter_list, subscription in rows if newsletter_list.is_general), None
    )
    return render_to_string(
        "newsletters/profile_section.html",
        {"rows": rows, "newsletter_subscription": general},
        request=request,
    )
