from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = _("Messages")

    def ready(self) -> None:
        """Its part of the Secretariaat group and of a person's AVG export; the event audiences
        (messaging builds on events), the messages panel on the event's admin page and the templates
        the invitation page offers."""
        from events import extensions as events_extensions
        from members import extensions as members_extensions
        from vzhg.permissions import secretariat_permissions_register
        from vzhg.personal_data import personal_data_register

        from . import actions, audiences, panels, people_filters, permissions, personal_data
        from .models import MessageTemplate

        secretariat_permissions_register(app_label=self.label, grants=permissions.SECRETARIAT)
        personal_data_register(app_label=self.label, export=personal_data.export)
        audiences.event_audiences_register()
        events_extensions.event_admin_panel_add(panels.event_messages)
        events_extensions.invitation_templates_set(MessageTemplate.objects.all)  # in name order
        members_extensions.person_admin_action_add(actions.message_to_people)
        members_extensions.person_admin_panel_add(panels.person_messages)
        members_extensions.person_admin_filter_add(people_filters.NewsletterListFilter)
