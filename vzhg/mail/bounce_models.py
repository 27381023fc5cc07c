"""Addresses that bounced, and each bounce: the outbox's memory of who cannot be reached.

Keyed by the normalised (lower-case) address, not by a person or a subscription, so one
undeliverable address is skipped by everything that mails it: newsletters, invitations and the
outbox alike. Re-exported from vzhg.mail.models.
"""

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vzhg.history import HistoricalRecords


class BouncedAddress(models.Model):
    """One address that bounced at least once. Undeliverable (onbestelbaar) from
    `undeliverable_since` until staff reset it; the counts say how it got there."""

    email = models.EmailField(_("e-mail address"), max_length=254)
    hard_bounces = models.PositiveIntegerField(_("hard bounces"), default=0)
    soft_bounces = models.PositiveIntegerField(
        _("soft bounces"), default=0, help_text=_("Since the last message that was delivered.")
    )
    last_bounce_at = models.DateTimeField(_("last bounce"), null=True, blank=True)
    last_status = models.CharField(_("last status"), max_length=12, blank=True)
    undeliverable_since = models.DateTimeField(_("undeliverable since"), null=True, blank=True, db_index=True)
    reason = models.TextField(_("reason"), blank=True)

    # Who reset an address and when; each bounce itself is a Bounce row.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bounced address")
        verbose_name_plural = _("bounced addresses")
        ordering = ["-last_bounce_at", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="bouncedaddress_email_ci_unique"),
            models.CheckConstraint(
                condition=models.Q(email=Lower("email")), name="bouncedaddress_email_lower"
            ),
        ]
        permissions = [("reset_bouncedaddress", _("Can reset an undeliverable address"))]

    def __str__(self) -> str:
        return self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    @property
    def undeliverable(self) -> bool:
        return self.undeliverable_since is not None


class Bounce(models.Model):
    """One bounce of one message, as read from the bounce mailbox."""

    class Kind(models.TextChoices):
        HARD = "hard", _("hard (the address does not exist)")
        SOFT = "soft", _("soft (temporary, or about the message)")

    address = models.ForeignKey(
        BouncedAddress, verbose_name=_("address"), on_delete=models.CASCADE, related_name="bounces"
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=12, blank=True, help_text=_("e.g. 5.1.1"))
    reason = models.TextField(_("reason"), blank=True)
    about = models.CharField(
        _("about"), max_length=30, blank=True, help_text=_("The message it answers, e.g. m:42 (outbox).")
    )
    fingerprint = models.CharField(_("fingerprint"), max_length=64, editable=False)

    class Meta:
        verbose_name = _("bounce")
        verbose_name_plural = _("bounces")
        ordering = ["-received_at", "-pk"]
        constraints = [
            # A bounce message read twice (moved after a crash) counts once.
            models.UniqueConstraint(fields=["address", "fingerprint"], name="bounce_once_per_message"),
        ]

    def __str__(self) -> str:
        return f"{self.address} {self.status or self.kind}"
