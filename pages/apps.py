from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = _("Public site")

    def ready(self) -> None:
        # This app's part of the Secretariaat group (vzhg.permissions), declared here.
        from vzhg.permissions import secretariat_permissions_register

        from . import permissions, signals

        secretariat_permissions_register(app_label=self.label, grants=permissions.SECRETARIAT)
        signals.connect()  # a news item's image file goes with it
