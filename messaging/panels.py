"""Read-only panels other apps' admin pages show: the messages an event, a meeting or a person
received, with links to write a new one (registered from AppConfig.ready())."""

from __future__ import annotations

from urllib.parse import urlencode

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vzhg.mail.services import mail_reference

from . import selectors
from .audiences import audiences_for


def compose_url(*, audience: str, source: str = "") -> str:
    return reverse("admin:messaging_message_add") + "?" + urlencode({"audience": audience, "source": source})


def _source_panel(obj) -> str:
    if not obj.pk:
        return "–"
    source = mail_reference(obj)
    return render_to_string(
        "admin/messaging/_source_panel.html",
        {
            "sent_messages": list(selectors.messages_about(source=source)[:20]),
            "compose": [
                (audience.label, compose_url(audience=audience.key, source=source))
                for audience in audiences_for(obj._meta.label_lower)
            ],
        },
    )


def event_messages(obj) -> str:
    return _source_panel(obj)


event_messages.short_description = _("messages")  # type: ignore[attr-defined]


def meeting_messages(obj) -> str:
    return _source_panel(obj)


meeting_messages.short_description = _("messages")  # type: ignore[attr-defined]


def person_messages(obj) -> str:
    if obj is None or not obj.pk:
        return "–"
    return render_to_string(
        "admin/messaging/_person_panel.html",
        {"rows": list(selectors.messages_to_person(person=obj)[:20])},
    )


person_messages.short_description = _("messages received")  # type: ignore[attr-defined]
