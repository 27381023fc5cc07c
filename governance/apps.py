from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = _("Governance")

    def ready(self):
        """governance extends events (the layer below), never the other way round: the event's
        admin page shows the workplan activities it realises, and invitations can go to the
        members of a body."""
        from events import extensions

        from .models import Body
        from .reports.admin_helpers import linked_activities

        extensions.event_admin_panel_add(linked_activities)
        extensions.audience_bodies_set(lambda: Body.objects.order_by("order", "name"))
