"""The workplan (werkplan) with its planned activities and progress reports, the annual report
(jaarverslag) and the PDF versions of both."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vzhg.history import HistoricalRecords

from .board import Body, Theme
from .files import report_upload_to
from .meetings import Meeting

# The years a workplan or annual report can be about (the admin's copy form uses the same range).
YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


class Objective(models.Model):
    """One of the association's fixed aims an activity serves (kennisdeling, ontmoeting, ...)."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("objective (doelstelling)")
        verbose_name_plural = _("objectives (doelstellingen)")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Workplan(models.Model):
    class Status(models.TextChoices):
        CONCEPT = "concept", _("draft (concept)")
        ADOPTED = "adopted", _("adopted (vastgesteld)")

    year = models.PositiveSmallIntegerField(_("year"), unique=True, validators=YEAR_VALIDATORS)
    title = models.CharField(
        _("title"),
        max_length=200,
        blank=True,
        help_text=_("Leave empty for the standard title with the year."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.CONCEPT)
    adopted_by = models.ForeignKey(
        Body, verbose_name=_("adopted by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    adopted_at = models.ForeignKey(
        Meeting,
        verbose_name=_("adopted at the meeting"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("workplan (werkplan)")
        verbose_name_plural = _("workplans (werkplannen)")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="adopted") | models.Q(adopted_on__isnull=False),
                name="workplan_adopted_has_date",
            )
        ]

    def __str__(self) -> str:
        return self.display_title

    def get_absolute_url(self) -> str:
        return reverse("reports:workplan", kwargs={"year": self.year})

    @property
    def display_title(self) -> str:
        return self.title or _("Workplan %(year)s") % {"year": self.year}

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.ADOPTED

    def clean(self):
        super().clean()
        if self.status == self.Status.ADOPTED and (self.adopted_by_id is None or self.adopted_on is None):
            raise ValidationError(_("An adopted workplan needs the body that adopted it and the date."))
        if self.adopted_at_id and self.adopted_by_id and self.adopted_at.body_id != self.adopted_by_id:
            raise ValidationError(
                {"adopted_at": _("This meeting is not a meeting of the body that adopted the plan.")}
            )


class WorkplanSection(models.Model):
    """An introduction chapter written by the secretariat (Markdown)."""

    workplan = models.ForeignKey(
        Workplan, verbose_name=_("workplan"), on_delete=models.CASCADE, related_name="sections"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True, help_text=_("Markdown: **bold**, *italic*, lists, links."))

    class Meta:
        verbose_name = _("workplan chapter")
        verbose_name_plural = _("workplan chapters")
        ordering = ["workplan", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class PlannedActivity(models.Model):
    """One block of the workplan: Bijeenkomst / Aantal / Datum-periode / Toelichting / Doelstellingen."""

    class Kind(models.TextChoices):
        ALV = "alv", _("general assembly and congress")
        BOARD = "board", _("board meeting")
        RETREAT = "retreat", _("retreat (heisessie)")
        THEME = "theme", _("theme meeting")
        CONGRESS = "congress", _("congress")
        NETWORK = "network", _("network meeting")
        CONSULTATION = "consultation", _("consultation with partners")
        COMMUNICATION = "communication", _("communication")
        OTHER = "other", _("other")

    class Priority(models.TextChoices):
        A = "A", "A"
        B = "B", "B"
        C = "C", "C"
        D = "D", "D"

    class Role(models.TextChoices):
        INITIATING = "initierend", _("initiating (initiërend)")
        ORGANISING = "organiserend", _("organising (organiserend)")
        FACILITATING = "faciliterend", _("facilitating (faciliterend)")
        REPRESENTING = "vertegenwoordigend", _("representing (vertegenwoordigend)")
        FOLLOWING = "volgend", _("following (volgend)")

    workplan = models.ForeignKey(
        Workplan, verbose_name=_("workplan"), on_delete=models.CASCADE, related_name="activities"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    code = models.CharField(_("code"), max_length=10, blank=True, help_text=_("Optional, e.g. A1."))
    kind = models.CharField(_("kind of gathering"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(_("gathering (bijeenkomst)"), max_length=200)
    planned_count = models.PositiveSmallIntegerField(
        _("number per year"), null=True, blank=True, help_text=_("Empty for continuous work.")
    )
    count_note = models.CharField(
        _("number, in words"),
        max_length=120,
        blank=True,
        help_text=_("Optional, e.g. 'at least twice' or 'ongoing'."),
    )
    period = models.CharField(_("date or period"), max_length=120, blank=True)
    attachment = models.CharField(_("attachment (bijlage)"), max_length=200, blank=True)
    explanation = models.TextField(_("explanation (toelichting)"), blank=True, help_text=_("Markdown."))
    objectives = models.ManyToManyField(
        Objective, verbose_name=_("objectives"), blank=True, related_name="activities"
    )
    objectives_note = models.TextField(_("objectives, in words"), blank=True, help_text=_("One per line."))
    success_criteria = models.TextField(
        _("when are we satisfied?"),
        blank=True,
        help_text=_("Success criteria agreed with the responsible board member (Markdown)."),
    )
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True, related_name="activities")
    priority = models.CharField(_("priority"), max_length=1, choices=Priority.choices, blank=True)
    role = models.CharField(_("role of the association"), max_length=20, choices=Role.choices, blank=True)
    responsible = models.ManyToManyField(
        "members.Person",
        verbose_name=_("responsible board members"),
        blank=True,
        related_name="planned_activities",
    )
    events = models.ManyToManyField(
        "events.Event",
        verbose_name=_("events that realise it"),
        blank=True,
        related_name="planned_activities",
    )
    meetings = models.ManyToManyField(
        Meeting, verbose_name=_("meetings that realise it"), blank=True, related_name="planned_activities"
    )

    history = HistoricalRecords(m2m_fields=[themes, events, meetings])

    class Meta:
        verbose_name = _("planned activity")
        verbose_name_plural = _("planned activities")
        ordering = ["workplan", "order", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def objective_lines(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.objectives_note.splitlines() if line.strip(" -•\t")]


class ProgressReport(models.Model):
    """A half-year traffic light with a short text (halfjaarrapport, eindejaarsrapport)."""

    class Half(models.IntegerChoices):
        FIRST = 1, _("first half year")
        SECOND = 2, _("second half year (year end)")

    class Light(models.TextChoices):
        GREEN = "green", _("green (on track)")
        ORANGE = "orange", _("orange (needs attention)")
        RED = "red", _("red (off track)")

    LIGHT_ORDER: dict[str, int] = {Light.RED: 0, Light.ORANGE: 1, Light.GREEN: 2}

    activity = models.ForeignKey(
        PlannedActivity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="progress_reports"
    )
    half = models.PositiveSmallIntegerField(_("half year"), choices=Half.choices)
    light = models.CharField(_("traffic light"), max_length=10, choices=Light.choices)
    text = models.TextField(_("progress"), max_length=2000)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["activity", "half"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "half"], name="progressreport_activity_half_unique")
        ]

    def __str__(self) -> str:
        return f"{self.activity} — {self.get_half_display()}: {self.get_light_display()}"


class AnnualReport(models.Model):
    """The jaarverslag for a year: narrative chapters typed by staff; the rest comes from the data."""

    class Status(models.TextChoices):
        CONCEPT = "concept", _("draft (concept)")
        PUBLISHED = "published", _("published")

    year = models.PositiveSmallIntegerField(_("year"), unique=True, validators=YEAR_VALIDATORS)
    title = models.CharField(
        _("title"),
        max_length=200,
        blank=True,
        help_text=_("Leave empty for the standard title with the year."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.CONCEPT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("annual report (jaarverslag)")
        verbose_name_plural = _("annual reports (jaarverslagen)")
        ordering = ["-year"]

    def __str__(self) -> str:
        return self.display_title

    def get_absolute_url(self) -> str:
        return reverse("reports:annual_report", kwargs={"year": self.year})

    @property
    def display_title(self) -> str:
        return self.title or _("Annual report %(year)s") % {"year": self.year}

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED


class AnnualReportSection(models.Model):
    report = models.ForeignKey(
        AnnualReport, verbose_name=_("annual report"), on_delete=models.CASCADE, related_name="sections"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True, help_text=_("Markdown: **bold**, *italic*, lists, links."))

    class Meta:
        verbose_name = _("annual report chapter")
        verbose_name_plural = _("annual report chapters")
        ordering = ["report", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class ReportVersion(models.Model):
    """A PDF of a workplan or an annual report, rendered by a Celery task and kept as a version."""

    class Kind(models.TextChoices):
        WORKPLAN = "workplan", _("workplan")
        ANNUAL_REPORT = "annual_report", _("annual report")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for the worker")
        BUILDING = "building", _("building")
        READY = "ready", _("ready")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("document"), max_length=20, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    dispatched_at = models.DateTimeField(_("handed to the worker at"), null=True, blank=True)
    started_at = models.DateTimeField(_("build started at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    file = models.FileField(_("file"), upload_to=report_upload_to, max_length=300, blank=True)
    page_count = models.PositiveIntegerField(_("pages"), default=0)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    error = models.TextField(_("problems"), blank=True)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    built_at = models.DateTimeField(_("built at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        verbose_name = _("PDF version")
        verbose_name_plural = _("PDF versions")
        ordering = ["kind", "-year", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "version"], name="reportversion_kind_year_version_unique"
            ),
            models.UniqueConstraint(
                fields=["kind", "year"],
                condition=models.Q(published_at__isnull=False),
                name="reportversion_one_published",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year} — v{self.version}"

    def get_absolute_url(self) -> str:
        return reverse("reports:version", kwargs={"pk": self.pk, "token": self.token})
