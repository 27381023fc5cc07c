from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        # This app's part of the Secretariaat group and of a person's AVG export (vzhg.permissions,
        # vzhg.personal_data): declared here, so members never imports the apps above it.
        from vzhg.permissions import secretariat_permissions_register
        from vzhg.personal_data import personal_data_register

        from . import permissions, personal_data

        secretariat_permissions_register(app_label=self.label, grants=permissions.SECRETARIAT)
        personal_data_register(app_label=self.label, export=personal_data.export, forget=personal_data.forget)
        # The registration mails a rush queues lazily are built by the worker (vzhg/mail/builders.py).
        from vzhg.mail.builders import mail_builder_register

        from .emails import LAZY_MAIL_KINDS, registration_mails_build

        mail_builder_register(kinds=LAZY_MAIL_KINDS, builder=registration_mails_build)
        # The registration POST's kept event definitions see every change of rounds, workshops
        # and questions (events/definitions.py).
        from .definitions import changes_connect

        changes_connect()
