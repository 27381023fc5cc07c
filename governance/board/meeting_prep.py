"""Preparing a meeting from its own admin page: several documents dropped per agenda item row, the
meeting pack's status, "save and publish" and "build the pack again".

A file is checked and stored by documents.document_add, exactly as on the document page. A file
it refuses does not stop the rest: the meeting, its items and the other files are saved, the
refusal is shown as a message naming the file and its item, and the page stays open so only that
file has to be chosen again. Publishing goes through services.meeting_publish, the same service
and checks as the list action.
"""

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import quote
from django.http import HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.models import AgendaItem, Meeting, MeetingPack
from vzhg.errors import ServiceError

from . import documents, packs, services

PUBLISH = "_publish"
REBUILD_PACK = "_rebuild_pack"

# Set on the request while the meeting's formsets are saved: how many files were refused.
_REFUSED = "_meeting_prep_refused"


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files; each is checked by documents.upload_check when it is stored (with a
    message naming the file), so nothing is refused here."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [file for file in files if file]

    def has_changed(self, initial, data) -> bool:
        return not self.disabled and bool(data)


def with_document_drop(form_class: type[forms.ModelForm]) -> type[forms.ModelForm]:
    """The agenda item form of the meeting page, with a field for several new documents."""
    field = MultipleFileField(
        label=gettext_lazy("add documents"),
        required=False,
        help_text=gettext_lazy("PDF, Word (.docx) or Excel (.xlsx); several at once."),
        widget=MultipleFileInput(attrs={"accept": ".pdf,.docx,.xlsx"}),
    )
    return type(f"{form_class.__name__}WithDocuments", (form_class,), {"new_documents": field})


class DocumentDropInlineMixin:
    """For the agenda item inline: each row lists its documents; they are read in one query."""

    class Media:
        js = ["js/meeting_prep.js"]  # the chosen files' names under the field (not needed to work)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("documents")  # type: ignore[misc]

    def document_list(self, obj: AgendaItem) -> str:
        if not obj.pk:
            return "–"
        return render_to_string("admin/governance/_item_documents.html", {"documents": obj.documents.all()})

    document_list.short_description = gettext_lazy("documents")  # type: ignore[attr-defined]


def documents_add_from_formset(request, formset) -> None:
    """Store the files dropped on the item rows (after the items are saved); a refused file
    becomes an error message naming the file and its item."""
    refused = getattr(request, _REFUSED, 0)
    for form in formset.forms:
        files = getattr(form, "cleaned_data", {}).get("new_documents") or []
        if not files or form in formset.deleted_forms or not form.instance.pk:
            continue
        for uploaded in files:
            try:
                documents.document_add(item=form.instance, title="", uploaded=uploaded, actor=request.user)
            except ServiceError as error:
                refused += 1
                messages.error(
                    request,
                    _("%(file)s was not added to “%(item)s”: %(why)s Choose it again once it is fixed.")
                    % {"file": uploaded.name, "item": form.instance.title, "why": error.message},
                )
    setattr(request, _REFUSED, refused)


def meeting_publish_and_tell(request, meeting: Meeting) -> bool:
    """Publish through the service the list action uses; the outcome as a message."""
    try:
        services.meeting_publish(meeting=meeting, actor=request.user)
    except ServiceError as error:
        messages.error(
            request, _("%(meeting)s was not published: %(why)s") % {"meeting": meeting, "why": error.message}
        )
        return False
    messages.info(request, _("%(meeting)s is published; the pack is being built.") % {"meeting": meeting})
    return True


def latest_pack(meeting: Meeting | None) -> MeetingPack | None:
    if meeting is None or not meeting.pk:
        return None
    return meeting.packs.order_by("-version").first()


def pack_can_be_rebuilt(meeting: Meeting | None, pack: MeetingPack | None) -> bool:
    """Only a published meeting has a pack; build it again when there is none or the last failed."""
    if meeting is None or meeting.status != Meeting.Status.PUBLISHED:
        return False
    return pack is None or pack.status == MeetingPack.Status.FAILED


def pack_status_panel(meeting: Meeting) -> str:
    pack = latest_pack(meeting)
    return render_to_string(
        "admin/governance/_pack_status.html",
        {
            "meeting": meeting,
            "pack": pack,
            "published": meeting.pk and meeting.status == Meeting.Status.PUBLISHED,
            "can_rebuild": pack_can_be_rebuilt(meeting, pack),
        },
    )


class MeetingPrepMixin:
    """For MeetingAdmin: the buttons under the form and what they do after the save."""

    change_form_template = "admin/governance/meeting/change_form.html"

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if request.method == "POST" and request.FILES:
            # Rendered after a post only when the form has errors: no file was stored, and a
            # browser never fills a file field in again.
            messages.warning(
                request,
                _(
                    "The files you chose were not stored because the form has errors; correct them "
                    "and choose the files again."
                ),
            )
        may_change = self.has_change_permission(request, obj)  # type: ignore[attr-defined]
        pack = latest_pack(obj)
        context["can_publish"] = may_change and (obj is None or obj.status == Meeting.Status.CONCEPT)
        context["can_rebuild_pack"] = may_change and pack_can_be_rebuilt(obj, pack)
        return super().render_change_form(request, context, add, change, form_url, obj)  # type: ignore[misc]

    def _after_save(self, request, obj: Meeting, default) -> HttpResponseRedirect:
        """After the save: publish or rebuild when asked; stay on the page when a file was refused."""
        refused = getattr(request, _REFUSED, 0)
        asked = PUBLISH in request.POST or REBUILD_PACK in request.POST
        if not refused and not asked:
            return default
        if PUBLISH in request.POST and self.has_change_permission(request, obj):  # type: ignore[attr-defined]
            if refused:
                messages.error(
                    request,
                    _("%(meeting)s was not published: a file was refused; add it again, then publish.")
                    % {"meeting": obj},
                )
            else:
                meeting_publish_and_tell(request, obj)
        elif REBUILD_PACK in request.POST and self.has_change_permission(request, obj):  # type: ignore[attr-defined]
            pack = packs.meeting_pack_request(meeting=obj)
            if pack is None:
                messages.error(request, _("Only a published meeting has a meeting pack."))
            else:
                messages.success(
                    request,
                    _("The meeting pack is being built again (version %(version)d).")
                    % {"version": pack.version},
                )
        url = reverse("admin:governance_meeting_change", args=[quote(obj.pk)])
        return HttpResponseRedirect(url)

    def response_add(self, request, obj, post_url_continue=None):
        default = super().response_add(request, obj, post_url_continue)  # type: ignore[misc]
        return self._after_save(request, obj, default)

    def response_change(self, request, obj):
        default = super().response_change(request, obj)  # type: ignore[misc]
        return self._after_save(request, obj, default)
