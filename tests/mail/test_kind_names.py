"""Mail kinds are named one way ("<app label>.<about>.<what happened>"), each has a label in the
outbox, and mail stored under an old name gets the new one (migration mail 0004)."""

import importlib
import re

import pytest
from django.apps import apps

from tests.mail.test_mail_kinds import KINDS
from vzhg.mail.kinds import KIND_LABELS, RENAMED_KINDS
from vzhg.mail.models import OutgoingMail

NAME = re.compile(r"^[a-z]+(\.[a-z]+)+$")


@pytest.mark.parametrize("kind", sorted(KINDS | set(KIND_LABELS)))
def test_every_kind_is_named_one_way_and_has_a_label(kind):
    assert NAME.match(kind), kind
    assert kind in KIND_LABELS, f"{kind} has no label for the outbox"
    assert kind.split(".")[0] in {config.label for config in apps.get_app_configs()}, kind


@pytest.mark.django_db
def test_the_migration_renames_mail_stored_under_the_old_names():
    migration = importlib.import_module("vzhg.mail.migrations.0004_mail_kinds_named_one_way")
    assert migration.RENAMED == RENAMED_KINDS
    rows = {
        old: OutgoingMail.objects.create(kind=old, to="a@example.org", subject=old) for old in RENAMED_KINDS
    }
    kept = OutgoingMail.objects.create(kind="events.invitation", to="a@example.org", subject="x")

    migration.rename(apps, None)

    for old, row in rows.items():
        row.refresh_from_db()
        assert row.kind == RENAMED_KINDS[old]
    kept.refresh_from_db()
    assert kept.kind == "events.invitation"
    migration.rename_back(apps, None)
    assert set(OutgoingMail.objects.values_list("kind", flat=True)) == {*RENAMED_KINDS, "events.invitation"}
