"""The action list (actielijst) on the meeting's admin page: the actions agreed at this meeting,
written and closed through the services of board/actions.py (the body is the meeting's)."""

from django import forms
from django.contrib import admin

from governance.models import Action, AgendaItem

from . import actions


class ActionFormSet(forms.BaseInlineFormSet):
    """Each row is saved by actions.action_save (its rules and history), its status by
    actions.action_status_set (the moment it was done)."""

    request = None

    def __init__(self, data=None, *args, **kwargs):
        # A post without the action rows (a page or a script from before they were on the meeting
        # page) leaves the actions as they are instead of failing the whole meeting form.
        prefix = kwargs.get("prefix") or self.get_default_prefix()
        if data is not None and f"{prefix}-TOTAL_FORMS" not in data:
            data = data.copy()
            data[f"{prefix}-TOTAL_FORMS"] = data[f"{prefix}-INITIAL_FORMS"] = "0"
        super().__init__(data, *args, **kwargs)

    def _save(self, form, obj):
        status = obj.status
        if obj.pk is None:
            obj.status = Action.Status.OPEN
        else:
            obj.status = Action.objects.values_list("status", flat=True).get(pk=obj.pk)
        obj.body_id = self.instance.body_id
        actor = self.request.user if self.request else None
        actions.action_save(action=obj, actor=actor)
        if status != obj.status:
            actions.action_status_set(action=obj, status=status, actor=actor)
        return obj

    def save_new(self, form, commit=True):
        obj = form.save(commit=False)
        setattr(obj, self.fk.name, self.instance)
        return self._save(form, obj) if commit else obj

    def save_existing(self, form, obj, commit=True):
        obj = form.save(commit=False)
        return self._save(form, obj) if commit else obj


class ActionInline(admin.TabularInline):
    model = Action
    formset = ActionFormSet
    fk_name = "meeting"
    fields = ["title", "owner", "due", "item", "status"]
    autocomplete_fields = ["owner"]
    extra = 0
    verbose_name_plural = Action._meta.verbose_name_plural

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.request = request
        return formset

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("owner", "item")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "item":
            object_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            kwargs["queryset"] = (
                AgendaItem.objects.filter(meeting_id=int(object_id)).order_by("order")
                if object_id and str(object_id).isdigit()
                else AgendaItem.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "item" and field is not None:  # items are added in the agenda above
            for switch in ("can_add_related", "can_change_related", "can_delete_related", "can_view_related"):
                setattr(field.widget, switch, False)
        return field
