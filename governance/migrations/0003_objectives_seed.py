from django.db import migrations

# The four aims every workplan activity serves (werkplan 2024: doelstellingen).
OBJECTIVES = [
    ("kennisdeling", "Kennisdeling", 1),
    ("ontmoeting", "Ontmoeting", 2),
    ("vertegenwoordiging", "Vertegenwoordiging", 3),
    ("belangenbehartiging", "Belangenbehartiging", 4),
]


def seed(apps, schema_editor):
    Objective = apps.get_model("governance", "Objective")
    for slug, name, order in OBJECTIVES:
        Objective.objects.get_or_create(slug=slug, defaults={"name": name, "order": order})


class Migration(migrations.Migration):
    dependencies = [("governance", "0002_workplan_annual_report")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
