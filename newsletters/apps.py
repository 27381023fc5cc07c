from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewslettersConfig(AppConfig):
    name = "newsletters"
    verbose_name = _("Newsletters")

    def ready(self) -> None:
        # This app's part of the Secretariaat group and of a person's AVG export (vzhg.permissions,
        # vzhg.personal_data): declared here, so members never imports the apps above it.
        from members import extensions as members_extensions
        from vzhg.permissions import secretariat_permissions_register
        from vzhg.personal_data import personal_data_register

        from . import permissions, personal_data, profile

        secretariat_permissions_register(app_label=self.label, grants=permissions.SECRETARIAT)
        personal_data_register(app_label=self.label, export=personal_data.export)
        # Its section of the member's profile page (the lists to subscribe to).
        members_extensions.profile_panel_add(profile.profile_section, order=profile.PROFILE_ORDER)
        # Bounces of deliveries and the mailto: unsubscribe, read from the bounce mailbox.
        from .verp import newsletters_verp_register

        newsletters_verp_register()
