"""Readable addresses for the public commission pages: a unique slug per VNG commission, filled
from the names of the existing ones (the old /bestuur/vng-commissies/<pk>/ addresses redirect)."""

from django.db import migrations, models
from django.utils.text import slugify


def fill_slugs(apps, schema_editor):
    """As governance.models.board.commission_slug does today (copied, so this migration keeps
    doing what it did when that function changes)."""
    VngCommission = apps.get_model("governance", "VngCommission")
    taken = set()
    for commission in VngCommission.objects.order_by("pk"):
        base = slugify(commission.name)[:150].strip("-") or "commissie"
        if base.isdigit():
            base = f"commissie-{base}"
        slug, number = base, 1
        while slug in taken:
            number += 1
            slug = f"{base}-{number}"
        taken.add(slug)
        commission.slug = slug
        commission.save(update_fields=["slug"])


class Migration(migrations.Migration):

    dependencies = [
        ("governance", "0010_commission_recommendations"),
    ]

    operations = [
        migrations.AddField(
            model_name="vngcommission",
            name="slug",
            field=models.SlugField(blank=True, db_index=False, default="", max_length=160, verbose_name="slug"),
            preserve_default=False,
        ),
        migrations.RunPython(fill_slugs, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="vngcommission",
            name="slug",
            field=models.SlugField(
                blank=True,
                help_text="The public page's web address; made from the name when left empty.",
                max_length=160,
                unique=True,
                verbose_name="slug",
            ),
        ),
    ]
