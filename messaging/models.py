"""Messages from the secretariat to a group of people, one outbox row per recipient."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def attachment_upload_to(instance, filename: str) -> str:
    return f"messaging/{instance.message_id}/{filename}"


class SalutationStyle(models.TextChoices):
    AUTO = "auto", _("by function: formal to office-holders, informal to others")
    FORMAL = "formal", _("formal to everyone ('Geachte heer Jansen')")
    INFORMAL = "informal", _("informal to everyone ('Beste Anna')")


class MessageTemplate(models.Model):
    """A reusable start for a message ("Save the date", "Uitnodiging ALV")."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text (Markdown)"))
    salutation_style = models.CharField(
        _("salutation"), max_length=10, choices=SalutationStyle.choices, default=SalutationStyle.AUTO
    )

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Message(models.Model):
    """Subject and text with merge fields, to the people of one audience; sent exactly once."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        # Send pressed: waiting for the worker (messaging.sending), which prepares the outbox rows.
        PENDING = "pending", _("waiting to be sent")
        SENDING = "sending", _("being prepared")
        SENT = "sent", _("sent")  # every recipient has an outbox row (whose status is the delivery's)
        FAILED = "failed", _("stopped")

    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text (Markdown)"))
    reply_to = models.EmailField(_("reply to"), blank=True, help_text=_("Empty: the secretariat's address."))
    salutation_style = models.CharField(
        _("salutation"), max_length=10, choices=SalutationStyle.choices, default=SalutationStyle.AUTO
    )
    audience = models.CharField(_("audience"), max_length=60)
    source = models.CharField(
        _("about"),
        max_length=100,
        blank=True,
        db_index=True,
        help_text=_("What the message is about, e.g. events.event:42."),
    )
    people = models.ManyToManyField(
        "members.Person", verbose_name=_("chosen people"), blank=True, related_name="chosen_for_messages"
    )
    template = models.ForeignKey(
        MessageTemplate,
        verbose_name=_("template"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="messages_created",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages_sent",
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # The worker's hand-over (vzhg.tasks): when Send was pressed, handed to the broker, claimed.
    skipped_count = models.PositiveIntegerField(_("skipped (undeliverable)"), default=0)
    requested_at = models.DateTimeField(_("send requested"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("handed to the worker"), null=True, blank=True)
    started_at = models.DateTimeField(_("preparation started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("preparation finished"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # The audience is read in person id order; the last person id prepared (resume after it).
    last_person_id = models.PositiveIntegerField(_("prepared up to person"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at"]
        permissions = [("send_message", _("Can send a message"))]

    def __str__(self) -> str:
        return self.subject


class MessageAttachment(models.Model):
    message = models.ForeignKey(
        Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_upload_to, max_length=300)
    name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class MessageRecipient(models.Model):
    """One person a message went to, linked to its outbox row (whose status is the delivery's)."""

    message = models.ForeignKey(
        Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="recipients"
    )
    person = models.ForeignKey(
        "members.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="message_recipients",
    )
    email = models.EmailField(_("e-mail address"))
    mail = models.OneToOneField(
        "mail.OutgoingMail",
        verbose_name=_("outgoing mail"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="message_recipient",
    )

    undeliverable = models.BooleanField(
        _("skipped: undeliverable"),
        default=False,
        help_text=_("The address was undeliverable (onbestelbaar) when the message was sent: no mail."),
    )

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "email"], name="messagerecipient_message_email_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(undeliverable=False) | models.Q(mail__isnull=True),
                name="messagerecipient_skipped_without_mail",
            ),
        ]

    def __str__(self) -> str:
        return self.email
