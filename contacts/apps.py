from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "contacts"
    verbose_name = _("Contacts and signals")

    def ready(self) -> None:
        """Its part of the Secretariaat group and of a person's AVG export, and how it forgets
        deleted people in the signals' history."""
        from vzhg.permissions import secretariat_permissions_register
        from vzhg.personal_data import personal_data_register

        from . import permissions, personal_data

        secretariat_permissions_register(app_label=self.label, grants=permissions.SECRETARIAT)
        personal_data_register(app_label=self.label, export=personal_data.export, forget=personal_data.forget)
