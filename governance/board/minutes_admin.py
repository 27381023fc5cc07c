"""The secretariat's admin for minutes (notulen) with the meeting's attendance, and the action
list (actielijst). Writes go through the services of governance.board.minutes and .actions."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from governance.models import Action, Attendance, Minutes
from vzhg.admin_history import ReadableHistoryAdmin as SimpleHistoryAdmin  # Dutch, readable, 404 for bad ids
from vzhg.admin_refusals import ServiceRefusalAdminMixin
from vzhg.errors import ServiceError

from . import actions as board_actions
from . import minutes as board_minutes
from .services import meeting_not_started_problem

ATTENDANCE_PREFIX = "attendance_"


class MinutesForm(forms.ModelForm):
    """The text and, once the meeting is known, one choice per member of the body on the meeting's
    day: present, absent with notice or absent. Ticking "adopt" adopts them at the chosen item."""

    adopt = forms.BooleanField(
        label=_("adopt now"),
        required=False,
        help_text=_("Adopt these minutes at the chosen agenda item (its meeting must have begun)."),
    )

    class Meta:
        model = Minutes
        fields = ["meeting", "text", "adoption_item"]
        widgets = {"text": forms.Textarea(attrs={"rows": 20, "cols": 100})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = []
        if self.instance.pk:
            self.lines = board_minutes.meeting_attendance(meeting=self.instance.meeting)
        for line in self.lines:
            self.fields[f"{ATTENDANCE_PREFIX}{line.person.pk}"] = forms.ChoiceField(
                label=str(line.person),
                choices=[("", "–"), *Attendance.Status.choices],
                required=False,
                initial=line.status or "",
            )
        if self.instance.status == Minutes.Status.ADOPTED:
            for name in list(self.fields):
                self.fields[name].disabled = True

    def clean(self):
        cleaned = super().clean()
        meeting = cleaned.get("meeting") or (self.instance.meeting if self.instance.meeting_id else None)
        if meeting is not None and ("text" in self.changed_data or not self.instance.pk):
            problem = meeting_not_started_problem(meeting=meeting)
            if problem:
                self.add_error("text", problem)
        if cleaned.get("adopt") and self.instance.pk:
            problem = board_minutes.minutes_adoption_problem(
                minutes=self.instance, item=cleaned.get("adoption_item")
            )
            if problem:
                self.add_error("adoption_item", problem)
        return cleaned

    def attendance(self) -> dict[int, str]:
        """person id -> status, for the members whose choice changed."""
        return {
            line.person.pk: self.cleaned_data[f"{ATTENDANCE_PREFIX}{line.person.pk}"]
            for line in self.lines
            if f"{ATTENDANCE_PREFIX}{line.person.pk}" in self.changed_data
            and self.cleaned_data[f"{ATTENDANCE_PREFIX}{line.person.pk}"]
        }


@admin.register(Minutes)
class MinutesAdmin(ServiceRefusalAdminMixin, SimpleHistoryAdmin):
    form = MinutesForm
    list_display = ["meeting", "status", "adopted_at"]
    list_filter = ["status", "meeting__body"]
    list_select_related = ["meeting"]
    search_fields = ["meeting__title", "text"]
    autocomplete_fields = ["meeting", "adoption_item"]
    readonly_fields = ["status", "adopted_at", "adopted_by"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["meeting", "text"]
        form = self.form(instance=obj)
        attendance = [name for name in form.fields if name.startswith(ATTENDANCE_PREFIX)]
        return [
            "meeting",
            "status",
            "adopted_at",
            "adopted_by",
            *attendance,
            "text",
            "adoption_item",
            "adopt",
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(self.readonly_fields)
        if obj is not None:
            fields.append("meeting")
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["fields"] = None  # the form declares its own, attendance included
        return super().get_form(request, obj, change, **kwargs)

    def save_model(self, request, obj, form, change):
        try:
            saved = (
                board_minutes.minutes_save(
                    meeting=form.cleaned_data.get("meeting") or obj.meeting,
                    text=form.cleaned_data.get("text") or "",
                    actor=request.user,
                )
                if obj.status != Minutes.Status.ADOPTED
                else obj
            )
            obj.pk = saved.pk
            obj.__dict__.update(saved.__dict__)
            if change and isinstance(form, MinutesForm):
                for person_id, status in form.attendance().items():
                    person = next(line.person for line in form.lines if line.person.pk == person_id)
                    board_minutes.attendance_record(
                        meeting=obj.meeting, person=person, status=status, actor=request.user
                    )
                if form.cleaned_data.get("adopt"):
                    board_minutes.minutes_adopt(
                        minutes=obj, item=form.cleaned_data.get("adoption_item"), actor=request.user
                    )
                    obj.refresh_from_db()
                elif "adoption_item" in form.changed_data and obj.status == Minutes.Status.CONCEPT:
                    board_minutes.minutes_link(
                        minutes=obj, item=form.cleaned_data["adoption_item"], actor=request.user
                    )
        except ServiceError as error:
            self.service_refused(request, error)


@admin.register(Attendance)
class AttendanceAdmin(SimpleHistoryAdmin):
    """Read here; recorded on the minutes' page (one choice per member)."""

    list_display = ["meeting", "person", "status"]
    list_filter = ["status", "meeting__body"]
    list_select_related = ["meeting", "person"]
    search_fields = ["person__last_name", "meeting__title"]
    readonly_fields = ["meeting", "person", "status"]

    def has_add_permission(self, request):
        return False


class ActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = ["body", "title", "owner", "due", "meeting", "item"]


@admin.register(Action)
class ActionAdmin(ServiceRefusalAdminMixin, SimpleHistoryAdmin):
    form = ActionForm
    list_display = ["title", "body", "owner", "due", "status", "meeting"]
    list_filter = ["status", "body"]
    list_select_related = ["body", "owner", "meeting"]
    search_fields = ["title", "owner__last_name"]
    autocomplete_fields = ["owner", "meeting", "item"]
    readonly_fields = ["status", "done_at"]
    fields = ["body", "title", "owner", "due", "meeting", "item", "status", "done_at"]
    actions = ["mark_done", "reopen"]

    def save_model(self, request, obj, form, change):
        try:
            saved = board_actions.action_save(action=obj, actor=request.user)
        except ServiceError as error:
            self.service_refused(request, error)
            return
        obj.pk = saved.pk

    @admin.action(description=_("Mark as done"), permissions=["change"])
    def mark_done(self, request, queryset):
        for action in queryset:
            board_actions.action_status_set(action=action, status=Action.Status.DONE, actor=request.user)
        self.message_user(request, _("Marked as done."))

    @admin.action(description=_("Reopen"), permissions=["change"])
    def reopen(self, request, queryset):
        for action in queryset:
            board_actions.action_status_set(action=action, status=Action.Status.OPEN, actor=request.user)
        self.message_user(request, _("Reopened."))
