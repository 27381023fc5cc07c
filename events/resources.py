"""Export of registrations (django-import-export), export only: registrations are written by
the registration services, never imported. After the fixed columns comes one column per own
question of the exported events (events/question_models.py); every cell goes through
vzhg.exports.cell_value, so an answer such as "=1+1" is text, never a formula."""

from django.utils.translation import gettext_lazy as _
from import_export import fields, resources

from vzhg.exports import ExportResourceMixin, cell_value

from .models import Question, Registration
from .questions import answers_prefetch


class AnswerField(fields.Field):
    """The column of one own question: the registration's answer (from the prefetched answers)."""

    def __init__(self, *, question: Question, column_name: str):
        super().__init__(column_name=column_name, readonly=True)
        self.question = question

    def answer(self, registration) -> str:
        for given in registration.answers.all():
            if given.question_id == self.question.pk:
                return given.display
        return ""


class RegistrationResource(ExportResourceMixin, resources.ModelResource):
    event = fields.Field(attribute="event__title", column_name=_("event"))
    first_name = fields.Field(attribute="person__first_name", column_name=_("first name"))
    tussenvoegsel = fields.Field(attribute="person__tussenvoegsel", column_name=_("tussenvoegsel"))
    last_name = fields.Field(attribute="person__last_name", column_name=_("last name"))
    email = fields.Field(attribute="person__email", column_name=_("e-mail address"))
    function = fields.Field(column_name=_("function"))
    organisation = fields.Field(attribute="organisation__name", column_name=_("organisation"))
    status = fields.Field(column_name=_("status"))
    workshops = fields.Field(column_name=_("workshops"))
    remarks = fields.Field(attribute="remarks", column_name=_("remarks"))
    attended = fields.Field(attribute="attended", column_name=_("attended"))
    created_at = fields.Field(attribute="created_at", column_name=_("registered at"))

    class Meta:
        model = Registration
        fields = (
            "event", "first_name", "tussenvoegsel", "last_name", "email", "function", "organisation",
            "status", "workshops", "remarks", "attended", "created_at",
        )  # fmt: skip
        export_order = fields

    questions: list[Question] = []

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("event", "person", "organisation")
            .prefetch_related("choices__session__round", answers_prefetch())
        )

    def filter_export(self, queryset, **kwargs):
        # The questions of the exported events, read once, before the headers are written.
        self.questions = list(
            Question.objects.filter(event__in=queryset.values("event_id"))
            .select_related("event")
            .order_by("event__starts_at", "event_id", "order", "pk")
        )
        return queryset.select_related("event", "person", "organisation").prefetch_related(
            "choices__session__round", answers_prefetch()
        )

    def get_export_fields(self, selected_fields=None):
        several_events = len({question.event_id for question in self.questions}) > 1
        return super().get_export_fields(selected_fields) + [
            AnswerField(
                question=question,
                column_name=f"{question.event.title}: {question.label}" if several_events else question.label,
            )
            for question in self.questions
        ]

    def export_field(self, field, instance, **kwargs):
        if isinstance(field, AnswerField):
            return cell_value(field.answer(instance))
        return super().export_field(field, instance, **kwargs)

    def dehydrate_function(self, registration):
        return registration.person.get_function_display() if registration.person_id else ""

    def dehydrate_status(self, registration):
        return registration.get_status_display()

    def dehydrate_workshops(self, registration):
        return "; ".join(f"{c.session.round.number}: {c.session.title}" for c in registration.choices.all())
