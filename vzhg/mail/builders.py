"""Mail built when it is sent. A request in a rush (a registration) stores a lazy outbox row in
its own transaction, so the mail is never lost nor doubled, but renders nothing: the row names
its kind, its recipient, its subject and what decides its content (`OutgoingMail.build`, e.g.
{"registration": 42, "status": "confirmed"}). The worker builds text, HTML and attachments with
the builder the sending app registered for the kind (from its AppConfig.ready(); vzhg.mail
imports no app) just before it sends, and stores them in the row, so the row reads as any other
afterwards (the admin, resending, retention).

A builder takes the lazy rows of its kind and returns, per row id, the content (`Built`) or the
reason it cannot be built (what it was about is gone: a registration deleted, a person erased).
Such a row is not sent: it ends "skipped" with that reason.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .attachments import attachments_for_row
from .models import OutgoingMail

logger = logging.getLogger(__name__)


@dataclass
class Built:
    """The content of a lazy row: text, HTML and (name, bytes, mimetype) attachments."""

    text: str
    html: str = ""
    attachments: list = field(default_factory=list)
    subject: str = ""  # empty: the subject stored with the row stays


Builder = Callable[[list[OutgoingMail]], dict[int, "Built | str"]]

_BUILDERS: dict[str, Builder] = {}


def mail_builder_register(*, kinds: Iterable[str], builder: Builder) -> None:
    """Let `builder` build the lazy rows of these kinds (called from an app's ready())."""
    for kind in kinds:
        _BUILDERS[kind] = builder


def mail_content_build(*, mails: list[OutgoingMail]) -> dict[int, OutgoingMail.Status | None]:
    """Build the lazy rows among `mails` (queued rows with a `build`) and store their content,
    each only while it is still queued and lazy. Returns the rows that are not to be sent now:
    SKIPPED (what the mail was about is gone; marked with the reason) or None (another task built
    or took it meanwhile). The rows in `mails` get their content in memory too."""
    lazy = [mail for mail in mails if mail.build is not None]
    outcome: dict[int, OutgoingMail.Status | None] = {}
    by_kind: dict[str, list[OutgoingMail]] = {}
    for mail in lazy:
        by_kind.setdefault(mail.kind, []).append(mail)
    for kind, rows in by_kind.items():
        builder = _BUILDERS.get(kind)
        results: dict[int, Built | str] = (
            builder(rows) if builder else dict.fromkeys([row.pk for row in rows], _no_builder(kind))
        )
        for mail in rows:
            result = results.get(mail.pk, _("Not sent: it could not be built."))
            still = OutgoingMail.objects.filter(pk=mail.pk, status="queued", build__isnull=False)
            if isinstance(result, str):
                still.update(status=OutgoingMail.Status.SKIPPED, error=result[:2000], build=None)
                logger.info("Mail %s skipped: %s", mail.pk, result)
                outcome[mail.pk] = OutgoingMail.Status.SKIPPED
                continue
            mail.body_text, mail.body_html = result.text, result.html
            mail.attachments = attachments_for_row(result.attachments)
            mail.subject = result.subject or mail.subject
            mail.build = None
            if not still.update(
                subject=mail.subject,
                body_text=mail.body_text,
                body_html=mail.body_html,
                attachments=mail.attachments,
                build=None,
            ):
                outcome[mail.pk] = None  # taken, built or anonymised by someone else meanwhile
    return outcome


def _no_builder(kind: str) -> str:
    return _("Not sent: no builder for mail of kind %(kind)s.") % {"kind": kind}


def mail_content_build_ids(*, mail_ids: list[int]) -> None:
    """Build the lazy rows among `mail_ids` now, without sending them (tests, the admin)."""
    lazy = OutgoingMail.objects.filter(pk__in=mail_ids, status="queued", build__isnull=False)
    mail_content_build(mails=list(lazy))
