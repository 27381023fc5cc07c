from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = _("Governance")

    def ready(self):
        """governance extends events (the layer below), never the other way round: the event's
        admin page shows the workplan activities it realises, and invitations can go to the
        members of a body. Within governance the reports extend the board likewise."""
        from events import extensions as events_extensions

        from .board import extensions as board_extensions
        from .models import Body
        from .reports.admin_helpers import linked_activities
        from .reports.portal import portal_context

        events_extensions.event_admin_panel_add(linked_activities)
        events_extensions.audience_bodies_set(lambda: Body.objects.order_by("order", "name"))
        # The reports room (above the board) adds to the board's pages the same way.
        board_extensions.meeting_admin_panel_add(linked_activities)
        board_extensions.portal_context_add(portal_context)
