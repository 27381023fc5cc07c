"""The panel on a meeting's admin page (board.extensions.MEETING_ADMIN_PANELS): its minutes and
the actions agreed at it, with links to write them."""

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.models import Minutes


def minutes_and_actions(obj) -> str:
    if not obj.pk:
        return "–"
    minutes = Minutes.objects.filter(meeting=obj).first()
    if minutes is None:
        link = format_html(
            '<a href="{}?meeting={}">{}</a>',
            reverse("admin:governance_minutes_add"),
            obj.pk,
            _("Write the minutes"),
        )
    else:
        link = format_html(
            '<a href="{}">{}</a> ({})',
            reverse("admin:governance_minutes_change", args=[minutes.pk]),
            _("Minutes and attendance"),
            minutes.get_status_display(),
        )
    actions = obj.actions.select_related("owner").order_by("pk")
    listed = format_html_join(
        "",
        '<li><a href="{}">{}</a> — {} ({})</li>',
        (
            (
                reverse("admin:governance_action_change", args=[action.pk]),
                action.title,
                action.owner.full_name if action.owner else "–",
                action.get_status_display(),
            )
            for action in actions
        ),
    )
    add = format_html(
        '<a href="{}?meeting={}&amp;body={}">{}</a>',
        reverse("admin:governance_action_add"),
        obj.pk,
        obj.body_id,
        _("Add an action"),
    )
    return format_html("<p>{}</p><ul>{}</ul><p>{}</p>", link, listed, add)


minutes_and_actions.short_description = gettext_lazy("minutes and actions")  # type: ignore[attr-defined]
