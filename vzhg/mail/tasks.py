from celery import shared_task

from . import services


@shared_task(
    bind=True,
    acks_late=True,
    max_retries=5,
    time_limit=120,
    soft_time_limit=90,
)
def mail_send_task(self, mail_id: int) -> None:
    try:
        services.mail_send(mail_id=mail_id)
    except services.TransientMailError as exc:
        if self.request.retries >= self.max_retries:
            services.mail_give_up(mail_id=mail_id, reason=str(exc))
            return
        raise self.retry(exc=exc, countdown=min(600, 10 * 2**self.request.retries)) from exc


# Both limits set: a soft limit inherited from settings (240 s) above the hard one would make
# every apply_async of the task raise ValueError.
@shared_task(time_limit=120, soft_time_limit=90)
def mail_sweep() -> int:
    return services.mail_sweep()


@shared_task(time_limit=300, soft_time_limit=240)
def mail_content_purge() -> int:
    """Nightly: remove the content of mail sent more than MAIL_BODY_RETENTION_DAYS ago."""
    return services.mail_content_purge()
