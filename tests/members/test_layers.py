"""members knows nothing of the apps above it: they register their part of the AVG export and
of the Secretariaat group themselves (vzhg.personal_data, vzhg.permissions)."""

import json

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from members import services
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_the_export_lists_every_section_in_the_same_order(client):
    """The download keeps its shape: members' own sections, then events, governance, newsletters,
    messaging, contacts, networks."""
    member = MemberFactory()
    client.force_login(member.user)
    data = json.loads(client.get("/profiel/mijn-gegevens.json").content)
    assert list(data) == [
        "person",
        "account",
        "history",
        "sent_mail",
        "event_registrations",
        "event_walk_ins",
        "mandates",
        "personal_notes",
        "workplan_activities_responsible_for",
        "progress_reports_written",
        "meeting_attendance",
        "actions",
        "alv_delegations",
        "alv_check_ins",
        "alv_ballots_cast",
        "alv_candidacies",
        "convocations_received",
        "late_document_notices",
        "vng_commission_seats",
        "recommendation_requests",
        "newsletter_subscriptions",
        "messages_received",
        "contact_moments",
        "contact_actions",
        "signals",
        "network_memberships",
        "exported_at",
    ]


def test_the_secretariat_group_command_assembles_the_group_once():
    call_command("secretariat_group")
    group = Group.objects.get(name="Secretariaat")
    permissions = set(group.permissions.values_list("pk", flat=True))
    assert {"members", "events", "governance", "newsletters", "mail"} <= set(
        group.permissions.values_list("content_type__app_label", flat=True)
    )
    call_command("secretariat_group")
    assert services.secretariat_group_ensure() == group
    assert set(group.permissions.values_list("pk", flat=True)) == permissions
