"""Newsletter editions, their sections and items, subscriptions and per-recipient deliveries."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vzhg.history import HistoricalRecords

IMAGE_MAX_BYTES = 2 * 1024 * 1024
# The usual sections of a new edition. Content, not interface: the newsletter is written in Dutch
# whatever language the person composing it uses, so these are not translated.
DEFAULT_SECTIONS = ["Vanuit het bestuur", "Provincie Zuid-Holland", "VNG", "Overig"]


def validate_image(upload) -> None:
    """PNG, JPEG or WebP, decided by the content (Pillow), at most 2 MB and at most
    vzhg.uploads.IMAGE_MAX_PIXELS pixels (judged on the header, nothing decoded)."""
    from vzhg.uploads import image_check

    if upload.size > IMAGE_MAX_BYTES:
        raise ValidationError(
            _("The image is %(size)s MB; at most 2 MB is allowed."),
            code="image_too_large",
            params={"size": f"{upload.size / 1024 / 1024:.1f}"},
        )
    image_check(upload)


GENERAL_LIST_SLUG = "nieuwsbrief"


class NewsletterListQuerySet(models.QuerySet):
    def general(self) -> "NewsletterList":
        """The general newsletter (made by migration 0007; made again after a test flush)."""
        found = self.filter(is_general=True).first()
        if found is None:
            found, _created = self.get_or_create(
                slug=GENERAL_LIST_SLUG,
                defaults={
                    "name": "VZHG Nieuwsbrief",
                    "is_general": True,
                    "public": True,
                    "self_service": True,
                },
            )
        return found


def general_list_id() -> int:
    """The default list of an edition or a subscription: the general newsletter."""
    return NewsletterList.objects.general().pk


class NewsletterList(models.Model):
    """A list with its own subscribers, editions and archive: the general newsletter, and the
    secretariat's separate lists (griffiers, strategennetwerk)."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=50, unique=True, help_text=_("The list's web address."))
    description = models.TextField(_("description"), blank=True)
    self_service = models.BooleanField(
        _("open to subscribe"),
        default=True,
        help_text=_(
            "People may subscribe themselves (subscribe page, profile). Off: only the secretariat "
            "adds people; subscribers can still unsubscribe."
        ),
    )
    public = models.BooleanField(
        _("public archive"),
        default=True,
        help_text=_("Off: the archive and the editions are shown to the list's subscribers and staff only."),
    )
    is_general = models.BooleanField(_("general newsletter"), default=False, editable=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = NewsletterListQuerySet.as_manager()

    class Meta:
        verbose_name = _("newsletter list")
        verbose_name_plural = _("newsletter lists")
        ordering = ["-is_general", "order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_general"], condition=models.Q(is_general=True), name="newsletter_list_one_general"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        if self.is_general:
            return reverse("newsletters:archive")
        return reverse("newsletters:list_archive", kwargs={"list_slug": self.slug})

    def subscribe_url(self) -> str:
        if self.is_general:
            return reverse("newsletters:subscribe")
        return reverse("newsletters:list_subscribe", kwargs={"list_slug": self.slug})


class Newsletter(models.Model):
    """One edition of the newsletter."""

    class Status(models.TextChoices):
        CONCEPT = "concept", _("concept")
        SCHEDULED = "scheduled", _("scheduled")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")

    # Public (the archive, the web version, its images) once sending has started.
    PUBLISHED_STATUSES = (Status.SENDING, Status.SENT)

    newsletter_list = models.ForeignKey(
        NewsletterList,
        verbose_name=_("list"),
        on_delete=models.PROTECT,
        related_name="editions",
        default=general_list_id,
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True, help_text=_("The edition's web address."))
    date = models.DateField(_("date"))
    intro = models.TextField(_("opening word"), blank=True, help_text=_("Markdown."))
    closing = models.TextField(
        _("closing word"),
        blank=True,
        help_text=_(
            "Markdown, after the items and the agenda. A new edition takes it from the previous one."
        ),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CONCEPT, db_index=True
    )
    scheduled_for = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    progress_at = models.DateTimeField(
        _("last batch activity"),
        null=True,
        blank=True,
        help_text=_("When a sending batch last ran or is next due; the sweep re-starts stalled sends."),
    )
    agenda = models.JSONField(
        _("agenda"),
        default=list,
        blank=True,
        help_text=_("Filled from events and meetings when sending starts."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="newsletters",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # Who composed, scheduled, tested, sent or cancelled what (services set the acting user;
    # admin requests get theirs from HistoryRequestMiddleware). The batches' heartbeat is no change.
    history = HistoricalRecords(excluded_fields=["updated_at", "progress_at"])

    class Meta:
        verbose_name = _("newsletter")
        verbose_name_plural = _("newsletters")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="scheduled") | models.Q(scheduled_for__isnull=False),
                name="newsletter_scheduled_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("newsletters:edition", kwargs={"slug": self.slug})

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.CONCEPT, self.Status.SCHEDULED)

    @property
    def is_published(self) -> bool:
        return self.status in self.PUBLISHED_STATUSES


class Section(models.Model):
    newsletter = models.ForeignKey(
        Newsletter, verbose_name=_("newsletter"), on_delete=models.CASCADE, related_name="sections"
    )
    title = models.CharField(_("title"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title


class Item(models.Model):
    section = models.ForeignKey(
        Section, verbose_name=_("section"), on_delete=models.CASCADE, related_name="items"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(
        _("text"), blank=True, help_text=_("Markdown. Scripts and unknown HTML are removed.")
    )
    link = models.URLField(_("link"), blank=True, max_length=500)
    link_label = models.CharField(_("link text"), max_length=100, blank=True)
    image = models.FileField(
        _("image"),
        upload_to="newsletters/images/",
        blank=True,
        validators=[validate_image],
        help_text=_("PNG, JPEG or WebP, at most 2 MB."),
    )
    image_alt = models.CharField(_("image description"), max_length=200, blank=True)
    # An event or board meeting the item is about (newsletters.linking: which kinds, and whether
    # the reader gets a link). Generic, so newsletters depends on neither app.
    linked_type = models.ForeignKey(
        "contenttypes.ContentType",
        verbose_name=_("linked kind"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    linked_id = models.PositiveIntegerField(_("linked id"), null=True, blank=True)
    linked = GenericForeignKey("linked_type", "linked_id")

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(linked_type__isnull=True, linked_id__isnull=True)
                | models.Q(linked_type__isnull=False, linked_id__isnull=False),
                name="item_linked_whole",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.image and not self.image_alt:
            raise ValidationError({"image_alt": _("Describe the image for readers who cannot see it.")})


class Subscription(models.Model):
    """One address on one list. Unsubscribed rows are kept so that an import cannot revive them."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for confirmation")
        CONFIRMED = "confirmed", _("confirmed")
        UNSUBSCRIBED = "unsubscribed", _("unsubscribed")

    class Source(models.TextChoices):
        STAFF = "staff", _("secretariat")
        IMPORT = "import", _("import")
        PUBLIC = "public", _("subscribe page")

    newsletter_list = models.ForeignKey(
        NewsletterList,
        verbose_name=_("list"),
        on_delete=models.PROTECT,
        related_name="subscriptions",
        default=general_list_id,
    )
    email = models.EmailField(_("e-mail address"), max_length=254)
    person = models.ForeignKey(
        "members.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="newsletter_subscriptions",
    )
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.PUBLIC)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)
    bounced_at = models.DateTimeField(_("bounced"), null=True, blank=True)
    bounce_reason = models.TextField(_("bounce reason"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    # Every status change and who made it: staff, the reader (by a link: no user, and the link's
    # token is never stored) or the reader logged in. The row holds no secret to exclude.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(
                "newsletter_list", Lower("email"), name="subscription_list_email_ci_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.CONFIRMED and self.bounced_at is None


class Delivery(models.Model):
    """One edition to one subscription: queued → sending → sent / failed. Taken only while
    queued, under a row lock; "sending" is committed before DATA, "sent" right after the 250."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    newsletter = models.ForeignKey(
        Newsletter, verbose_name=_("newsletter"), on_delete=models.CASCADE, related_name="deliveries"
    )
    subscription = models.ForeignKey(
        Subscription, verbose_name=_("subscription"), on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["newsletter", "subscription"], name="delivery_once_per_subscription"
            ),
        ]
        # The batches take the next queued delivery of an edition in id order: one index walk.
        indexes = [models.Index(fields=["newsletter", "status", "id"], name="delivery_next_queued_idx")]

    def __str__(self) -> str:
        return f"{self.newsletter} → {self.subscription}"


from .clicks import LinkClick  # noqa: E402, F401  (its own module; registered with the app here)
