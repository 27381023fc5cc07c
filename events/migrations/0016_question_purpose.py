from django.db import migrations, models


def mark_delegate_questions(apps, schema_editor):
    """Until now the ALV's delegate question was recognised by the word in its label (a yes/no
    question saying "afgevaardigde"): those questions get the purpose that marks it now."""
    Question = apps.get_model("events", "Question")
    Question.objects.filter(kind="yes_no", label__icontains="afgevaardigde").update(purpose="delegate")


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0014_event_network"),
    ]

    operations = [
        migrations.AddField(
            model_name="question",
            name="purpose",
            field=models.CharField(
                blank=True,
                choices=[("", "none"), ("delegate", "ALV delegate question (yes/no)")],
                default="",
                help_text="Delegate question: the yes-answers appear next to the ALV's delegates.",
                max_length=20,
                verbose_name="purpose",
            ),
        ),
        migrations.AddConstraint(
            model_name="question",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("purpose", ""), models.Q(("kind", "yes_no"), ("purpose", "delegate")), _connector="OR"
                ),
                name="question_purpose_valid",
            ),
        ),
        migrations.RunPython(mark_delegate_questions, migrations.RunPython.noop),
    ]
