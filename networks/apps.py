from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworksConfig(AppConfig):
    name = "networks"
    verbose_name = _("Networks")

    def ready(self) -> None:
        """Its part of the Secretariaat group and of a person's AVG export; the event audience
        "members of the event's network" (events.extensions) and the people list's filter
        "member of network" (members.extensions: a group to send a message to) its action "Add to
        network…" and its section of the member's profile page."""
        from events import extensions as events_extensions
        from members import extensions as members_extensions
        from vzhg.permissions import secretariat_permissions_register
        from vzhg.personal_data import personal_data_register

        from . import actions, people_filters, permissions, personal_data, profile, selectors

        secretariat_permissions_register(app_label=self.label, grants=permissions.SECRETARIAT)
        personal_data_register(app_label=self.label, export=personal_data.export)
        events_extensions.network_people_set(selectors.network_people)
        members_extensions.person_admin_filter_add(people_filters.NetworkFilter)
        members_extensions.person_admin_action_add(actions.add_to_network)
        members_extensions.profile_panel_add(profile.profile_section, order=profile.PROFILE_ORDER)
