"""The bounce mailbox, read over IMAP by Celery beat (`vzhg.mail.tasks.mail_bounces_read`).

Every message not yet seen is fetched (without marking it), handed to
`bounces.bounce_message_handle`, and then:
- a bounce, a delay warning or a mailto: unsubscribe: moved to MAIL_BOUNCE_IMAP_ARCHIVE, or
  deleted when that is empty — so each is read once (and a message read twice after a crash
  between the database commit and the move still counts once: its fingerprint);
- anything else (not a report, or a report not tied to one of our messages): flagged seen and
  left where it is for a person to read.

The outage rule: an unreachable, refusing or misbehaving IMAP server never raises out of here;
it is logged and the next beat tries again.
"""

from __future__ import annotations

import imaplib
import logging
import re
import ssl
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DatabaseError

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 30
BATCH_LIMIT = 500


@dataclass
class ReadResult:
    outcomes: dict[str, int] = field(default_factory=dict)
    error: str = ""

    def count(self, outcome: str) -> None:
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1


def _tls_context() -> ssl.SSLContext:
    """Certificate and host name checked, against MAIL_BOUNCE_IMAP_CA_FILE when set (a private
    CA or the server's own certificate), else the system's CAs."""
    return ssl.create_default_context(cafile=settings.MAIL_BOUNCE_IMAP_CA_FILE or None)


def _connect() -> imaplib.IMAP4:
    """IMAPS (MAIL_BOUNCE_IMAP_SSL, port 993), or plain IMAP upgraded with STARTTLS
    (MAIL_BOUNCE_IMAP_STARTTLS, port 143); plain IMAP only with both off (tests, loopback)."""
    host, port = settings.MAIL_BOUNCE_IMAP_HOST, settings.MAIL_BOUNCE_IMAP_PORT
    if settings.MAIL_BOUNCE_IMAP_SSL:
        return imaplib.IMAP4_SSL(host, port, ssl_context=_tls_context(), timeout=TIMEOUT_SECONDS)
    connection = imaplib.IMAP4(host, port, timeout=TIMEOUT_SECONDS)
    if settings.MAIL_BOUNCE_IMAP_STARTTLS:
        try:
            _check(connection.starttls(ssl_context=_tls_context()), "STARTTLS")
        except BaseException:
            # The caller never gets this connection to log out of. A failed handshake has
            # already closed the socket TLS took over: closing it again says EBADF, ignored.
            try:
                connection.shutdown()
            except OSError:
                pass
            raise
    return connection


def _quoted(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _check(response: tuple, what: str) -> list:
    status, data = response
    if status != "OK":
        raise imaplib.IMAP4.error(f"{what}: {status} {data!r}")
    return data


def _done(connection: imaplib.IMAP4, uid: bytes, archive: str) -> None:
    """Move a handled message out of the folder (or delete it)."""
    if archive:
        if "MOVE" in connection.capabilities:
            _check(connection.uid("MOVE", uid.decode(), _quoted(archive)), "MOVE")
            return
        _check(connection.uid("COPY", uid.decode(), _quoted(archive)), "COPY")
    _check(connection.uid("STORE", uid.decode(), "+FLAGS.SILENT", r"(\Deleted)"), "STORE")


def _body(data: list) -> bytes | None:
    for item in data:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
            return item[1]
    return None


def bounces_read(*, limit: int = BATCH_LIMIT) -> ReadResult:
    """Read the bounce mailbox once (see the module's docstring). Does nothing without
    MAIL_BOUNCE_IMAP_HOST. Never raises for the server's sake: the error is in the result."""
    from .bounces import bounce_message_handle
    from .dsn import Outcome

    result = ReadResult()
    if not settings.MAIL_BOUNCE_IMAP_HOST:
        return result
    archive = settings.MAIL_BOUNCE_IMAP_ARCHIVE
    connection = None
    try:
        connection = _connect()
        _check(connection.login(settings.MAIL_BOUNCE_IMAP_USER, settings.MAIL_BOUNCE_IMAP_PASSWORD), "LOGIN")
        if archive:
            connection.create(_quoted(archive))  # "already exists" is fine
        _check(connection.select(_quoted(settings.MAIL_BOUNCE_IMAP_FOLDER)), "SELECT")
        data = _check(connection.uid("SEARCH", "UNSEEN UNDELETED"), "SEARCH")
        uids = (data[0] or b"").split()[:limit]
        deleted = False
        for uid in uids:
            if not re.fullmatch(rb"\d+", uid):
                continue
            raw = _body(_check(connection.uid("FETCH", uid.decode(), "(BODY.PEEK[])"), "FETCH"))
            if raw is None:
                continue
            try:
                outcome = bounce_message_handle(raw=raw)
            except DatabaseError:
                # Nothing is lost: the message stays unseen for the next beat.
                logger.warning("Bounce mailbox: database unavailable; the rest waits for the next beat")
                break
            except Exception:  # a message we cannot read must not stop the others
                logger.exception("Bounce mailbox: message %s could not be handled; left for a person", uid)
                outcome = Outcome.UNKNOWN
            result.count(outcome)
            if outcome == Outcome.UNKNOWN:
                _check(connection.uid("STORE", uid.decode(), "+FLAGS.SILENT", r"(\Seen)"), "STORE")
            else:
                _done(connection, uid, archive)
                deleted = deleted or not archive or "MOVE" not in connection.capabilities
        if deleted:
            connection.expunge()
    except (TimeoutError, OSError, imaplib.IMAP4.error, ssl.SSLError, EOFError) as exc:
        result.error = f"{type(exc).__name__}: {exc}"
        logger.warning(
            "Bounce mailbox %s:%s not read (%s); trying again at the next beat",
            settings.MAIL_BOUNCE_IMAP_HOST,
            settings.MAIL_BOUNCE_IMAP_PORT,
            result.error,
        )
    finally:
        if connection is not None:
            try:
                connection.logout()
            except Exception:  # noqa: BLE001 - the server hung up already
                pass
    if result.outcomes:
        logger.info("Bounce mailbox read: %s", result.outcomes)
    return result
