"""Ranked workshop choices and the allocation runs after closing (see events/workshops.py)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WorkshopChoice(models.Model):
    """One ranked workshop of a registration (rank 1 = first choice); the workshop it got in a
    round is its SessionChoice (events/workshops.py assigns it)."""

    registration = models.ForeignKey(
        "events.Registration",
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="ranked_choices",
    )
    session = models.ForeignKey(
        "events.Session", verbose_name=_("workshop"), on_delete=models.CASCADE, related_name="ranked_choices"
    )
    round = models.ForeignKey(
        "events.Round", verbose_name=_("round"), on_delete=models.CASCADE, related_name="ranked_choices"
    )
    rank = models.PositiveSmallIntegerField(_("rank"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("ranked workshop choice")
        verbose_name_plural = _("ranked workshop choices")
        ordering = ["round__number", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "session"], name="workshopchoice_registration_session_unique"
            ),
            models.UniqueConstraint(
                fields=["registration", "round", "rank"], name="workshopchoice_registration_round_rank_unique"
            ),
            models.CheckConstraint(condition=models.Q(rank__gte=1), name="workshopchoice_rank_positive"),
        ]
        indexes = [models.Index(fields=["session", "rank", "created_at"], name="workshopchoice_waiting_idx")]

    def __str__(self) -> str:
        return f"{self.rank}. {self.session}"


class AllocationRun(models.Model):
    """One run of the allocation after closing: its seed (so it can be reproduced), the result as
    {registration id: {round id: session id}} and who ran it. Not sent until `sent_at`."""

    event = models.ForeignKey(
        "events.Event", verbose_name=_("event"), on_delete=models.CASCADE, related_name="allocation_runs"
    )
    seed = models.BigIntegerField(_("seed"))
    result = models.JSONField(_("result"), default=dict)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("run by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="allocation_runs",
    )
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applied by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("workshop allocation")
        verbose_name_plural = _("workshop allocations")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.event} — {self.seed}"
