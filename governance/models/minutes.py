"""After a meeting: its minutes (notulen), who attended, and the action list (actielijst) of a body."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vzhg.history import HistoricalRecords

from .board import Body
from .meetings import AgendaItem, Meeting


class Minutes(models.Model):
    """The minutes of one meeting, written in Markdown: a concept until the next meeting of the
    body adopts them at one of its agenda items ("Vaststellen notulen")."""

    class Status(models.TextChoices):
        CONCEPT = "concept", _("concept")
        ADOPTED = "adopted", pgettext_lazy("minutes", "adopted")

    meeting = models.OneToOneField(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="minutes"
    )
    text = models.TextField(_("text"), blank=True, help_text=_("Markdown: headings, lists, bold, links."))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.CONCEPT)
    adoption_item = models.OneToOneField(
        AgendaItem,
        verbose_name=_("adopted at agenda item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="minutes_to_adopt",
        help_text=_("The item “Vaststellen notulen” of a later meeting of the same body."),
    )
    adopted_at = models.DateTimeField(_("adopted at"), null=True, blank=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("adopted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("minutes (notulen)")
        verbose_name_plural = _("minutes (notulen)")
        ordering = ["-meeting__starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="concept") | models.Q(adopted_at__isnull=False),
                name="minutes_adopted_has_date",
            )
        ]

    def __str__(self) -> str:
        return str(_("Minutes of %(meeting)s") % {"meeting": self.meeting})


class Attendance(models.Model):
    """Whether a member of the meeting's body was there."""

    class Status(models.TextChoices):
        PRESENT = "present", _("present")
        EXCUSED = "excused", _("absent with notice")
        ABSENT = "absent", _("absent")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendance"
    )
    person = models.ForeignKey(
        "members.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="meeting_attendance",
    )
    status = models.CharField(_("attendance"), max_length=20, choices=Status.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["meeting", "person__last_name", "person__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="attendance_once_per_meeting")
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_status_display()}"


class Action(models.Model):
    """One line of a body's action list: who does what by when, agreed at which meeting."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("done")

    body = models.ForeignKey(Body, verbose_name=_("body"), on_delete=models.PROTECT, related_name="actions")
    title = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        "members.Person",
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="governance_actions",
    )
    due = models.DateField(_("due date"), null=True, blank=True)
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("agreed at meeting"), on_delete=models.PROTECT, related_name="actions"
    )
    item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("action list (actielijst)")
        ordering = ["status", "due", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open") | models.Q(done_at__isnull=False),
                name="action_done_has_date",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        """The action is agreed at a meeting of its own body, at one of that meeting's items."""
        super().clean()
        if self.meeting_id and self.body_id and self.meeting.body_id != self.body_id:
            raise ValidationError({"meeting": _("Choose a meeting of the action's own body.")})
        if self.item_id and self.meeting_id and self.item.meeting_id != self.meeting_id:
            raise ValidationError(
                {"item": _("Choose an agenda item of the meeting the action was agreed at.")}
            )
