from celery import shared_task
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.utils import timezone

from . import services


@shared_task(time_limit=300, soft_time_limit=240)
def network_memberships_purge() -> int:
    """Retention: memberships that ended more than NETWORKS_RETENTION_MONTHS ago are removed."""
    before = timezone.localdate() - relativedelta(months=settings.NETWORKS_RETENTION_MONTHS)
    return services.memberships_ended_purge(before=before)
