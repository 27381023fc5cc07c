"""The language a mail is written in, chosen one way for every mail the site sends.

Mail leaves the request (a worker sends it, often hours later), so it is never written in the
language of whoever clicked the button: every recipient gets the site's language
(settings.LANGUAGE_CODE, Dutch), read when the mail is written. People have no language of their
own yet; when they do, `mail_language` is the one place that reads it.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation


def mail_language(*, recipient=None) -> str:
    """The language of a mail to `recipient` (a Person, or None for an address only)."""
    return settings.LANGUAGE_CODE


def mail_translation(*, recipient=None) -> translation.override:
    """`with mail_translation(): render_to_string(...)` writes the mail in its language."""
    return translation.override(mail_language(recipient=recipient))
