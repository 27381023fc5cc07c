"""The convocation (oproeping) of a meeting to the member municipalities, its reminders, and the
short mails about documents added after publication (nagekomen stukken)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .meetings import Document, Meeting


class ConvocationRecipient(models.Model):
    """One convocation (or one reminder round of it) mailed to one designated person of one
    member municipality. The constraint makes it once per person per publication or round."""

    class Kind(models.TextChoices):
        CONVOCATION = "convocation", _("convocation")
        REMINDER = "reminder", _("reminder to respond")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="convocations"
    )
    organisation = models.ForeignKey(
        "members.Organisation",
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    person = models.ForeignKey(
        "members.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    round = models.PositiveIntegerField(
        _("round"), help_text=_("The publication number (convocation) or the reminder round.")
    )
    mail = models.ForeignKey(
        "mail.OutgoingMail", verbose_name=_("e-mail"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("convocation recipient")
        verbose_name_plural = _("convocation recipients")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person", "kind", "round"], name="convocation_once_per_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.meeting} ({self.get_kind_display()} {self.round})"


class LateDocumentNotice(models.Model):
    """The short mail to one person that a document was added or replaced after the meeting was
    published: once per person per document (version)."""

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="late_notices"
    )
    person = models.ForeignKey(
        "members.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    mail = models.ForeignKey(
        "mail.OutgoingMail", verbose_name=_("e-mail"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("late document notice")
        verbose_name_plural = _("late document notices")
        constraints = [
            models.UniqueConstraint(fields=["document", "person"], name="latedocumentnotice_once_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.document}"
