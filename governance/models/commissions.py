"""Recommendation requests (R16): a municipal bestuurder asks the association to recommend them
for a seat on a VNG commission; the secretariat and the DB handle it."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vzhg.history import HistoricalRecords

from .board import VngCommission


class RecommendationRequest(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("received")
        DISCUSSED = "discussed", _("discussed in the DB")
        GIVEN = "given", _("recommendation given")
        DECLINED = "declined", _("declined")

    OPEN = (Status.RECEIVED, Status.DISCUSSED)
    DECIDED = (Status.GIVEN, Status.DECLINED)

    person = models.ForeignKey(
        "members.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="recommendation_requests",
    )
    commission = models.ForeignKey(
        VngCommission,
        verbose_name=_("commission"),
        on_delete=models.PROTECT,
        related_name="recommendation_requests",
    )
    motivation = models.TextField(_("motivation"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    meeting = models.ForeignKey(
        "governance.Meeting",
        verbose_name=_("discussed in DB meeting"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recommendation_requests",
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    letter_text = models.TextField(
        _("letter text"), blank=True, help_text=_("The recommendation letter, or why it was declined.")
    )
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("recommendation request")
        verbose_name_plural = _("recommendation requests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "commission"],
                condition=models.Q(status__in=["received", "discussed"]),
                name="recommendationrequest_one_open",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["received", "discussed"]) | models.Q(decided_on__isnull=False),
                name="recommendationrequest_decided_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.commission}"

    def get_letter_url(self) -> str:
        return reverse("governance:recommendation_letter", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN
