from django.db import models
from django.utils.translation import gettext_lazy as _


class OutgoingMail(models.Model):
    """One message to one recipient: queued → sending → sent / failed (or skipped: a lazy row
    whose subject is gone, vzhg/mail/builders.py).

    The worker takes a row only while it is queued and due, commits "sending" before it talks to
    the relay and "sent" as soon as the relay answered 250 (before QUIT). A row found "sending"
    long after (a killed worker) is decided by MAIL_RESEND_INTERRUPTED (see services).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        SKIPPED = "skipped", _("skipped")

    kind = models.CharField(_("kind"), max_length=50, blank=True)
    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=250)
    body_text = models.TextField(_("plain text"))
    body_html = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    attachments = models.JSONField(
        _("attachments"),
        default=list,
        blank=True,
        help_text=_("List of {filename, mimetype, content (base64)}."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(
        _("next attempt"), null=True, blank=True, help_text=_("Empty: as soon as possible.")
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sensitive = models.BooleanField(
        _("carries a secret"),
        default=False,
        help_text=_(
            "A login code or a link meant for the recipient only: the content is never shown "
            "and is removed as soon as the mail has been sent."
        ),
    )
    reference = models.CharField(
        _("about"),
        max_length=100,
        blank=True,
        db_index=True,
        help_text=_("What the mail is about, e.g. events.registration:42, so retention can find it."),
    )
    content_removed_at = models.DateTimeField(_("content removed"), null=True, blank=True)
    # A lazy row (vzhg/mail/builders.py): the worker builds the content from this when it sends.
    build = models.JSONField(
        _("built when sent"),
        null=True,
        blank=True,
        default=None,
        help_text=_("Empty: the content is stored. Otherwise what it is built from when it is sent."),
    )

    class Meta:
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="mail_status_created_idx"),
            models.Index(fields=["status", "next_attempt_at"], name="mail_status_due_idx"),
        ]
        permissions = [("resend_outgoingmail", _("Can resend failed mail"))]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"


class RelayState(models.Model):
    """How the mail server (relay) is doing, as the senders last found it: one row (pk 1).

    Written by every sender (outbox and newsletter batches) after each failure and after the
    first success that follows one; read by the admin pages to say the relay is failing.
    """

    SINGLETON = 1

    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    last_failure_at = models.DateTimeField(_("last failure"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)

    class Meta:
        verbose_name = _("mail server state")
        verbose_name_plural = _("mail server state")
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="relaystate_single_row")]

    def __str__(self) -> str:
        return str(_("mail server state"))

    @property
    def failing(self) -> bool:
        return self.failing_since is not None


from .bounce_models import Bounce, BouncedAddress  # noqa: E402  (bounces: their own module)

__all__ = ["Bounce", "BouncedAddress", "OutgoingMail", "RelayState"]
