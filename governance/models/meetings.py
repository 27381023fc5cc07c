"""Meetings with their agenda items, motions, documents, meeting packs, personal notes, views and
notices."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vzhg.history import HistoricalRecords

from .board import Body
from .files import document_upload_to, pack_upload_to


class Meeting(models.Model):
    class Status(models.TextChoices):
        CONCEPT = "concept", _("draft")
        PUBLISHED = "published", _("published")
        HELD = "held", _("held")

    body = models.ForeignKey(Body, verbose_name=_("body"), on_delete=models.PROTECT, related_name="meetings")
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.CONCEPT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    notice_sent_at = models.DateTimeField(_("notice sent at"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    publication = models.PositiveIntegerField(_("publication number"), default=0)
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.ForeignKey(
        "events.Event",
        verbose_name=_("held together with event"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
        limit_choices_to={"kind__in": ["alv_congress", "autumn_congress"]},
        help_text=_(
            "The event (e.g. the spring congress) this meeting is held at; "
            "its registrations count as responses."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at"]
        constraints = [models.UniqueConstraint(fields=["event"], name="meeting_event_unique")]

    def __str__(self) -> str:
        return f"{self.title} ({timezone.localtime(self.starts_at):%d-%m-%Y})"

    def get_absolute_url(self) -> str:
        return reverse("governance:meeting", kwargs={"pk": self.pk, "token": self.token})


class AgendaItem(models.Model):
    class Kind(models.TextChoices):
        BESLUITVORMING = "ter_besluitvorming", _("for decision")
        BESPREKING = "ter_bespreking", _("for discussion")
        INFORMATIE = "ter_informatie", _("for information")
        MEDEDELINGEN = "mededelingen", _("announcements")
        RONDVRAAG = "rondvraag", _("any other business")
        STATUTENWIJZIGING = "statutenwijziging", _("amendment of the statutes")
        ONTBINDING = "ontbinding", _("dissolution")

    NOTICE_KINDS = (Kind.STATUTENWIJZIGING, Kind.ONTBINDING)

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="items"
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=250)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.BESPREKING)
    rapporteur = models.ForeignKey(
        "members.Person",
        verbose_name=_("rapporteur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agenda_items",
    )
    summary = models.TextField(_("summary"), blank=True)
    proposal = models.TextField(_("proposal"), blank=True)
    decision = models.TextField(_("decision"), blank=True, help_text=_("Filled in after the meeting."))
    confidential = models.BooleanField(_("confidential"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class Motion(models.Model):
    """A motie: members ask the executive board (DB) to do something, or to refrain from it; the
    general assembly (ALV) decides."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("not yet decided")
        ADOPTED = "adopted", _("adopted")
        ADOPTED_AMENDED = "adopted_amended", _("adopted as amended")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", _("withdrawn")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="motions"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=250)
    text = models.TextField(
        _("text"), help_text=_("What the members ask the executive board to do, or not to do.")
    )
    submitted_by = models.ManyToManyField(
        "members.Organisation",
        verbose_name=_("submitted by"),
        related_name="motions",
        limit_choices_to={"kind": "municipality"},
        help_text=_("One or more member municipalities."),
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    votes_for = models.PositiveIntegerField(_("votes for"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("votes against"), null=True, blank=True)
    outcome_note = models.TextField(_("note on the outcome"), blank=True)

    history = HistoricalRecords(m2m_fields=[submitted_by])

    class Meta:
        verbose_name = _("motion (motie)")
        verbose_name_plural = _("motions (moties)")
        ordering = ["meeting", "order", "pk"]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        super().clean()
        if self.meeting_id and self.meeting.body.kind != Body.Kind.ALV:
            raise ValidationError(
                {"meeting": _("Motions are handled by the general assembly (ALV); choose an ALV meeting.")}
            )


class Document(models.Model):
    item = models.ForeignKey(
        AgendaItem, verbose_name=_("agenda item"), on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("title"), max_length=250)
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=300)
    original_filename = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    version = models.PositiveIntegerField(_("version"), default=1)
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaced_by",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["item", "pk"]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    def get_absolute_url(self) -> str:
        return reverse("governance:document", kwargs={"pk": self.pk, "token": self.token})

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"


class MeetingPack(models.Model):
    """One version of a meeting's pack. Pending (reserved, waiting for the worker) → building →
    ready / failed; the periodic sweep hands pending packs to the worker again and puts packs a
    dead worker left building back to pending (a few attempts, then failed)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for the worker")
        BUILDING = "building", _("building")
        READY = "ready", _("ready")
        FAILED = "failed", _("failed")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="packs"
    )
    file = models.FileField(_("file"), upload_to=pack_upload_to, max_length=300, blank=True)
    version = models.PositiveIntegerField(_("version"))
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    dispatched_at = models.DateTimeField(_("handed to the worker at"), null=True, blank=True)
    started_at = models.DateTimeField(_("build started at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    built_at = models.DateTimeField(_("built at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(_("problems"), blank=True)
    page_count = models.PositiveIntegerField(_("pages"), default=0)
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        verbose_name = _("meeting pack")
        verbose_name_plural = _("meeting packs")
        ordering = ["meeting", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "version"], name="meetingpack_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.meeting} — v{self.version}"

    def get_absolute_url(self) -> str:
        return reverse("governance:pack", kwargs={"pk": self.pk, "token": self.token})


class PersonalNote(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="governance_notes",
    )
    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="notes"
    )
    text = models.TextField(_("note"), max_length=10_000)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("personal note")
        verbose_name_plural = _("personal notes")
        constraints = [
            models.UniqueConstraint(fields=["user", "document"], name="personalnote_user_document_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.document}"


class MeetingView(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="views"
    )
    last_seen_at = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("meeting view")
        verbose_name_plural = _("meeting views")
        constraints = [
            models.UniqueConstraint(fields=["user", "meeting"], name="meetingview_user_meeting_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.meeting}"


class Notice(models.Model):
    """One e-mail to one person about one publication of a meeting (or its reminder)."""

    class Kind(models.TextChoices):
        PUBLISHED = "published", _("meeting published")
        REMINDER = "reminder", _("reminder")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="notices"
    )
    person = models.ForeignKey(
        "members.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    publication = models.PositiveIntegerField(_("publication number"))
    mail = models.ForeignKey(
        "mail.OutgoingMail", verbose_name=_("e-mail"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("meeting notice")
        verbose_name_plural = _("meeting notices")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person", "kind", "publication"], name="notice_once_per_publication"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.meeting} ({self.get_kind_display()})"
