"""Contact moments (overleg) with outside organisations and signals (signalen) from members.

The association is a link ("schakel") between the municipalities, the province and the VNG
(werkplan 2024): the chair meets the Commissaris van de Koning twice a year, the board meets
Gedeputeerde Staten once, the secretary the provinciesecretaris at least twice; the VNG holds
voorzitters- and secretarissenoverleggen. Each of those talks is a ContactMoment, linked to the
workplan activities it realises, so "5 keer per jaar overleg" is counted, not typed. A Signal is
what a municipality, person or meeting brought in, forwarded to a VNG commission member, the VNG
or the province, and closed with its outcome ("extra ogen en oren").
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vzhg.history import HistoricalRecords
from vzhg.markdown import markdown_to_html

# Named once, offered in two lists: a talk with them, or a signal carried to them.
MPS_LABEL = _("Members of parliament (kamerleden)")


def optional_link(to: str, verbose_name, related_name: str) -> models.ForeignKey:
    """A link that may be empty and is emptied when its row goes (theme, owner, where a signal
    came from, the commission member it went to)."""
    return models.ForeignKey(
        to,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name=related_name,
    )


class ContactMoment(models.Model):
    """One talk with an outside organisation: who took part, about what, what came of it."""

    class Counterpart(models.TextChoices):
        CDK = "cdk", _("King's Commissioner (CdK)")
        GS = "gs", _("Provincial executive (Gedeputeerde Staten)")
        PROVINCE_SECRETARY = "provinciesecretaris", _("Province secretary (provinciesecretaris)")
        VNG_CHAIRS = "vng_voorzitters", _("VNG chairs' meeting (voorzittersoverleg)")
        VNG_SECRETARIES = "vng_secretarissen", _("VNG secretaries' meeting (secretarissenoverleg)")
        VNG_COMMISSION = "vng_commissie", _("VNG commission")
        MPS = "kamerleden", MPS_LABEL
        KRING = "kring", _("Circle (kring)")
        PARTNER = "partner", _("Partner")
        OTHER = "other", _("Other")

    date = models.DateField(_("date"))
    counterpart = models.CharField(_("with"), max_length=20, choices=Counterpart.choices)
    title = models.CharField(
        _("title"), max_length=200, blank=True, help_text=_("Optional, e.g. the subject.")
    )
    organisations = models.ManyToManyField(
        "members.Organisation", verbose_name=_("organisations"), blank=True, related_name="contact_moments"
    )
    our_participants = models.ManyToManyField(
        "members.Person",
        verbose_name=_("our participants"),
        blank=True,
        related_name="contact_moments_for_us",
    )
    their_participants = models.ManyToManyField(
        "members.Person",
        verbose_name=_("their participants"),
        blank=True,
        related_name="contact_moments_as_guest",
    )
    theme = optional_link("governance.Theme", _("theme"), "contact_moments")
    report = models.TextField(
        _("short report"), blank=True, help_text=_("Markdown: **bold**, *italic*, lists, links.")
    )
    activities = models.ManyToManyField(
        "governance.PlannedActivity",
        verbose_name=_("workplan activities it realises"),
        blank=True,
        related_name="contact_moments",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("contact moment (overleg)")
        verbose_name_plural = _("contact moments (overleggen)")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["date"], name="contactmoment_date_idx")]

    def __str__(self) -> str:
        label = self.title or self.get_counterpart_display()
        return f"{label} ({self.date:%d-%m-%Y})" if self.date else str(label)

    @property
    def report_html(self) -> str:
        """The short report as safe HTML (the project's one Markdown sanitiser)."""
        return markdown_to_html(self.report)


class ContactAction(models.Model):
    """A follow-up action agreed in a contact moment (governance.Action belongs to a body's
    meeting, which a talk with the province is not)."""

    contact_moment = models.ForeignKey(
        ContactMoment, verbose_name=_("contact moment"), on_delete=models.CASCADE, related_name="actions"
    )
    title = models.CharField(_("action"), max_length=300)
    owner = optional_link("members.Person", _("owner"), "contact_actions")
    due = models.DateField(_("due date"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)

    class Meta:
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        ordering = ["done", "due", "pk"]

    def __str__(self) -> str:
        return self.title


FORWARDED = ~models.Q(forwarded_to="") & models.Q(forwarded_on__isnull=False)
NOT_FORWARDED = models.Q(forwarded_to="") & models.Q(forwarded_on__isnull=True)


class Signal(models.Model):
    """A signal from a municipality, a person or a meeting, carried on to the VNG or the province."""

    class Status(models.TextChoices):
        RECEIVED = "ontvangen", _("received (ontvangen)")
        FORWARDED = "doorgezet", _("forwarded (doorgezet)")
        CLOSED = "afgerond", _("closed (afgerond)")

    class ForwardedTo(models.TextChoices):
        COMMISSION_MEMBER = "commissielid", _("VNG commission member")
        VNG = "vng", _("VNG")
        PZH = "pzh", _("Province of Zuid-Holland (PZH)")
        MPS = "kamerleden", MPS_LABEL
        OTHER = "other", _("Other")

    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("signal"))
    theme = optional_link("governance.Theme", _("theme"), "signals")
    organisation = optional_link("members.Organisation", _("from municipality or organisation"), "signals")
    person = optional_link("members.Person", _("from person"), "signals")
    meeting = optional_link("governance.Meeting", _("raised at meeting"), "signals")
    received_on = models.DateField(_("received on"), default=timezone.localdate)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    forwarded_to = models.CharField(_("forwarded to"), max_length=20, choices=ForwardedTo.choices, blank=True)
    forwarded_to_seat = optional_link("governance.CommissionSeat", _("VNG commission member"), "signals")
    forwarded_to_note = models.CharField(_("forwarded to (other)"), max_length=200, blank=True)
    forwarded_on = models.DateField(_("forwarded on"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("signal (signaal)")
        verbose_name_plural = _("signals (signalen)")
        ordering = ["-received_on", "-pk"]
        constraints = [
            # forwarded: to whom and when, together (FORWARDED); or neither (NOT_FORWARDED)
            models.CheckConstraint(
                condition=~models.Q(status="doorgezet") | FORWARDED, name="signal_forwarded_has_whom_and_when"
            ),
            models.CheckConstraint(
                condition=NOT_FORWARDED | FORWARDED, name="signal_forwarded_whom_with_when"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="afgerond") | models.Q(closed_on__isnull=False),
                name="signal_closed_has_date",
            ),
            models.CheckConstraint(
                condition=~models.Q(forwarded_to="commissielid") | models.Q(forwarded_to_seat__isnull=False),
                name="signal_commission_member_named",
            ),
        ]
        indexes = [models.Index(fields=["status", "received_on"], name="signal_status_received_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("contacts:signal", kwargs={"pk": self.pk})

    def clean(self):
        super().clean()
        if not (self.organisation_id or self.person_id or self.meeting_id):
            raise ValidationError(
                _("Say where the signal comes from: a municipality, a person or a meeting.")
            )

    @property
    def forwarded_to_label(self) -> str:
        """To whom, in words: the commission member's name and commission, or the note."""
        if self.forwarded_to == self.ForwardedTo.COMMISSION_MEMBER and self.forwarded_to_seat:
            return str(self.forwarded_to_seat)
        if self.forwarded_to == self.ForwardedTo.OTHER:
            return self.forwarded_to_note
        label = self.get_forwarded_to_display()
        return f"{label} ({self.forwarded_to_note})" if self.forwarded_to_note else label
