"""An event's own questions on the registration form (lunch, dieetwensen, parkeren …) and the
answers of each registration (events/questions.py reads and writes them)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_OPTIONS = 30


class Question(models.Model):
    """One question of an event's registration form. A choice question lists its options, one a
    line. Answers to a sensitive question (diet, health) are cleared with the remarks by the
    retention job (events/retention.py)."""

    class Kind(models.TextChoices):
        TEXT = "text", _("short text")
        CHOICE = "choice", _("choice (one option)")
        MULTIPLE = "multiple", _("multiple choice")
        YES_NO = "yes_no", _("yes / no")

    class Purpose(models.TextChoices):
        NONE = "", _("none")
        DELEGATE = "delegate", _("ALV delegate question (yes/no)")

    event = models.ForeignKey(
        "events.Event", verbose_name=_("event"), on_delete=models.CASCADE, related_name="questions"
    )
    label = models.CharField(_("question"), max_length=200)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    options = models.TextField(
        _("options"),
        blank=True,
        help_text=_("For a choice question: one option a line, at least two."),
    )
    required = models.BooleanField(_("required"), default=False)
    sensitive = models.BooleanField(
        _("sensitive"),
        default=False,
        help_text=_("Answers are cleared together with the remarks when registrations are anonymised."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # What the answers are used for beyond the lists: "delegate" marks the ALV's yes/no question
    # about taking part as voting delegate (governance/board/delegate_answers.py reads it).
    purpose = models.CharField(
        _("purpose"),
        max_length=20,
        choices=Purpose.choices,
        default=Purpose.NONE,
        blank=True,
        help_text=_("Delegate question: the yes-answers appear next to the ALV's delegates."),
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "label"], name="question_event_label_unique"),
            models.CheckConstraint(
                condition=models.Q(kind__in=["text", "choice", "multiple", "yes_no"]),
                name="question_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(purpose="") | models.Q(purpose="delegate", kind="yes_no"),
                name="question_purpose_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        super().clean()
        options = self.option_list()
        if self.kind in (self.Kind.CHOICE, self.Kind.MULTIPLE):
            if len(options) < 2:
                raise ValidationError(
                    {"options": _("A choice question needs at least two options, one a line.")}
                )
            if len(options) > MAX_OPTIONS:
                raise ValidationError(
                    {"options": _("A question can have at most %(count)s options.") % {"count": MAX_OPTIONS}}
                )
            if len({option.casefold() for option in options}) < len(options):
                raise ValidationError({"options": _("Each option may appear only once.")})
            if any(len(option) > 200 for option in options):
                raise ValidationError({"options": _("An option can be at most 200 characters long.")})
        elif options:
            raise ValidationError(
                {"options": _("Only a choice or multiple-choice question has options; leave this empty.")}
            )
        if self.purpose == self.Purpose.DELEGATE and self.kind != self.Kind.YES_NO:
            raise ValidationError({"purpose": _("Only a yes/no question can be the delegate question.")})

    @property
    def has_options(self) -> bool:
        return self.kind in (self.Kind.CHOICE, self.Kind.MULTIPLE)

    def option_list(self) -> list[str]:
        return [line.strip() for line in (self.options or "").splitlines() if line.strip()]


class Answer(models.Model):
    """A registration's answer to one question, as text: the option itself for a choice (so a
    later change of the options keeps what was answered), one option a line for multiple choice,
    "yes"/"no" for a yes/no question."""

    registration = models.ForeignKey(
        "events.Registration",
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="answers",
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="answers"
    )
    value = models.TextField(_("answer"), blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["question__order", "question_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "question"], name="answer_registration_question_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.display}"

    @property
    def display(self) -> str:
        """The answer as a reader sees it: ja/nee, options joined by "; "."""
        if self.question.kind == Question.Kind.YES_NO:
            return str({"yes": _("yes"), "no": _("no")}.get(self.value, self.value))
        return "; ".join(line for line in self.value.splitlines() if line)
