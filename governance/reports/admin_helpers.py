"""What the workplan and annual report admin pages share: the planned-vs-realised text, the list of
PDF versions, the buttons of a change page, the intermediate page of an action; and the panel of
linked activities that the meeting and event admin pages show."""

from django.contrib import messages
from django.contrib.admin import helpers
from django.http import HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import strip_tags
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vzhg.errors import ServiceError

from . import selectors, services

MEDIA_CSS = {"all": ["css/reports_admin.css"]}


# A hidden field on the change pages' buttons: after the action, go back to the object.
RETURN_TO_OBJECT = "_return_to_object"


def realised_text(line: selectors.ActivityLine) -> str:
    """'6 per year — 4 held, 1 planned': the plan against what the linked events and meetings
    show, never typed by hand; the same words as on the workplan page and in its PDF."""
    return " ".join(strip_tags(render_to_string("reports/_realisation.html", {"line": line})).split())


def linked_activities(obj) -> str:
    """The planned activities an event or a meeting realises, with links (read-only)."""
    if not obj.pk:
        return "–"
    activities = obj.planned_activities.select_related("workplan").order_by("-workplan__year", "order", "pk")
    return render_to_string("admin/governance/_linked_activities.html", {"activities": activities})


linked_activities.short_description = _("workplan activities")


def versions_html(kind: str, year: int) -> str:
    """The newest PDF versions of a document, with their state and a download link."""
    changelist = (
        reverse("admin:governance_reportversion_changelist") + f"?kind__exact={kind}&year__exact={year}"
    )
    return render_to_string(
        "admin/governance/_report_versions.html",
        {"versions": list(selectors.versions(kind=kind, year=year)[:5]), "changelist": changelist},
    )


def back_to_object(request, model_admin, queryset):
    """After an action posted from a change page, return to that object."""
    if request.POST.get(RETURN_TO_OBJECT) and len(queryset) == 1:
        info = model_admin.opts.app_label, model_admin.opts.model_name
        return HttpResponseRedirect(reverse("admin:{}_{}_change".format(*info), args=[queryset[0].pk]))
    return None


def action_page(request, model_admin, *, title: str, objects, action: str, form, intro: str, submit: str):
    """An intermediate page of an action that needs input (like the delete confirmation)."""
    return TemplateResponse(
        request,
        "admin/governance/report_action_form.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": title,
            "opts": model_admin.opts,
            "objects": objects,
            "action": action,
            "form": form,
            "intro": intro,
            "submit": submit,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": model_admin.media + form.media,
        },
    )


def short(moment) -> str:
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT") if moment else "–"


def tools_context(model_admin, request, obj) -> dict:
    """The buttons of a change page: the admin's actions this user may run, and the public page."""
    actions = model_admin.get_actions(request)
    return {
        "report_actions": [
            (name, label) for name, label in model_admin.report_buttons.items() if name in actions
        ],
        "public_url": obj.get_absolute_url(),
    }


def render_pdf_versions(model_admin, request, queryset, kind: str) -> None:
    for obj in queryset:
        try:
            version = services.report_version_request(kind=kind, year=obj.year, actor=request.user)
        except ServiceError as error:
            model_admin.message_user(request, error.message, messages.ERROR)
            continue
        model_admin.message_user(
            request,
            gettext(
                "Version %(version)s of the PDF of %(document)s is being made; "
                "it is listed under PDF versions."
            )
            % {"version": version.version, "document": obj},
        )
