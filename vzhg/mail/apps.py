from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    """The outbox: every outgoing message is a row with a status before Celery sees it."""

    name = "vzhg.mail"
    label = "mail"
    verbose_name = _("Outgoing mail")
