"""Events: the agenda, programmes with workshop rounds, registrations and invitations.

Capacity is enforced in services by locking the Event row (select_for_update) and, for
sessions, the Session rows in a fixed order inside one transaction. Counts of confirmed
registrations are computed, never stored.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vzhg.history import HistoricalRecords

from .tokens import checkin_key_new


class Event(models.Model):
    class Kind(models.TextChoices):
        ALV_CONGRESS = "alv_congress", _("general meeting and spring congress (ALV en voorjaarscongres)")
        AUTUMN_CONGRESS = "autumn_congress", _("autumn congress (najaarscongres)")
        SOUNDING_BOARD = "sounding_board", _("sounding-board meeting (klankbordbijeenkomst)")
        NETWORK = "network", _("network meeting (netwerkbijeenkomst)")
        ACADEMY = "academy", _("Zuid-Holland Academie")
        RETREAT = "retreat", _("retreat (heisessie)")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        CANCELLED = "cancelled", _("cancelled")

    class Audience(models.TextChoices):
        MEMBERS = "members", _("members of member municipalities and the board")
        OPEN = "open", _("open to invited guests and members")

    class RegistrationState(models.TextChoices):
        NOT_OPEN = "not_open", _("registration not yet open")
        OPEN = "open", _("registration open")
        FULL = "full", _("full — waiting list")
        CLOSED = "closed", _("registration closed")
        CANCELLED = "cancelled", _("cancelled")

    class WorkshopAllocation(models.TextChoices):
        DIRECT = "direct", _("directly on registration")
        AFTER_CLOSING = "after_closing", _("by the secretariat after registration closes")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    host = models.ForeignKey(
        "members.Organisation",
        verbose_name=_("host municipality"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hosted_events",
    )
    # An event the association announces but does not organise itself (provincie, VNG, a partner):
    # its name and a link out, shown on the agenda and the event page.
    organiser_name = models.CharField(
        _("external organiser"),
        max_length=100,
        blank=True,
        help_text=_("Only when someone else organises it, e.g. Provincie Zuid-Holland or VNG."),
    )
    organiser_url = models.URLField(_("organiser's page"), max_length=500, blank=True)
    venue_name = models.CharField(_("venue"), max_length=200, blank=True)
    venue_address = models.CharField(_("venue address"), max_length=300, blank=True)
    online_url = models.URLField(
        _("online meeting link"), blank=True, help_text=_("Shown only to confirmed registrants.")
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Empty means unlimited.")
    )
    places_per_municipality = models.PositiveSmallIntegerField(
        _("places per municipality"), null=True, blank=True, help_text=_("Empty means no cap.")
    )
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.MEMBERS
    )
    # A meeting of a network (the networks app, above events: a string reference): its members
    # are the invitation audience "members of the event's network" (events.extensions).
    network = models.ForeignKey(
        "networks.Network",
        verbose_name=_("network"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        help_text=_("A meeting of this network: its members can be invited as one audience."),
    )
    network_only = models.BooleanField(
        _("only for members of the network"),
        default=False,
        help_text=_("Only today's members of the network above can register."),
    )
    registration_opens_at = models.DateTimeField(_("registration opens at"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes at"), null=True, blank=True)
    reminder_days = models.PositiveSmallIntegerField(
        _("reminder days before"), null=True, blank=True, default=2, help_text=_("Empty means no reminder.")
    )
    themes = models.CharField(
        _("themes"), max_length=300, blank=True, help_text=_("Comma-separated, e.g. 'energie, wonen'.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    # Ranked workshop choices (events/workshops.py). 0 = one workshop per round chosen outright, as
    # before: a full workshop puts the registration on the waiting list. 1 or more = the member
    # ranks that many workshops per round; the event place never depends on a workshop.
    workshop_ranks = models.PositiveSmallIntegerField(
        _("workshop choices per round"),
        default=0,
        help_text=_("0: one workshop per round, chosen outright. 2: a first and a second choice, and so on."),
    )
    workshop_allocation = models.CharField(
        _("workshop allocation"),
        max_length=20,
        choices=WorkshopAllocation.choices,
        default=WorkshopAllocation.DIRECT,
    )
    # The SEQUENCE of the event's .ics: raised on every change registrants' calendars must follow
    # (time, place, cancellation), never lowered, so calendar programs apply the newest version.
    ics_sequence = models.PositiveIntegerField(_("calendar version"), default=0, editable=False)

    # Who published, cancelled or changed the event, and when (the admin's "History" page); the
    # services pass the acting user (vzhg.history.history_note), requests the logged-in one (middleware).
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(organiser_url="") | ~models.Q(organiser_name=""),
                name="event_organiser_url_has_name",
                violation_error_message=_("Give the organiser's name with the link to its page."),
            ),
            models.CheckConstraint(
                condition=models.Q(registration_opens_at__isnull=True)
                | models.Q(registration_closes_at__isnull=True)
                | models.Q(registration_closes_at__gte=models.F("registration_opens_at")),
                name="event_registration_window_valid",
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"], name="event_status_start_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        if self.network_only and self.network_id is None:
            raise ValidationError({"network_only": _("Choose the network whose members may register.")})

    @property
    def has_door(self) -> bool:
        """A physical venue (hybrid too): a door to check in at; online-only offers no check-in code."""
        return bool(self.venue_name or self.venue_address)

    @property
    def places_left(self) -> int | None:
        """Free places (None = unlimited); needs the `confirmed_count` annotation of the selectors."""
        if self.capacity is None:
            return None
        return max(self.capacity - getattr(self, "confirmed_count", 0), 0)

    def registration_window_state(self, now=None) -> str | None:
        """The state from status and dates only (no counting): None means the window is open."""
        now = now or timezone.now()
        if self.status == self.Status.CANCELLED:
            return self.RegistrationState.CANCELLED
        if self.registration_opens_at and now < self.registration_opens_at:
            return self.RegistrationState.NOT_OPEN
        closes = self.registration_closes_at or self.starts_at
        if now >= closes:
            return self.RegistrationState.CLOSED
        return None

    def registration_state(self, now=None) -> str:
        """not_open / open / full / closed / cancelled.

        Uses the `confirmed_count` annotation of the selectors when there is one (no query).
        """
        window = self.registration_window_state(now)
        if window is not None:
            return window
        if self.capacity is not None:
            confirmed_count = getattr(self, "confirmed_count", None)
            if confirmed_count is None:
                confirmed_count = self.registrations.filter(status=Registration.Status.CONFIRMED).count()
            if confirmed_count >= self.capacity:
                return self.RegistrationState.FULL
        return self.RegistrationState.OPEN


class ProgrammeItem(models.Model):
    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="programme"
    )
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    speaker = models.CharField(_("speaker"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("programme item")
        verbose_name_plural = _("programme")
        ordering = ["order", "starts_at"]

    def __str__(self) -> str:
        return f"{self.starts_at:%H:%M} {self.title}"


class Round(models.Model):
    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    starts_at = models.TimeField(_("starts at"), null=True, blank=True)
    ends_at = models.TimeField(_("ends at"), null=True, blank=True)
    optional = models.BooleanField(
        _("optional"), default=False, help_text=_("Members may skip this round when they rank workshops.")
    )

    class Meta:
        verbose_name = _("workshop round")
        verbose_name_plural = _("workshop rounds")
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["event", "number"], name="round_event_number_unique")]

    def __str__(self) -> str:
        return self.title or str(_("Round %(number)s") % {"number": self.number})


class Session(models.Model):
    """A workshop in a round."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="sessions"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    speaker = models.CharField(_("speaker"), max_length=200, blank=True)
    room = models.CharField(_("room"), max_length=100, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Empty means unlimited.")
    )
    places_per_municipality = models.PositiveSmallIntegerField(
        _("places per municipality"), null=True, blank=True, help_text=_("Empty means no cap.")
    )

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        ordering = ["round__number", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def places_left(self) -> int | None:
        """Free places (None = unlimited); needs the `confirmed_count` annotation of the selectors."""
        if self.capacity is None:
            return None
        return max(self.capacity - getattr(self, "confirmed_count", 0), 0)


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed")
        WAITLISTED = "waitlisted", _("on the waiting list")
        CANCELLED = "cancelled", _("cancelled")

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="registrations"
    )
    person = models.ForeignKey(
        "members.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registrations",
    )
    organisation = models.ForeignKey(
        "members.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registrations",
        help_text=_("The person's organisation when registering; kept after anonymisation."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.CONFIRMED)
    remarks = models.TextField(_("remarks"), blank=True, help_text=_("Diet, access needs."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), default=False)
    attended_at = models.DateTimeField(_("attended at"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    # The check-in code's per-registration salt (events/tokens.py); the code itself needs SECRET_KEY.
    checkin_key = models.CharField(max_length=16, default=checkin_key_new, editable=False)
    # Added at the door (name, municipality, optional address) instead of registered as a person.
    walk_in = models.BooleanField(_("walk-in"), default=False)
    walk_in_name = models.CharField(_("walk-in name"), max_length=200, blank=True)
    walk_in_email = models.EmailField(_("walk-in e-mail address"), blank=True)

    # Who confirmed, cancelled or checked in the registration, and when. Retention blanks the
    # person and remarks in these rows too (events/retention.py).
    # Not stored: why registration_create put it on the waiting list (None when confirmed) and the
    # workshop that was full, for the page and the mail that follow.
    waitlist_reason: str | None = None
    waitlist_session: str = ""

    history = HistoricalRecords(excluded_fields=["updated_at", "checkin_key"])

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        permissions = [("checkin_registration", _("Can check people in at the door"))]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person"],
                condition=models.Q(person__isnull=False),
                name="registration_event_person_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status", "created_at"], name="registration_event_status_idx")
        ]

    def __str__(self) -> str:
        return f"{self.person or self.walk_in_name or _('anonymised')} — {self.event}"


