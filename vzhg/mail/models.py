from django.db import models
from django.utils.translation import gettext_lazy as _


class OutgoingMail(models.Model):
    """One message to one recipient. The worker sends it only while it is still queued."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=50, blank=True)
    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=250)
    body_text = models.TextField(_("plain text"))
    body_html = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    attachments = models.JSONField(
        _("attachments"), default=list, blank=True,
        help_text=_("List of {filename, mimetype, content (base64)}."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sensitive = models.BooleanField(
        _("carries a secret"), default=False,
        help_text=_("A login code or a link meant for the recipient only: the content is never shown "
                    "and is removed as soon as the mail has been sent."),
    )
    reference = models.CharField(
        _("about"), max_length=100, blank=True, db_index=True,
        help_text=_("What the mail is about, e.g. events.registration:42, so retention can find it."),
    )
    content_removed_at = models.DateTimeField(_("content removed"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="mail_status_created_idx")]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"
