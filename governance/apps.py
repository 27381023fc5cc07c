from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = _("Governance")

    def ready(self) -> None:
        """governance extends the layers below it, never the other way round: its part of the
        Secretariaat group and of a person's AVG export (vzhg.permissions, vzhg.personal_data);
        on the event's admin page the workplan activities it realises, and invitations to the
        members of a body, the agenda of the meeting held at an event, the copy of that meeting
        with its event, naming the delegate while registering for it and a klankbord meeting's hosts
        (events.extensions); the bestuurder's recommendation requests on the profile (members); the
        audience "members of the body" and the messages panel on the meeting's page (messaging).
        Within governance the reports extend the board likewise (board.extensions)."""
        from events import extensions as events_extensions
        from members import extensions as members_extensions
        from messaging import panels as messaging_panels
        from vzhg.permissions import secretariat_permissions_register
        from vzhg.personal_data import personal_data_register

        from . import permissions, personal_data
        from .board import commission_views, commissions, congress, delegate_naming
        from .board import extensions as board_extensions
        from .board.messaging import messaging_audiences_register
        from .board.minutes_panel import minutes_and_actions
        from .models import Body
        from .reports.admin_helpers import linked_activities
        from .reports.portal import portal_context

        secretariat_permissions_register(app_label=self.label, grants=permissions.SECRETARIAT)
        personal_data_register(app_label=self.label, export=personal_data.export, forget=personal_data.forget)
        events_extensions.event_admin_panel_add(linked_activities)
        events_extensions.audience_bodies_set(lambda: Body.objects.order_by("order", "name"))
        events_extensions.event_page_section_add(congress.event_page_meeting)
        events_extensions.event_duplicated_add(congress.event_duplicated)
        events_extensions.registration_part_add(delegate_naming.registration_delegate_part)
        board_extensions.meeting_admin_panel_add(linked_activities)
        board_extensions.meeting_admin_panel_add(minutes_and_actions)
        board_extensions.portal_context_add(portal_context)
        messaging_audiences_register()
        board_extensions.meeting_admin_panel_add(messaging_panels.meeting_messages)
        members_extensions.profile_panel_add(commission_views.profile_panel)
        events_extensions.event_page_section_add(commissions.event_page_hosts)
