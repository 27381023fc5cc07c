"""Bodies, mandates, meetings, agenda items, documents and meeting packs.

Files (documents, packs) live under MEDIA_ROOT in a private folder with random names and are only
ever served by views that check who asks; MEDIA_URL is not served at all.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


def _private_path(prefix: str, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"private/governance/{prefix}/{uuid.uuid4().hex}.{suffix}"


def document_upload_to(instance, filename: str) -> str:
    return _private_path("documents", filename)


def pack_upload_to(instance, filename: str) -> str:
    return _private_path("packs", filename)


class Theme(models.Model):
    """An aandachtsgebied (portfolio) a board member looks after."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive themes are kept for earlier years.")
    )

    class Meta:
        verbose_name = _("portfolio (aandachtsgebied)")
        verbose_name_plural = _("portfolios (aandachtsgebieden)")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Body(models.Model):
    class Kind(models.TextChoices):
        ALV = "alv", _("general assembly (ALV)")
        AB = "ab", _("general board (AB)")
        DB = "db", _("executive board (DB)")
        KASCOMMISSIE = "kascommissie", _("audit committee (kascommissie)")
        STUURGROEP = "stuurgroep", _("steering group")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=150, unique=True)
    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    public_meetings = models.BooleanField(
        _("meetings are public"),
        default=False,
        help_text=_("Agendas and non-confidential documents open to anyone."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Mandate(models.Model):
    class Role(models.TextChoices):
        VOORZITTER = "voorzitter", _("chair (voorzitter)")
        VICE_VOORZITTER = "vice-voorzitter", _("vice-chair (vice-voorzitter)")
        PENNINGMEESTER = "penningmeester", _("treasurer (penningmeester)")
        BESTUURLIJK_SECRETARIS = "bestuurlijk-secretaris", _("executive secretary (bestuurlijk secretaris)")
        LID = "lid", _("member (lid)")
        ADVISEREND_LID = "adviserend-lid", _("advisory member (adviserend lid)")

    person = models.ForeignKey(
        "members.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="mandates"
    )
    body = models.ForeignKey(Body, verbose_name=_("body"), on_delete=models.PROTECT, related_name="mandates")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices, default=Role.LID)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    portfolios = models.ManyToManyField(
        Theme, verbose_name=_("portfolios"), blank=True, related_name="mandates"
    )
    # Board changes must be registered with the Kamer van Koophandel; these record that it was done.
    kvk_start_reported_on = models.DateField(_("start reported to the KvK on"), null=True, blank=True)
    kvk_end_reported_on = models.DateField(_("end reported to the KvK on"), null=True, blank=True)

    history = HistoricalRecords(m2m_fields=[portfolios])

    class Meta:
        verbose_name = _("mandate")
        verbose_name_plural = _("mandates")
        ordering = ["body__order", "start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="mandate_period_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_role_display()} {self.body}"

    DB_ROLES = (Role.VOORZITTER, Role.VICE_VOORZITTER, Role.PENNINGMEESTER, Role.BESTUURLIJK_SECRETARIS)

    def _overlapping(self):
        """Other mandates whose period overlaps this one's."""
        overlapping = Mandate.objects.exclude(pk=self.pk).filter(
            models.Q(end__isnull=True) | models.Q(end__gte=self.start)
        )
        if self.end is not None:
            overlapping = overlapping.filter(start__lte=self.end)
        return overlapping

    def clean(self):
        """DOMAIN R11: the executive board has one holder of each of its four roles at a time.
        DOMAIN R5: the kascommissie checks the board, so nobody sits on both at the same time."""
        super().clean()
        if self.body_id is None or self.start is None or self.person_id is None:
            return
        board = (Body.Kind.AB, Body.Kind.DB)
        if self.body.kind in board + (Body.Kind.KASCOMMISSIE,):
            other_kinds = [Body.Kind.KASCOMMISSIE] if self.body.kind in board else list(board)
            clash = (
                self._overlapping()
                .filter(person_id=self.person_id, body__kind__in=other_kinds)
                .select_related("body")
                .first()
            )
            if clash is not None:
                raise ValidationError(
                    {
                        "body": _(
                            "A member of the audit committee (kascommissie) cannot sit on the board at the same time: %(person)s is in the %(body)s in this period."
                        )
                        % {"person": self.person, "body": clash.body}
                    }
                )
        if self.role not in self.DB_ROLES or self.body.kind != Body.Kind.DB:
            return
        holder = (
            self._overlapping().filter(body_id=self.body_id, role=self.role).select_related("person").first()
        )
        if holder is not None:
            raise ValidationError(
                {
                    "role": _("%(person)s already holds this role in this period; end that mandate first.")
                    % {"person": holder.person}
                }
            )

    @property
    def kvk_to_report(self) -> bool:
        """An AB or DB mandate whose start, or end, has not been reported to the KvK yet."""
        if self.body.kind not in (Body.Kind.AB, Body.Kind.DB):
            return False
        return self.kvk_start_reported_on is None or (
            self.end is not None and self.kvk_end_reported_on is None
        )

    def active_on(self, day) -> bool:
        return self.start <= day and (self.end is None or self.end >= day)


class VngCommission(models.Model):
    class Kind(models.TextChoices):
        VASTE = "vaste_commissie", _("standing committee")
        TIJDELIJKE = "tijdelijke_commissie", _("temporary committee")
        SUB = "subcommissie", _("subcommittee")
        COLLEGE = "college", _("college")
        BESTUUR = "vng_bestuur", _("VNG board")

    name = models.CharField(_("name"), max_length=150, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.VASTE)

    class Meta:
        verbose_name = _("VNG commission")
        verbose_name_plural = _("VNG commissions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CommissionSeat(models.Model):
    person = models.ForeignKey(
        "members.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="commission_seats"
    )
    commission = models.ForeignKey(
        VngCommission, verbose_name=_("commission"), on_delete=models.PROTECT, related_name="seats"
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("VNG commission seat")
        verbose_name_plural = _("VNG commission seats")
        ordering = ["commission__name", "start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="commissionseat_period_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.commission}"


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

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return f"{self.title} ({timezone.localtime(self.starts_at):%d-%m-%Y})"

    def get_absolute_url(self) -> str:
        return reverse("governance:meeting", kwargs={"pk": self.pk, "token": self.token})

    @property
    def is_visible(self) -> bool:
        return self.status != self.Status.CONCEPT


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


# --- Workplan (werkplan) and annual report (jaarverslag) -------------------------------------


# The years a workplan or annual report can be about (the admin's copy form uses the same range).
YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


def report_upload_to(instance, filename: str) -> str:
    return _private_path("reports", filename)


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

    @property
    def display_title(self) -> str:
        return self.title or _("Workplan %(year)s") % {"year": self.year}

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.ADOPTED

    def get_absolute_url(self) -> str:
        return reverse("reports:workplan", kwargs={"year": self.year})

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

    LIGHT_ORDER = {Light.RED: 0, Light.ORANGE: 1, Light.GREEN: 2}

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

    @property
    def display_title(self) -> str:
        return self.title or _("Annual report %(year)s") % {"year": self.year}

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def get_absolute_url(self) -> str:
        return reverse("reports:annual_report", kwargs={"year": self.year})


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
