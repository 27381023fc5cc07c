# The separate newsletter lists (issue 14): the general newsletter becomes a list, and every
# existing edition and subscription is put on it, so nothing changes for today's readers.

import django.db.models.deletion
import django.db.models.functions.text
import newsletters.models
from django.db import migrations, models


def general_create(apps, schema_editor):
    NewsletterList = apps.get_model("newsletters", "NewsletterList")
    general, _created = NewsletterList.objects.get_or_create(
        slug="nieuwsbrief",
        defaults={"name": "VZHG Nieuwsbrief", "is_general": True, "public": True, "self_service": True},
    )
    for name in ("Newsletter", "Subscription", "HistoricalNewsletter", "HistoricalSubscription"):
        apps.get_model("newsletters", name).objects.filter(newsletter_list__isnull=True).update(
            newsletter_list=general.pk
        )


def _nullable(related_name):
    return models.ForeignKey(
        null=True, on_delete=django.db.models.deletion.PROTECT, related_name=related_name,
        to='newsletters.newsletterlist', verbose_name='list',
    )


def _historical(default=None):
    kwargs = {"default": default} if default else {}
    return models.ForeignKey(
        blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING,
        related_name='+', to='newsletters.newsletterlist', verbose_name='list', **kwargs,
    )


class Migration(migrations.Migration):

    dependencies = [
        ('newsletters', '0006_editions_clicks'),
    ]

    operations = [
        migrations.CreateModel(
            name='NewsletterList',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, verbose_name='name')),
                ('slug', models.SlugField(help_text="The list's web address.", unique=True, verbose_name='slug')),
                ('description', models.TextField(blank=True, verbose_name='description')),
                ('self_service', models.BooleanField(default=True, help_text='People may subscribe themselves (subscribe page, profile). Off: only the secretariat adds people; subscribers can still unsubscribe.', verbose_name='open to subscribe')),
                ('public', models.BooleanField(default=True, help_text="Off: the archive and the editions are shown to the list's subscribers and staff only.", verbose_name='public archive')),
                ('is_general', models.BooleanField(default=False, editable=False, verbose_name='general newsletter')),
                ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
            ],
            options={
                'verbose_name': 'newsletter list',
                'verbose_name_plural': 'newsletter lists',
                'ordering': ['-is_general', 'order', 'name'],
            },
        ),
        migrations.AddConstraint(
            model_name='newsletterlist',
            constraint=models.UniqueConstraint(condition=models.Q(('is_general', True)), fields=('is_general',), name='newsletter_list_one_general'),
        ),
        migrations.AddField(model_name='historicalnewsletter', name='newsletter_list', field=_historical()),
        migrations.AddField(model_name='historicalsubscription', name='newsletter_list', field=_historical()),
        migrations.AddField(model_name='newsletter', name='newsletter_list', field=_nullable('editions')),
        migrations.AddField(model_name='subscription', name='newsletter_list', field=_nullable('subscriptions')),
        migrations.RunPython(general_create, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='newsletter',
            name='newsletter_list',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='editions', to='newsletters.newsletterlist', verbose_name='list'),
        ),
        migrations.AlterField(
            model_name='subscription',
            name='newsletter_list',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='subscriptions', to='newsletters.newsletterlist', verbose_name='list'),
        ),
        # The default (the general list) is Python's, not the database's: no SQL.
        migrations.AlterField(
            model_name='newsletter',
            name='newsletter_list',
            field=models.ForeignKey(default=newsletters.models.general_list_id, on_delete=django.db.models.deletion.PROTECT, related_name='editions', to='newsletters.newsletterlist', verbose_name='list'),
        ),
        migrations.AlterField(
            model_name='subscription',
            name='newsletter_list',
            field=models.ForeignKey(default=newsletters.models.general_list_id, on_delete=django.db.models.deletion.PROTECT, related_name='subscriptions', to='newsletters.newsletterlist', verbose_name='list'),
        ),
        migrations.AlterField(model_name='historicalnewsletter', name='newsletter_list', field=_historical(newsletters.models.general_list_id)),
        migrations.AlterField(model_name='historicalsubscription', name='newsletter_list', field=_historical(newsletters.models.general_list_id)),
        migrations.RemoveConstraint(
            model_name='subscription',
            name='subscription_email_ci_unique',
        ),
        migrations.AddConstraint(
            model_name='subscription',
            constraint=models.UniqueConstraint(models.F('newsletter_list'), django.db.models.functions.text.Lower('email'), name='subscription_list_email_ci_unique'),
        ),
    ]