class SessionChoice(models.Model):
    registration = models.ForeignKey(
        Registration, verbose_name=_("registration"), on_delete=models.CASCADE, related_name="choices"
    )
    session = models.ForeignKey(
        Session, verbose_name=_("workshop"), on_delete=models.CASCADE, related_name="choices"
    )
    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="choices"
    )

    class Meta:
        verbose_name = _("workshop choice")
        verbose_name_plural = _("workshop choices")
        ordering = ["round__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "round"], name="sessionchoice_registration_round_unique"
            ),
        ]

    def __str__(self) -> str:
        return str(self.session)


class Invitation(models.Model):
    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="invitations"
    )
    person = models.ForeignKey(
        "members.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="invitations"
    )
    mail = models.ForeignKey(
        "mail.OutgoingMail",
        verbose_name=_("mail"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_invitations",
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="invitation_event_person_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.event}"


class EventMailing(models.Model):
    """One send of invitations or of an event's cancellation notice, recorded by the request and
    carried out by a worker task (events.tasks.event_mailing_send_task) in batches: pending →
    running → done. `processed` counts the recipients handled, advanced in the same transaction
    as their outbox rows, so a task that is cut off resumes where it stopped and nobody gets a
    second mail; invitations are also guarded by the unique (event, person) invitation."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("invitations")
        CANCELLATION = "cancellation", _("cancellation notice")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for the worker")
        RUNNING = "running", _("being prepared")
        DONE = "done", _("handed to the outbox")
        FAILED = "failed", _("failed")

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="mailings"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    recipient_ids = models.JSONField(
        _("recipients"), default=list, blank=True,
        help_text=_("People (invitations) or registrations (cancellation) to mail, in order."),
    )  # fmt: skip
    total = models.PositiveIntegerField(_("recipients"), default=0)
    processed = models.PositiveIntegerField(_("handled"), default=0)
    queued = models.PositiveIntegerField(_("mails queued"), default=0)
    skipped = models.PositiveIntegerField(_("skipped"), default=0)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_mailings",
    )
    dispatched_at = models.DateTimeField(_("handed to the worker at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("problems"), blank=True)
    # Invitations in the secretariat's own words, as chosen at send time (empty: the standard mail).
    subject = models.CharField(_("own subject"), max_length=200, blank=True)
    body = models.TextField(_("own text"), blank=True, help_text=_("Markdown with merge fields."))

    class Meta:
        verbose_name = _("event mailing")
        verbose_name_plural = _("event mailings")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event"],
                condition=models.Q(kind="cancellation"),
                name="eventmailing_one_cancellation_per_event",
            ),
            models.CheckConstraint(
                condition=models.Q(processed__lte=models.F("total")), name="eventmailing_processed_lte_total"
            ),
        ]
        indexes = [models.Index(fields=["status", "requested_at"], name="eventmailing_status_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.event}"


class FeedKey(models.Model):
    """The random key behind a user's calendar feed address (see events/tokens.py). Replacing it
    ("New address") makes the old address stop working."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="feed_key"
    )
    key = models.CharField(_("key"), max_length=64)
    created_at = models.DateTimeField(_("created"), auto_now=True)

    class Meta:
        verbose_name = _("calendar feed key")
        verbose_name_plural = _("calendar feed keys")

    def __str__(self) -> str:
        return str(self.user)


# Modules of their own, re-exported here: an event's materials (presentations and recordings), its
# own questions and their answers (events/questions.py), ranked workshop choices and the allocation.
from .material_models import EventMaterial  # noqa: E402
from .question_models import Answer, Question  # noqa: E402
from .workshop_models import AllocationMail, AllocationRun, AllocationSend, WorkshopChoice  # noqa: E402

__all__ = [
    "AllocationMail",
    "AllocationRun",
    "AllocationSend",
    "Answer",
    "Event",
    "EventMaterial",
    "EventMailing",
    "FeedKey",
    "Invitation",
    "ProgrammeItem",
    "Question",
    "Registration",
    "Round",
    "Session",
    "SessionChoice",
    "WorkshopChoice",
]
