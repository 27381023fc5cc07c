import datetime

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vzhg.history import HistoricalRecords


class UserManager(BaseUserManager):
    """Users are known by their e-mail address; there are no usernames."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def holding(self, perm: str):
        """Active accounts with an e-mail address that hold `perm` ("app_label.codename"), through a
        group, directly or as superuser (Django's ModelBackend): the colleagues a task may involve,
        such as a test mail. Decided by permission, never by is_staff."""
        from django.contrib.auth.backends import ModelBackend

        return ModelBackend().with_perm(perm, is_active=True, include_superusers=True).exclude(email="")


class User(AbstractUser):
    """A log-in. Who the person is (name, organisation, function) lives on Person."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.email


class RegionQuerySet(models.QuerySet):
    def within(self, region: "Region") -> "RegionQuerySet":
        """`region` and every region nested in it, at any depth."""
        children: dict[int | None, list[int]] = {}
        for pk, parent_id in Region.objects.values_list("pk", "parent_id"):
            children.setdefault(parent_id, []).append(pk)
        found, todo = {region.pk}, [region.pk]
        while todo:
            for child in children.get(todo.pop(), []):
                if child not in found:
                    found.add(child)
                    todo.append(child)
        return self.filter(pk__in=found)


class Region(models.Model):
    """A region of the province; regions nest (Hollands Midden holds Holland Rijnland)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def member_municipality_q(prefix: str = "") -> Q:
    """The condition "a member municipality today", for a related model too (`prefix="organisation__"`)."""
    return Q(
        **{
            f"{prefix}kind": "municipality",
            f"{prefix}member_since__isnull": False,
            f"{prefix}member_until__isnull": True,
        }
    )


class OrganisationQuerySet(models.QuerySet):
    def member_municipalities(self) -> "OrganisationQuerySet":
        """The municipalities that are a member today."""
        return self.filter(member_municipality_q())

    def member_municipalities_during(
        self, start: datetime.date, end: datetime.date
    ) -> "OrganisationQuerySet":
        """Municipalities that were a member at some time between start and end (inclusive)."""
        return self.filter(
            Q(kind="municipality", member_since__isnull=False, member_since__lte=end)
            & (Q(member_until__isnull=True) | Q(member_until__gte=start))
        )


class Organisation(models.Model):
    """A municipality, the province, VNG, a partner or another organisation people belong to."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("municipality")
        PROVINCE = "province", _("province")
        VNG = "vng", _("VNG")
        PARTNER = "partner", _("partner")
        SAMENWERKINGSVERBAND = "samenwerkingsverband", _("regional cooperation (samenwerkingsverband)")
        KRING = "kring", _("circle (kring)")
        KENNISINSTELLING = "kennisinstelling", _("knowledge institution (kennisinstelling)")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    cbs_code = models.CharField(
        _("CBS code"),
        max_length=6,
        blank=True,
        validators=[RegexValidator(r"^GM\d{4}$", _("A CBS code looks like GM0599."))],
        help_text=_("Municipalities only, e.g. GM0599."),
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    in_mrdh = models.BooleanField(_("MRDH member"), default=False)
    member_since = models.DateField(_("member since"), null=True, blank=True)
    member_until = models.DateField(_("member until"), null=True, blank=True)
    inhabitants = models.PositiveIntegerField(_("inhabitants"), null=True, blank=True)
    website = models.URLField(_("website"), blank=True)

    objects = OrganisationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cbs_code"], condition=~models.Q(cbs_code=""), name="organisation_cbs_code_unique"
            ),
            models.UniqueConstraint(fields=["name", "kind"], name="organisation_name_kind_unique"),
            models.CheckConstraint(
                condition=models.Q(kind="municipality") | models.Q(cbs_code=""),
                name="organisation_cbs_code_only_municipality",
            ),
            models.CheckConstraint(
                condition=models.Q(member_until__isnull=True)
                | models.Q(member_since__isnull=True)
                | models.Q(member_until__gte=models.F("member_since")),
                name="organisation_membership_period_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_member(self) -> bool:
        return (
            self.kind == self.Kind.MUNICIPALITY
            and self.member_since is not None
            and self.member_until is None
        )


class EmailDomain(models.Model):
    """An e-mail domain of an organisation: a new account on it is linked to that organisation."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="email_domains"
    )
    domain = models.CharField(
        _("domain"),
        max_length=100,
        validators=[
            RegexValidator(
                r"^(?!-)[a-z0-9-]+(\.[a-z0-9-]+)+$",
                _("Enter a domain such as rotterdam.nl, without @ or spaces, in lower case."),
            )
        ],
    )

    class Meta:
        verbose_name = _("e-mail domain")
        verbose_name_plural = _("e-mail domains")
        ordering = ["domain"]
        constraints = [models.UniqueConstraint(Lower("domain"), name="emaildomain_domain_ci_unique")]

    def __str__(self) -> str:
        return self.domain


class Person(models.Model):
    """Someone the association works with: mayor, alderman, clerk, civil servant, partner."""

    class Function(models.TextChoices):
        BURGEMEESTER = "burgemeester", _("mayor (burgemeester)")
        WETHOUDER = "wethouder", _("alderman (wethouder)")
        RAADSLID = "raadslid", _("councillor (raadslid)")
        GRIFFIER = "griffier", _("council clerk (griffier)")
        GEMEENTESECRETARIS = "gemeentesecretaris", _("municipal secretary (gemeentesecretaris)")
        DIRECTEUR = "directeur", _("director")
        BESTUURSSECRETARIS = "bestuurssecretaris", _("board secretary (bestuurssecretaris)")
        STRATEEG = "strateeg", _("strategist")
        JURIST = "jurist", _("lawyer")
        BELEIDSMEDEWERKER = "beleidsmedewerker", _("policy officer")
        AMBTENAAR = "ambtenaar", _("civil servant")
        GEDEPUTEERDE = "gedeputeerde", _("provincial executive (gedeputeerde)")
        SECRETARIAAT = "secretariaat", _("secretariat staff")
        OTHER = "other", _("other")

    class Salutation(models.TextChoices):
        NEUTRAL = "", _("neutral (first and last name)")
        HEER = "heer", _("Mr (heer)")
        MEVROUW = "mevrouw", _("Ms (mevrouw)")

    first_name = models.CharField(_("first name"), max_length=100)
    tussenvoegsel = models.CharField(
        _("tussenvoegsel"), max_length=20, blank=True, help_text=_("e.g. 'van der' in Jan van der Berg")
    )
    last_name = models.CharField(_("last name"), max_length=100)
    salutation = models.CharField(
        _("salutation"),
        max_length=10,
        choices=Salutation.choices,
        blank=True,
        default=Salutation.NEUTRAL,
        help_text=_(
            "How formal mail addresses this person: 'Geachte heer Jansen'; neutral: 'Geachte Anna Jansen'."
        ),
    )
    email = models.EmailField(_("e-mail address"), max_length=254)
    phone = models.CharField(
        _("phone"),
        max_length=20,
        blank=True,
        validators=[
            RegexValidator(r"^\+?[0-9 ()-]{6,20}$", _("Enter a phone number of digits, e.g. 070 373 8393."))
        ],
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    function = models.CharField(_("function"), max_length=30, choices=Function.choices, blank=True)
    job_title = models.CharField(
        _("job title"),
        max_length=150,
        blank=True,
        help_text=_("As the person writes it, e.g. 'griffier Noordwijk'."),
    )
    user = models.OneToOneField(
        User,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        # Dutch sorting: "Jack de Vries" sorts under V; the tussenvoegsel is not part of the key.
        ordering = ["last_name", "first_name", "tussenvoegsel"]
        constraints = [models.UniqueConstraint(Lower("email"), name="person_email_ci_unique")]
        indexes = [models.Index(fields=["last_name", "first_name"], name="person_sort_idx")]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("members:profile")

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.tussenvoegsel, self.last_name) if part)

    @property
    def sort_name(self) -> str:
        """As in a Dutch index: 'Vries, Jack de'."""
        given = " ".join(part for part in (self.first_name, self.tussenvoegsel) if part)
        return f"{self.last_name}, {given}" if given else self.last_name
