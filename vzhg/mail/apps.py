from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    """The outbox: every outgoing message is a row with a status before Celery sees it."""

    name = "vzhg.mail"
    label = "mail"
    verbose_name = _("Outgoing mail")

    def ready(self) -> None:
        # The outbox's part of the Secretariaat group (vzhg.permissions).
        from vzhg.permissions import secretariat_permissions_register

        from . import permissions

        secretariat_permissions_register(app_label=self.label, grants=permissions.SECRETARIAT)
        # Envelope senders "m<id>" (VERP) name outbox rows (vzhg/mail/verp.py).
        from .bounces import outbox_verp_register

        outbox_verp_register()
