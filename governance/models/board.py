"""The board: portfolios (themes), bodies, mandates and VNG commission seats."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from vzhg.history import HistoricalRecords
from vzhg.periods import PeriodQuerySet


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

    objects = PeriodQuerySet.as_manager()
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
                            "A member of the audit committee (kascommissie) cannot sit on the board at the "
                            "same time: %(person)s is in the %(body)s in this period."
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


class VngCommission(models.Model):
    class Kind(models.TextChoices):
        VASTE = "vaste_commissie", _("standing committee")
        TIJDELIJKE = "tijdelijke_commissie", _("temporary committee")
        SUB = "subcommissie", _("subcommittee")
        COLLEGE = "college", _("college")
        BESTUUR = "vng_bestuur", _("VNG board")

    name = models.CharField(_("name"), max_length=150, unique=True)
    slug = models.SlugField(
        _("slug"),
        max_length=160,
        unique=True,
        blank=True,
        help_text=_("The public page's web address; made from the name when left empty."),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.VASTE)
    end = models.DateField(
        _("end date"),
        null=True,
        blank=True,
        help_text=_("A temporary commission ends on this date, and its seats with it."),
    )
    description = models.TextField(_("description"), blank=True)
    klankbord_events = models.ManyToManyField(
        "events.Event",
        verbose_name=_("klankbord meetings"),
        blank=True,
        related_name="vng_commissions",
        help_text=_("Events with the commission's Zuid-Holland members as hosts."),
    )

    class Meta:
        verbose_name = _("VNG commission")
        verbose_name_plural = _("VNG commissions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # The web address is derived from the name once (wherever the commission is made: admin,
        # seeds, imports); later renames keep it, so links stay valid.
        if not self.slug:
            self.slug = commission_slug(self.name, taken=VngCommission.objects.exclude(pk=self.pk))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("governance:commission", args=[self.slug])

    def clean(self) -> None:
        if self.kind == self.Kind.TIJDELIJKE and self.end is None:
            raise ValidationError(
                {"end": _("A temporary commission needs an end date (its seats end on it).")}
            )


def commission_slug(name: str, *, taken) -> str:
    """A readable, unique slug for a commission named `name`: slugify(name), never all digits
    (those addresses are the old pk URLs, which redirect), "-2", "-3" … when `taken` (a queryset
    of the other commissions) has it already. Migration 0011 fills the existing rows with it."""
    base = slugify(name)[:150].strip("-") or "commissie"
    if base.isdigit():
        base = f"commissie-{base}"
    slug, number = base, 1
    while taken.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


class CommissionSeatQuerySet(PeriodQuerySet):
    def current(self, day):
        """Seats active on `day` of commissions that have not ended by then (R17)."""
        return self.active_on(day).filter(
            models.Q(commission__end__isnull=True) | models.Q(commission__end__gte=day)
        )


class CommissionSeat(models.Model):
    person = models.ForeignKey(
        "members.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="commission_seats"
    )
    commission = models.ForeignKey(
        VngCommission, verbose_name=_("commission"), on_delete=models.PROTECT, related_name="seats"
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)

    objects = CommissionSeatQuerySet.as_manager()
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

    def clean(self) -> None:
        """R17: a seat of a commission with an end date ends on that date at the latest."""
        ends = self.commission.end if self.commission_id else None
        if ends is None:
            return
        if self.start and self.start > ends:
            raise ValidationError(
                {
                    "start": _("This commission ends on %(date)s; a seat cannot start after it.")
                    % {"date": date_format(ends)}
                }
            )
        if self.end is not None and self.end > ends:
            raise ValidationError(
                {
                    "end": _("This commission ends on %(date)s; its seats end on that date at the latest.")
                    % {"date": date_format(ends)}
                }
            )
