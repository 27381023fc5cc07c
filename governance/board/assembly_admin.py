"""The secretariat's admin for the ALV as an assembly: the voting rules (one row), the delegates
per municipality, the presence page of the day, and the votes (open, record, projector, close).
The pages themselves are in assembly_staff.py."""

from django import forms
from django.contrib import admin, messages
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from governance.models import (
    AgendaItem,
    AssemblyRules,
    Body,
    Delegate,
    Motion,
    MunicipalityWeight,
    Proxy,
    Vote,
)
from vzhg.admin_history import ReadableHistoryAdmin as SimpleHistoryAdmin  # Dutch, readable, 404 for bad ids
from vzhg.errors import ServiceError

from . import assembly, assembly_staff, delegate_answers, vote_screens, votes


class MunicipalityWeightInline(admin.TabularInline):
    model = MunicipalityWeight
    fields = ["municipality", "weight"]
    autocomplete_fields = ["municipality"]
    extra = 0


@admin.register(AssemblyRules)
class AssemblyRulesAdmin(SimpleHistoryAdmin):
    """One row: the association's voting rules. Created with the defaults when first opened."""

    list_display = ["__str__", "default_weight", "quorum", "quorum_value", "proxies_allowed"]
    fields = ["default_weight", "quorum", "quorum_value", "proxies_allowed", "max_proxies_per_delegate"]
    inlines = [MunicipalityWeightInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        assembly.rules_get()
        return super().changelist_view(request, extra_context)


class DelegateForm(forms.ModelForm):
    class Meta:
        model = Delegate
        fields = ["meeting", "municipality", "person", "deputy"]

    def clean(self):
        cleaned = super().clean()
        meeting, municipality, person = (cleaned.get(name) for name in ("meeting", "municipality", "person"))
        if meeting and municipality and person:
            problem = assembly.delegate_problem(
                meeting=meeting, municipality=municipality, person=person, deputy=cleaned.get("deputy")
            )
            if problem:
                raise forms.ValidationError(problem)
        return cleaned


@admin.register(Delegate)
class DelegateAdmin(SimpleHistoryAdmin):
    list_display = ["municipality", "person", "deputy", "meeting"]
    list_filter = ["meeting"]
    list_select_related = ["municipality", "person", "deputy", "meeting"]
    search_fields = ["municipality__name", "person__last_name", "deputy__last_name"]
    autocomplete_fields = ["meeting", "municipality", "person", "deputy"]
    form = DelegateForm

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "meeting":
            kwargs["queryset"] = self.opts.get_field("meeting").related_model.objects.filter(
                body__kind=Body.Kind.ALV
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        delegate = assembly.delegate_set(
            meeting=obj.meeting,
            municipality=obj.municipality,
            person=obj.person,
            deputy=obj.deputy,
            actor=request.user,
        )
        obj.pk = delegate.pk

    def get_urls(self):
        wrap = self.admin_site.admin_view
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "presence/<path:meeting_id>/",
                wrap(assembly_staff.presence_view),
                {"model_admin": self},
                name=f"{info}_presence",
            ),
            path(
                "answers/<path:meeting_id>/",
                wrap(delegate_answers.delegate_answers_view),
                {"model_admin": self},
                name=f"{info}_answers",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "alv_meetings": assembly_staff.alv_meetings()}
        return super().changelist_view(request, extra_context)


class ProxyForm(forms.ModelForm):
    class Meta:
        model = Proxy
        fields = ["meeting", "grantor", "holder"]

    def clean(self):
        cleaned = super().clean()
        meeting, grantor, holder = (cleaned.get(name) for name in ("meeting", "grantor", "holder"))
        if meeting and grantor and holder:
            problem = assembly.proxy_problem(meeting=meeting, grantor=grantor, holder=holder)
            if problem:
                raise forms.ValidationError(problem)
        return cleaned


@admin.register(Proxy)
class ProxyAdmin(SimpleHistoryAdmin):
    """Proxies (volmachten), within the limits of the voting rules; shown on the presence page."""

    list_display = ["grantor", "holder", "meeting"]
    list_filter = ["meeting"]
    list_select_related = ["grantor", "holder", "meeting"]
    search_fields = ["grantor__name", "holder__name"]
    autocomplete_fields = ["meeting", "grantor", "holder"]
    form = ProxyForm

    def save_model(self, request, obj, form, change):
        proxy = assembly.proxy_grant(
            meeting=obj.meeting, grantor=obj.grantor, holder=obj.holder, actor=request.user
        )
        obj.pk = proxy.pk


class VoteForm(forms.ModelForm):
    class Meta:
        model = Vote
        fields = ["motion", "item", "title", "secret"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["title"].help_text = _("Empty: the title of the motion or agenda item.")
        self.fields["motion"].queryset = Motion.objects.filter(meeting__body__kind=Body.Kind.ALV)
        self.fields["item"].queryset = AgendaItem.objects.filter(
            meeting__body__kind=Body.Kind.ALV, kind=AgendaItem.Kind.BESLUITVORMING
        )

    def clean(self):
        cleaned = super().clean()
        problem = votes.vote_open_problem(motion=cleaned.get("motion"), item=cleaned.get("item"))
        if problem:
            raise forms.ValidationError(problem)
        return cleaned


@admin.register(Vote)
class VoteAdmin(SimpleHistoryAdmin):
    list_display = ["title", "meeting", "status", "secret", "result", "opened_at"]
    list_filter = ["status", "meeting"]
    list_select_related = ["meeting"]
    search_fields = ["title"]
    readonly_fields = [
        "meeting",
        "motion",
        "item",
        "title",
        "secret",
        "status",
        "opened_at",
        "closed_at",
        "result",
        "tally_panel",
    ]
    actions = ["close_votes", "elected_mandate_create"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = VoteForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        return ["motion", "item", "title", "secret"] if obj is None else self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            return
        vote = votes.vote_open(
            motion=form.cleaned_data.get("motion"),
            item=form.cleaned_data.get("item"),
            title=form.cleaned_data.get("title") or "",
            secret=form.cleaned_data.get("secret") or False,
            actor=request.user,
        )
        obj.pk = vote.pk
        obj.__dict__.update(vote.__dict__)

    @admin.display(description=_("result"))
    def tally_panel(self, obj):
        if not obj.pk:
            return "–"
        tally = votes.vote_tally(vote=obj, named=True)
        return render_to_string(
            "admin/governance/_vote_tally.html",
            {
                "tally": tally,
                "vote": obj,
                "record_url": reverse("admin:governance_vote_record", args=[obj.pk]),
                "projector_url": reverse("admin:governance_vote_projector", args=[obj.pk]),
                "close_url": reverse("admin:governance_vote_close", args=[obj.pk]),
            },
        )

    @admin.action(description=_("Close the selected votes and record the result"), permissions=["change"])
    def close_votes(self, request, queryset):
        for vote in queryset:
            try:
                closed = votes.vote_close(vote=vote, actor=request.user)
            except ServiceError as refusal:
                self.message_user(request, refusal.message, messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(vote)s is closed: %(result)s.")
                    % {"vote": closed, "result": closed.get_result_display()},
                )

    @admin.action(
        description=_("Give the elected candidate the mandate (from today)"), permissions=["change"]
    )
    def elected_mandate_create(self, request, queryset):
        for vote in queryset:
            try:
                mandate = votes.election_mandate_create(
                    vote=vote, start=timezone.localdate(), actor=request.user
                )
            except ServiceError as refusal:
                self.message_user(request, f"{vote}: {refusal.message}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    format_html(
                        '{} <a href="{}">{}</a>',
                        _("%(vote)s:") % {"vote": vote},
                        reverse("admin:governance_mandate_change", args=[mandate.pk]),
                        _("%(person)s is given the mandate %(role)s in %(body)s.")
                        % {
                            "person": mandate.person,
                            "role": mandate.get_role_display(),
                            "body": mandate.body,
                        },
                    ),
                )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        pages = [
            ("record", assembly_staff.record_view),
            ("projector", assembly_staff.projector_view),
            ("close", vote_screens.vote_close_view),
        ]
        return [
            path("open/", wrap(vote_screens.vote_open_view), {"model_admin": self}, name=f"{info}_open"),
            path(
                "election/",
                wrap(vote_screens.election_open_view),
                {"model_admin": self},
                name=f"{info}_election",
            ),
            *(
                path(f"<path:object_id>/{name}/", wrap(view), {"model_admin": self}, name=f"{info}_{name}")
                for name, view in pages
            ),
            path(
                "<path:object_id>/result.json",
                wrap(assembly_staff.result_json_view),
                {"model_admin": self},
                name=f"{info}_result_json",
            ),
            *super().get_urls(),
        ]
