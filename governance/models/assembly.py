"""The general assembly (ALV) as an assembly of member municipalities: the association's voting
rules (weights, quorum, proxies), the delegate of each municipality per meeting, who is present
on the day, and the votes with one ballot per municipality."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vzhg.history import HistoricalRecords

from .board import Body, Mandate
from .meetings import AgendaItem, Meeting, Motion


class AssemblyRules(models.Model):
    """The voting rules of the association: one row (pk 1). None of them is written in a document
    we have, so each is a setting the secretariat keeps, and each is shown where it applies."""

    class Quorum(models.TextChoices):
        NONE = "none", _("no quorum")
        NUMBER = "number", _("a number of member municipalities present")
        SHARE = "share", _("a percentage of the member municipalities present")

    default_weight = models.PositiveSmallIntegerField(
        _("votes per member municipality"),
        default=1,
        help_text=_("Every member municipality has this many votes unless a weight below says otherwise."),
    )
    quorum = models.CharField(_("quorum"), max_length=10, choices=Quorum.choices, default=Quorum.NONE)
    quorum_value = models.PositiveSmallIntegerField(
        _("quorum value"),
        null=True,
        blank=True,
        help_text=_("The number of municipalities, or the percentage (1-100) of the member municipalities."),
    )
    proxies_allowed = models.BooleanField(_("proxies allowed"), default=False)
    max_proxies_per_delegate = models.PositiveSmallIntegerField(
        _("proxies one delegate may carry"), default=1
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("voting rules of the assembly")
        verbose_name_plural = _("voting rules of the assembly")
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="assemblyrules_single_row"),
            models.CheckConstraint(
                condition=models.Q(quorum="none")
                | (models.Q(quorum="number") & models.Q(quorum_value__gte=1))
                | (
                    models.Q(quorum="share") & models.Q(quorum_value__gte=1) & models.Q(quorum_value__lte=100)
                ),
                name="assemblyrules_quorum_value_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(default_weight__gte=1), name="assemblyrules_weight_positive"
            ),
        ]

    def __str__(self) -> str:
        return str(_("voting rules of the assembly"))


class MunicipalityWeight(models.Model):
    """A member municipality whose number of votes differs from the default."""

    rules = models.ForeignKey(
        AssemblyRules, verbose_name=_("voting rules"), on_delete=models.CASCADE, related_name="weights"
    )
    municipality = models.OneToOneField(
        "members.Organisation",
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="assembly_weight",
        limit_choices_to={"kind": "municipality"},
    )
    weight = models.PositiveSmallIntegerField(_("votes"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("votes of a municipality")
        verbose_name_plural = _("votes of municipalities")
        ordering = ["municipality__name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(weight__gte=1), name="municipalityweight_positive")
        ]

    def __str__(self) -> str:
        return f"{self.municipality}: {self.weight}"


class Delegate(models.Model):
    """The voting delegate (stemgerechtigd afgevaardigde) of one member municipality at one ALV,
    and optionally a deputy; both people of that municipality."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="delegates"
    )
    municipality = models.ForeignKey(
        "members.Organisation",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="delegates",
        limit_choices_to={"kind": "municipality"},
    )
    # Null only once the person was deleted (AVG): the municipality's delegation and votes stay.
    person = models.ForeignKey(
        "members.Person",
        verbose_name=_("delegate"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="delegations",
    )
    deputy = models.ForeignKey(
        "members.Person",
        verbose_name=_("deputy"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deputy_delegations",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("delegate")
        verbose_name_plural = _("delegates")
        ordering = ["meeting", "municipality__name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "municipality"], name="delegate_one_per_municipality"),
            models.CheckConstraint(
                condition=~models.Q(deputy=models.F("person")), name="delegate_deputy_not_delegate"
            ),
        ]

    def __str__(self) -> str:
        person = self.person if self.person is not None else _("(deleted person)")
        return f"{self.municipality} — {person}"


class Presence(models.Model):
    """A member municipality checked in on the day of an ALV (by its delegate or deputy)."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="presences"
    )
    municipality = models.ForeignKey(
        "members.Organisation", verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "members.Person",
        verbose_name=_("checked in"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    checked_in_at = models.DateTimeField(_("checked in at"), default=timezone.now)
    self_check_in = models.BooleanField(
        _("checked in themselves"), default=False, help_text=_("The delegate tapped “I am present”.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("presence")
        verbose_name_plural = _("presence")
        ordering = ["meeting", "municipality__name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "municipality"], name="presence_once_per_municipality")
        ]

    def __str__(self) -> str:
        return f"{self.municipality} — {self.meeting}"


class Vote(models.Model):
    """A vote of the ALV on a motion or on an agenda item for decision. Open → closed; the result
    (weighted totals) is kept on the vote when it closes. A secret vote keeps only the totals."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    class Result(models.TextChoices):
        PENDING = "", _("not yet decided")
        ADOPTED = "adopted", _("adopted")
        REJECTED = "rejected", _("rejected")
        NO_QUORUM = "no_quorum", _("no quorum")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="votes"
    )
    motion = models.ForeignKey(
        Motion,
        verbose_name=_("motion"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="votes",
    )
    item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="votes",
    )
    title = models.CharField(_("title"), max_length=250)
    secret = models.BooleanField(
        _("secret vote"), default=False, help_text=_("Only the totals are kept, not who voted what.")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    votes_for = models.PositiveIntegerField(_("votes for"), default=0)
    votes_against = models.PositiveIntegerField(_("votes against"), default=0)
    votes_abstain = models.PositiveIntegerField(_("abstentions"), default=0)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices, default="", blank=True)
    # An election (benoeming): the candidates are Candidate rows; the mandate the winner gets.
    mandate_body = models.ForeignKey(
        Body,
        verbose_name=_("body of the mandate"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    mandate_role = models.CharField(
        _("role of the mandate"), max_length=30, choices=Mandate.Role.choices, blank=True
    )
    elected = models.ForeignKey(
        "members.Person",
        verbose_name=_("elected"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["meeting", "opened_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(motion__isnull=False) & models.Q(item__isnull=True))
                | (models.Q(motion__isnull=True) & models.Q(item__isnull=False)),
                name="vote_on_motion_or_item",
            ),
            models.CheckConstraint(
                condition=models.Q(status="open", closed_at__isnull=True)
                | models.Q(status="closed", closed_at__isnull=False),
                name="vote_closed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Ballot(models.Model):
    """One member municipality's vote: one per vote, changeable while the vote is open. In a
    secret vote the choice is erased when the vote closes (only that the municipality voted stays)."""

    class Choice(models.TextChoices):
        FOR = "for", _("for")
        AGAINST = "against", _("against")
        ABSTAIN = "abstain", _("abstain")

    vote = models.ForeignKey(Vote, verbose_name=_("vote"), on_delete=models.CASCADE, related_name="ballots")
    municipality = models.ForeignKey(
        "members.Organisation", verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )
    choice = models.CharField(_("choice"), max_length=10, choices=Choice.choices, blank=True)
    candidate = models.ForeignKey(
        "Candidate",
        verbose_name=_("candidate"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    weight = models.PositiveSmallIntegerField(_("votes"), default=1)
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cast by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cast_at = models.DateTimeField(_("cast at"), default=timezone.now)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["vote", "municipality__name"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "municipality"], name="ballot_once_per_municipality")
        ]

    def __str__(self) -> str:
        return f"{self.municipality} — {self.vote}"


class Proxy(models.Model):
    """A volmacht: a member municipality authorises another member municipality's delegate to vote
    for it at one ALV. Allowed, and how many one delegate may carry, per AssemblyRules."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="proxies"
    )
    grantor = models.ForeignKey(
        "members.Organisation",
        verbose_name=_("municipality giving the proxy"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    holder = models.ForeignKey(
        "members.Organisation",
        verbose_name=_("municipality whose delegate votes"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("proxy (volmacht)")
        verbose_name_plural = _("proxies (volmachten)")
        ordering = ["meeting", "grantor__name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "grantor"], name="proxy_one_per_grantor"),
            models.CheckConstraint(
                condition=~models.Q(grantor=models.F("holder")), name="proxy_not_to_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grantor} → {self.holder}"


class Candidate(models.Model):
    """A person standing in an election (a vote with candidates)."""

    vote = models.ForeignKey(
        Vote, verbose_name=_("vote"), on_delete=models.CASCADE, related_name="candidates"
    )
    person = models.ForeignKey(
        "members.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="candidacies"
    )
    votes = models.PositiveIntegerField(_("votes"), default=0, help_text=_("Kept when the election closes."))

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["vote", "person__last_name"]
        constraints = [models.UniqueConstraint(fields=["vote", "person"], name="candidate_once_per_vote")]

    def __str__(self) -> str:
        return str(self.person)
