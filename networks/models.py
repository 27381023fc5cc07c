"""Networks and kringen: the strategennetwerk, the juristennetwerk, the kringen of gemeentesecretarissen
and griffiers. People join them (by themselves on an open network, or added by the secretariat),
with the expertise tags the network uses; a membership ends on the day its member leaves."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vzhg.history import HistoricalRecords


class ExpertiseTag(models.Model):
    """An area of expertise a network's members can name (juristen: Gemeentewet/Awb, verordeningen …)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("expertise tag")
        verbose_name_plural = _("expertise tags")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Network(models.Model):
    class Kind(models.TextChoices):
        NETWORK = "netwerk", _("network")
        KRING = "kring", _("kring")

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, help_text=_("The network's web address."))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NETWORK)
    purpose = models.TextField(_("purpose"), blank=True, help_text=_("Markdown; shown on the public page."))
    target_size = models.PositiveIntegerField(_("target size"), null=True, blank=True)
    meeting_frequency = models.CharField(
        _("meeting frequency"), max_length=150, blank=True, help_text=_("e.g. '3 times a year'.")
    )
    signup_email = models.EmailField(_("sign-up address"), blank=True)
    open_for_signup = models.BooleanField(
        _("open for sign-up"),
        default=True,
        help_text=_(
            "People may join themselves (network page, profile). Off: only the secretariat adds people."
        ),
    )
    expertise_tags = models.ManyToManyField(
        ExpertiseTag,
        verbose_name=_("expertise tags"),
        blank=True,
        related_name="networks",
        help_text=_("The tags members of this network can choose."),
    )
    partners = models.ManyToManyField(
        "self", verbose_name=_("partner networks"), blank=True, symmetrical=True
    )
    newsletter_list = models.ForeignKey(
        "newsletters.NewsletterList",
        verbose_name=_("newsletter list"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="networks",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("networks:detail", kwargs={"slug": self.slug})


class NetworkMembershipQuerySet(models.QuerySet):
    def active(self) -> NetworkMembershipQuerySet:
        return self.filter(left_on__isnull=True)


class NetworkMembership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "lid", _("member")
        LEAD = "trekker", _("lead member (trekker)")

    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="memberships"
    )
    person = models.ForeignKey(
        "members.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="network_memberships",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    expertise_tags = models.ManyToManyField(
        ExpertiseTag, verbose_name=_("expertise tags"), blank=True, related_name="memberships"
    )
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    objects = NetworkMembershipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("network membership")
        verbose_name_plural = _("network memberships")
        ordering = ["network", "person__last_name", "person__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "person"],
                condition=models.Q(left_on__isnull=True),
                name="network_membership_one_active",
            ),
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True) | models.Q(left_on__gte=models.F("joined_on")),
                name="network_membership_left_after_joined",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.network}"

    @property
    def is_active(self) -> bool:
        return self.left_on is None
