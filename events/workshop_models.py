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


class AllocationSend(models.Model):
    """The secretariat's Send of an applied allocation, recorded by the request and carried out by
    a worker task (events.tasks.workshop_allocation_send_task) in batches: pending → running →
    done. One per run (a second Send, or two at once, finds this row). Who got their mail is an
    AllocationMail row, written in the same transaction as the outbox row, so a re-run or a
    killed worker never mails anyone twice."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for the worker")
        RUNNING = "running", _("being prepared")
        DONE = "done", _("handed to the outbox")
        FAILED = "failed", _("failed")

    run = models.OneToOneField(
        AllocationRun, verbose_name=_("workshop allocation"), on_delete=models.CASCADE, related_name="send"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(_("recipients"), default=0)
    processed = models.PositiveIntegerField(_("handled"), default=0)
    queued = models.PositiveIntegerField(_("mails queued"), default=0)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    dispatched_at = models.DateTimeField(_("handed to the worker at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("problems"), blank=True)

    class Meta:
        verbose_name = _("sending of a workshop allocation")
        verbose_name_plural = _("sendings of workshop allocations")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.run} — {self.status}"


class AllocationMail(models.Model):
    """One registrant handled by an allocation's Send: their outbox mail (none when they have no
    address). Unique per send and registration: nobody is mailed twice."""

    send = models.ForeignKey(
        AllocationSend, verbose_name=_("sending"), on_delete=models.CASCADE, related_name="mails"
    )
    registration = models.ForeignKey(
        "events.Registration",
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="allocation_mails",
    )
    mail = models.ForeignKey(
        "mail.OutgoingMail",
        verbose_name=_("mail"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("allocation mail")
        verbose_name_plural = _("allocation mails")
        constraints = [
            models.UniqueConstraint(
                fields=["send", "registration"], name="allocationmail_send_registration_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.send_id}: {self.registration_id}"
