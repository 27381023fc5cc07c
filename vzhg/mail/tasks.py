from celery import shared_task

from . import retention, services


# Idempotent by the row's state (queued → sending → sent/failed), so a redelivered message
# (late ack, a worker lost mid-task, a broker that blinked) finds the row sent or sending and
# does nothing. No Celery retries: a failed attempt leaves the row queued with its back-off
# (next_attempt_at), and the beat sweep hands it over again when it is due.
@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=120, soft_time_limit=90)
def mail_send_task(mail_id: int) -> None:
    services.mail_send(mail_id=mail_id)


# A batch of rows over one SMTP connection (what mail_dispatch hands over); idempotent in the same
# way, row by row. Cut off by its time limit, it records the row it had handed over and leaves the
# rest queued for the sweep; the limit stays below MAIL_SENDING_STALE_SECONDS.
@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=240, soft_time_limit=200)
def mail_send_batch_task(mail_ids: list[int]) -> None:
    services.mail_send_batch(mail_ids=mail_ids)


# Both limits set: a soft limit inherited from settings (240 s) above the hard one would make
# every apply_async of the task raise ValueError.
@shared_task(time_limit=120, soft_time_limit=90)
def mail_sweep() -> int:
    return services.mail_sweep()


@shared_task(time_limit=300, soft_time_limit=240)
def mail_content_purge() -> int:
    """Nightly: remove the content of mail sent more than MAIL_BODY_RETENTION_DAYS ago."""
    return retention.mail_content_purge()


# Reads the bounce mailbox over IMAP (vzhg/mail/imap.py); an unreachable server is logged and
# tried again at the next beat. Then forgets soft bounces of addresses that received mail since.
@shared_task(time_limit=300, soft_time_limit=240)
def mail_bounces_read() -> dict:
    from . import bounces, imap

    result = imap.bounces_read()
    forgotten = bounces.soft_bounces_forget()
    return {**result.outcomes, "error": result.error, "soft_forgotten": forgotten}
