"""Mail kinds named one way ("<app label>.<about>.<what happened>", vzhg.mail.kinds): the rows
queued under the old names get the new ones, so the outbox names them in words again."""

from django.db import migrations

# Kept here as it was when this migration was written (vzhg.mail.kinds may change later).
RENAMED = {
    "account": "members.account",
    "governance-published": "governance.meeting.published",
    "governance-reminder": "governance.meeting.reminder",
    "newsletter-confirm": "newsletters.subscription.confirm",
    "newsletter-test": "newsletters.test",
    "relay-alert": "mail.relay.recovered",
}


def rename(apps, schema_editor, mapping=RENAMED):
    OutgoingMail = apps.get_model("mail", "OutgoingMail")
    for old, new in mapping.items():
        OutgoingMail.objects.filter(kind=old).update(kind=new)


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, mapping={new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("mail", "0003_outbox_sending_state_backoff_relay_state"),
    ]

    operations = [migrations.RunPython(rename, rename_back)]
