"""Export of registrations (django-import-export), export only: registrations are written by
the registration services, never imported."""

from django.utils.translation import gettext_lazy as _
from import_export import fields, resources

from vzhg.exports import ExportResourceMixin

from .models import Registration


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

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("event", "person", "organisation")
            .prefetch_related("choices__session__round")
        )

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("event", "person", "organisation").prefetch_related(
            "choices__session__round"
        )

    def dehydrate_function(self, registration):
        return registration.person.get_function_display() if registration.person_id else ""

    def dehydrate_status(self, registration):
        return registration.get_status_display()

    def dehydrate_workshops(self, registration):
        return "; ".join(f"{c.session.round.number}: {c.session.title}" for c in registration.choices.all())
