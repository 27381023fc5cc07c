from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self) -> None:
        # The members models' part of the Secretariaat group (vzhg.permissions).
        from vzhg.permissions import secretariat_permissions_register

        from . import permissions

        secretariat_permissions_register(app_label=self.label, grants=permissions.SECRETARIAT)
