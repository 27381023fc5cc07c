"""The secretariat's admin for accounts, regions, organisations and people.

Every change to an organisation or a person is recorded by django-simple-history; the "History"
button on their change pages lists who changed what and when, field by field.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportMixin
from import_export.forms import ExportForm
from import_export.results import RowResult

from vzhg.admin_history import ReadableHistoryAdmin as SimpleHistoryAdmin  # Dutch, readable, 404 for bad ids
from vzhg.exports import DutchCSV, SafeXLSX
from vzhg.mail.bounce_state import UndeliverableListFilter, bounce_state_annotate, bounce_state_html

from . import extensions
from .forms import PersonImportForm
from .models import EmailDomain, Organisation, Person, Region, User
from .resources import PersonResource

# --- accounts --------------------------------------------------------------------------------


class UserCreationForm(AdminUserCreationForm):
    """Create an account by e-mail address; a password is optional (log-in by mailed code)."""

    class Meta:
        model = User
        fields = ("email",)

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class UserChangeForm(DjangoUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Accounts. Staff status and groups are granted here and nowhere else."""

    form = UserChangeForm
    add_form = UserCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password", "person_link")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "usable_password", "password1", "password2")}),
    )
    readonly_fields = ("person_link", "last_login", "date_joined")
    list_display = ("email", "person_link", "is_staff", "is_active", "last_login")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    list_select_related = ("person",)
    search_fields = ("email", "person__first_name", "person__last_name")
    ordering = ("email",)

    def get_readonly_fields(self, request, obj=None):
        """Only a superuser makes superusers or hands out single permissions; staff use groups."""
        readonly = tuple(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ("is_superuser", "user_permissions")
        return readonly

    @admin.display(description=_("person"))
    def person_link(self, obj):
        person = getattr(obj, "person", None) if obj.pk else None
        if person is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:members_person_change", args=[person.pk]), person
        )


# --- regions and organisations --------------------------------------------------------------


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("name", "parent", "organisation_count")
    list_select_related = ("parent",)
    search_fields = ("name",)
    autocomplete_fields = ("parent",)

    def get_queryset(self, request):
        # A GROUP BY query drops Meta.ordering: say it again, so the autocomplete pages are stable.
        return (
            super().get_queryset(request).annotate(organisation_count=Count("organisations")).order_by("name")
        )

    @admin.display(description=_("organisations"), ordering="organisation_count")
    def organisation_count(self, obj):
        return obj.organisation_count


class EmailDomainInline(admin.TabularInline):
    model = EmailDomain
    extra = 0
    fields = ("domain",)


class PersonInline(admin.TabularInline):
    """The people of an organisation, for reading; each is edited on its own page."""

    model = Person
    extra = 0
    fields = ("person_link", "email", "function", "job_title", "has_account")
    readonly_fields = fields
    ordering = ("last_name", "first_name", "tussenvoegsel")
    verbose_name_plural = _("people")
    view_on_site = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("name"))
    def person_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:members_person_change", args=[obj.pk]), obj.sort_name
        )

    @admin.display(description=_("account"), boolean=True)
    def has_account(self, obj):
        return obj.user_id is not None


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "region", "cbs_code", "in_mrdh", "member_since", "people_count")
    list_filter = ("kind", "region", "in_mrdh")
    list_select_related = ("region",)
    search_fields = ("name", "cbs_code")
    autocomplete_fields = ("region",)
    fieldsets = (
        (None, {"fields": ("name", "kind", "website")}),
        (
            _("Municipality"),
            {"fields": ("cbs_code", "region", "in_mrdh", "inhabitants", "member_since", "member_until")},
        ),
    )
    inlines = (EmailDomainInline, PersonInline)

    def get_queryset(self, request):
        # A GROUP BY query drops Meta.ordering: say it again, so the autocomplete pages are stable.
        return super().get_queryset(request).annotate(people_count=Count("people")).order_by("name")

    @admin.display(description=_("people"), ordering="people_count")
    def people_count(self, obj):
        return obj.people_count


# --- people ----------------------------------------------------------------------------------


