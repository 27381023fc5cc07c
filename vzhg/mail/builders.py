"""Mail built when it is sent. A request in a rush (a registration) stores a lazy outbox row in
its own transaction, so the mail is never lost nor doubled, but renders nothing: the row names
its kind, its recipient, its subject and what decides its content (`OutgoingMail.build`, e.g.
{"registration": 42, "status": "confirmed"}). The worker builds text, HTML and attachments with
the builder the sending app registered for the kind (from its AppConfig.ready(); vzhg.mail
imports no app) just before it sends, and stores them in the row, so the row reads as any other
afterwards (the admin, resending, retention).

A builder takes the lazy rows of its kind and returns, per row id, the content (`Built`) or the
reason it cannot be built (what it was about is gone: a registration deleted, a person erased).
Such a row is not sent: it ends "skipped" with that reason. A builder that raises (a fault in
the code or a template, the database away) stops neither the batch nor the other rows: the row
waits with the mail back-off and is tried again; after MAIL_BUILD_ATTEMPTS it ends "failed" with
the fault named, still lazy, so a resend after the fix builds it afresh.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
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
        results: dict[int, Built | str | Exception] = (
            _built_each(builder, rows)
            if builder
            else dict.fromkeys([row.pk for row in rows], _no_builder(kind))
        )
        for mail in rows:
            result = results.get(mail.pk, _("Not sent: it could not be built."))
            still = OutgoingMail.objects.filter(pk=mail.pk, status="queued", build__isnull=False)
            if isinstance(result, Exception):
                outcome[mail.pk] = _build_failed(mail, result, still=still)
                continue
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


def _built_each(builder: Builder, rows: list[OutgoingMail]) -> dict[int, Built | str | Exception]:
    """The builder's results for `rows`; when it raises, each row on its own, so one row that
    cannot be built does not hold back the others (its exception is its result)."""
    try:
        return dict(builder(rows))
    except Exception:
        if len(rows) == 1:
            logger.exception("Building mail %s failed", rows[0].pk)
            return {rows[0].pk: _BuildError(rows[0].pk)}
    results: dict[int, Built | str | Exception] = {}
    for row in rows:
        try:
            results.update(builder([row]))
        except Exception:
            logger.exception("Building mail %s failed", row.pk)
            results[row.pk] = _BuildError(row.pk)
    return results


class _BuildError(Exception):
    """Building this row raised (logged with its traceback where it happened)."""


def _build_failed(mail: OutgoingMail, error: Exception, *, still) -> OutgoingMail.Status | None:
    """Count a failed build: wait with the mail back-off, or after MAIL_BUILD_ATTEMPTS end failed
    (the row stays lazy, so a resend builds it again). Returns the row's status now."""
    from .services import _retry_delay

    now = timezone.now()
    attempts = mail.attempts + 1
    if attempts >= settings.MAIL_BUILD_ATTEMPTS:
        still.update(
            status=OutgoingMail.Status.FAILED,
            attempts=attempts,
            last_attempt_at=now,
            next_attempt_at=None,
            error=_(
                "Not sent: the mail could not be built (a fault in the application, logged). "
                "Resend it once the fault is fixed."
            ),
        )
        return OutgoingMail.Status.FAILED
    still.update(
        attempts=attempts,
        last_attempt_at=now,
        next_attempt_at=now + _retry_delay(attempts),
        error=_("Building the mail failed; it is tried again."),
    )
    return None


def _no_builder(kind: str) -> str:
    return _("Not sent: no builder for mail of kind %(kind)s.") % {"kind": kind}


def mail_content_build_ids(*, mail_ids: list[int]) -> None:
    """Build the lazy rows among `mail_ids` now, without sending them (tests, the admin)."""
    lazy = OutgoingMail.objects.filter(pk__in=mail_ids, status="queued", build__isnull=False)
    mail_content_build(mails=list(lazy))
