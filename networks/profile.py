"""The networks section of the member's own profile page (members.extensions.profile_panel_add,
registered from NetworksConfig.ready()): every open network and every network the person is in,
joining, leaving and the expertise tags."""

from django.template.loader import render_to_string

from .selectors import networks_for_person

PROFILE_ORDER = 20  # after the newsletter's section, before the commission recommendations


def profile_section(request, person) -> str:
    return render_to_string(
        "networks/profile_section.html", {"rows": networks_for_person(person=person)}, request=request
    )