class OrganisationRegionFilter(admin.SimpleListFilter):
    """People by the region of their organisation; a region includes the regions inside it."""

    title = _("region")
    parameter_name = "region"

    def lookups(self, request, model_admin):
        return [
            (str(region.pk), f"{region} ({region.parent})" if region.parent_id else str(region))
            for region in Region.objects.select_related("parent").order_by("name")
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        try:
            region = Region(pk=int(value))
        except ValueError:
            return queryset.none()
        return queryset.filter(organisation__region__in=Region.objects.within(region))


class OrganisationKindFilter(admin.SimpleListFilter):
    title = _("organisation kind")
    parameter_name = "organisation_kind"

    def lookups(self, request, model_admin):
        return Organisation.Kind.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(organisation__kind=self.value())
        return queryset


@admin.register(Person)
class PersonAdmin(ImportExportMixin, SimpleHistoryAdmin):
    list_display = (
        "sort_name", "email", "organisation", "function", "organisation_region", "has_account",
        "mail_state_short",
    )  # fmt: skip
    list_display_links = ("sort_name",)
    list_filter = (OrganisationRegionFilter, "function", OrganisationKindFilter, UndeliverableListFilter)
    list_select_related = ("organisation", "organisation__region")
    search_fields = ("first_name", "last_name", "email", "organisation__name")
    autocomplete_fields = ("organisation",)
    # The account is linked by services.person_link_account when someone with this person's
    # e-mail address signs up or logs in (their address verified); linking another account by
    # hand would open this person's data to whoever owns it.
    readonly_fields = ("user", "created_at", "updated_at", "mail_state")
    # Person.get_absolute_url is the signed-in person's own profile, not this person's page.
    view_on_site = False
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "salutation",
                    "first_name",
                    "tussenvoegsel",
                    "last_name",
                    "email",
                    "mail_state",
                    "phone",
                )
            },
        ),
        (_("Organisation"), {"fields": ("organisation", "function", "job_title")}),
        (_("Account"), {"fields": ("user", "created_at", "updated_at")}),
    )

    # import and export
    resource_classes = [PersonResource]
    # CSV for Dutch Excel (BOM, ";") and XLSX with text cells as strings: vzhg/exports.py
    import_formats = [DutchCSV, SafeXLSX]
    export_formats = [DutchCSV, SafeXLSX]
    # The plain export form: the selectable-fields form relies on an inline event handler,
    # which our Content Security Policy blocks.
    export_form_class = ExportForm
    # Checks the file (size; an .xlsx's ZIP directory) before it is opened.
    import_form_class = PersonImportForm
    import_template_name = "admin/members/person/import.html"
    import_error_display = ("message", "row")

    @admin.display(description=_("name"), ordering="last_name")
    def sort_name(self, obj):
        return obj.sort_name

    @admin.display(description=_("region"), ordering="organisation__region__name")
    def organisation_region(self, obj):
        organisation = obj.organisation
        return organisation.region if organisation is not None and organisation.region_id else "—"

    @admin.display(description=_("account"), boolean=True, ordering="user_id")
    def has_account(self, obj):
        return obj.user_id is not None

    def get_queryset(self, request):
        # The bounce state of each person's address, in the page's own query (vzhg.mail.bounce_state).
        return bounce_state_annotate(super().get_queryset(request))

    @admin.display(description=_("mail"), ordering="mail_undeliverable_since")
    def mail_state_short(self, obj):
        return bounce_state_html(obj, short=True)

    @admin.display(description=_("mail"))
    def mail_state(self, obj):
        return bounce_state_html(obj) if obj is not None and obj.pk else "–"

    # Panels and actions of the apps above members (members.extensions).
    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), *extensions.PERSON_ADMIN_PANELS)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not extensions.PERSON_ADMIN_PANELS:
            return fieldsets
        return (*fieldsets, (_("Messages"), {"fields": tuple(extensions.PERSON_ADMIN_PANELS)}))

    def get_list_filter(self, request):
        return (*super().get_list_filter(request), *extensions.PERSON_ADMIN_FILTERS)

    def get_actions(self, request):
        actions = super().get_actions(request)
        for action in extensions.PERSON_ADMIN_ACTIONS:
            needed = getattr(action, "required_permission", None)
            if needed and not request.user.has_perm(needed):
                continue
            found = self.get_action(action)
            if found is not None:
                actions[found[1]] = found
        return actions

    def has_import_permission(self, request):
        """Importing adds and changes people, so it needs both permissions."""
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_export_filename(self, request, queryset, file_format):
        return f"people-{timezone.localdate():%Y-%m-%d}.{file_format.get_extension()}"

    def import_action(self, request, **kwargs):
        """The preview, which also offers to confirm when only some rows have errors.

        django-import-export offers "Confirm import" only when every row is valid. The import
        itself skips invalid rows (``rollback_on_validation_errors`` is off), so we offer it
        whenever at least one row can be imported and no row failed for another reason; the
        preview lists the rows with errors and says how many will be skipped.
        """
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None)
        result = context.get("result") if context else None
        if result is None:
            return response
        valid, invalid = self._import_counts(result)
        context["import_valid_count"] = valid
        context["import_invalid_count"] = invalid
        context["import_summary"] = self._import_summary(valid, invalid)
        if "confirm_form" not in context and not result.has_errors() and valid:
            context["confirm_form"] = self.create_confirm_form(request, import_form=context["form"])
        return response

    def add_success_message(self, result, request):
        super().add_success_message(result, request)
        if result.invalid_rows:
            rows = ", ".join(str(row.number) for row in result.invalid_rows)
            messages.warning(
                request,
                ngettext(
                    "%(count)d row had errors and was not imported: row %(rows)s.",
                    "%(count)d rows had errors and were not imported: rows %(rows)s.",
                    len(result.invalid_rows),
                )
                % {"count": len(result.invalid_rows), "rows": rows},
            )

    @staticmethod
    def _import_counts(result) -> tuple[int, int]:
        totals = result.totals
        valid = sum(
            totals[kind]
            for kind in (
                RowResult.IMPORT_TYPE_NEW,
                RowResult.IMPORT_TYPE_UPDATE,
                RowResult.IMPORT_TYPE_SKIP,
                RowResult.IMPORT_TYPE_DELETE,
            )
        )
        return valid, totals[RowResult.IMPORT_TYPE_INVALID]

    @staticmethod
    def _import_summary(valid: int, invalid: int) -> str:
        summary = ngettext("%(count)d row can be imported.", "%(count)d rows can be imported.", valid) % {
            "count": valid
        }
        if invalid:
            summary += " " + ngettext(
                "%(count)d row has errors and will be skipped.",
                "%(count)d rows have errors and will be skipped.",
                invalid,
            ) % {"count": invalid}
        return summary
