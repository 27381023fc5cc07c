from celery import shared_task
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.utils import timezone

from . import services


@shared_task(time_limit=300, soft_time_limit=240)
def contacts_retention_apply() -> dict[str, int]:
    """Retention: contact moments and closed signals older than CONTACTS_RETENTION_MONTHS keep
    their counts but no longer name people (contacts.services.contacts_personal_data_purge)."""
    before = timezone.localdate() - relativedelta(months=settings.CONTACTS_RETENTION_MONTHS)
    return services.contacts_personal_data_purge(before=before)
