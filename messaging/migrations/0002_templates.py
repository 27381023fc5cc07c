"""Three templates the secretariat starts from (it can change or delete them)."""

from django.db import migrations

TEMPLATES = [
    (
        "Save the date",
        "Save the date: {evenement} op {datum}",
        "{aanhef},\n\nZet u {datum} alvast in uw agenda? Dan is **{evenement}**. De uitnodiging met het "
        "programma volgt.\n\nMet vriendelijke groet,\n\nSecretariaat VZHG",
    ),
    (
        "Herinnering aanmelden",
        "Herinnering: meld u aan voor {evenement}",
        "{aanhef},\n\nOp {datum} is **{evenement}**. U hebt zich nog niet aangemeld; dat kan nog. Uw "
        "aanmeldingen ziet u hier: {mijn-aanmelding}\n\nMet vriendelijke groet,\n\nSecretariaat VZHG",
    ),
    (
        "Uitnodiging ALV",
        "Uitnodiging Algemene Ledenvergadering {datum}",
        "{aanhef},\n\nNamens het bestuur nodigen wij u uit voor de Algemene Ledenvergadering van de VZHG "
        "op {datum}. De agenda en de stukken staan in het bestuursportaal.\n\nMet vriendelijke groet,\n\n"
        "Secretariaat VZHG",
    ),
]


def add_templates(apps, schema_editor):
    MessageTemplate = apps.get_model("messaging", "MessageTemplate")
    for name, subject, body in TEMPLATES:
        MessageTemplate.objects.get_or_create(
            name=name, defaults={"subject": subject, "body": body, "salutation_style": "formal"}
        )


class Migration(migrations.Migration):
    dependencies = [("messaging", "0001_initial")]

    operations = [migrations.RunPython(add_templates, migrations.RunPython.noop)]
