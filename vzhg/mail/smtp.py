"""What an SMTP failure means, decided in one place for the outbox and the newsletter sender.

Only the recipient's own address can make a message bounce: a refusal at RCPT time, or an
enhanced status 5.1.x (bad address) / 5.2.x (mailbox problem) wherever it comes. Everything else
is about the relay or the message:

- ``RECIPIENT``: permanent, this address: the message fails, the subscription bounces.
- ``RECIPIENT_LATER``: 4xx at RCPT (greylisting, full mailbox): this message waits and is tried
  again; the relay itself works.
- ``MESSAGE``: 5xx for this message after the recipient was accepted (content refused, too big):
  the message fails at once, nobody bounces, the send goes on.
- ``RELAY``: the relay does not work for us at all (connection refused or lost, timeouts, any
  4xx outside RCPT, 535 authentication, refused sender, 554 greeting): nothing is blamed on a
  recipient, the send stops, the messages stay queued and staff are told.
"""

from __future__ import annotations

import enum
import re
import smtplib
from dataclasses import dataclass


class SmtpOutcome(enum.StrEnum):
    RECIPIENT = "recipient"
    RECIPIENT_LATER = "recipient_later"
    MESSAGE = "message"
    RELAY = "relay"


@dataclass(frozen=True)
class SmtpFailure:
    outcome: SmtpOutcome
    reason: str

    @property
    def bounces(self) -> bool:
        return self.outcome == SmtpOutcome.RECIPIENT

    @property
    def relay_failing(self) -> bool:
        return self.outcome == SmtpOutcome.RELAY

    @property
    def permanent(self) -> bool:
        """The message fails at once (never tried again by itself)."""
        return self.outcome in (SmtpOutcome.RECIPIENT, SmtpOutcome.MESSAGE)


_ENHANCED = re.compile(rb"^\s*([245])\.(\d{1,3})\.(\d{1,3})\b")


def _text(message) -> str:
    if isinstance(message, bytes):
        return message.decode("utf-8", "replace")
    return str(message)


def _enhanced_class(message) -> tuple[int, int] | None:
    """(class, subject) of an RFC 3463 enhanced status at the start of a reply, e.g. (5, 1)."""
    raw = message if isinstance(message, bytes) else str(message).encode()
    match = _ENHANCED.match(raw)
    return (int(match.group(1)), int(match.group(2))) if match else None


def _about_address(message) -> bool:
    enhanced = _enhanced_class(message)
    return enhanced is not None and enhanced[0] == 5 and enhanced[1] in (1, 2)


def smtp_failure_classify(exc: BaseException) -> SmtpFailure:
    """Classify an exception raised while handing a message to the relay (smtplib or a socket)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        replies = list(exc.recipients.values())
        reason = "; ".join(f"{code} {_text(message)}" for code, message in replies) or "recipients refused"
        if replies and all(500 <= code < 600 for code, _message in replies):
            return SmtpFailure(SmtpOutcome.RECIPIENT, reason)
        if replies and all(400 <= code < 500 for code, _message in replies):
            return SmtpFailure(SmtpOutcome.RECIPIENT_LATER, reason)
        return SmtpFailure(SmtpOutcome.RELAY, reason)
    if isinstance(
        exc,
        (
            smtplib.SMTPSenderRefused,
            smtplib.SMTPConnectError,
            smtplib.SMTPHeloError,
            smtplib.SMTPAuthenticationError,
        ),
    ):
        # Greeting (554), HELO, AUTH (535), MAIL FROM: the relay's problem, whatever the code says.
        return SmtpFailure(SmtpOutcome.RELAY, f"{exc.smtp_code} {_text(exc.smtp_error)}")
    if isinstance(exc, smtplib.SMTPDataError) and 500 <= exc.smtp_code < 600:
        reason = f"{exc.smtp_code} {_text(exc.smtp_error)}"
        if _about_address(exc.smtp_error):
            return SmtpFailure(SmtpOutcome.RECIPIENT, reason)
        # Refused after the recipient was accepted: this message, not the address or the relay.
        return SmtpFailure(SmtpOutcome.MESSAGE, reason)
    if isinstance(exc, smtplib.SMTPResponseException):
        # Any 4xx outside RCPT, or a reply at an unexpected moment: the relay's problem.
        return SmtpFailure(SmtpOutcome.RELAY, f"{exc.smtp_code} {_text(exc.smtp_error)}")
    if isinstance(exc, (OSError, smtplib.SMTPException)):
        # Connection refused or reset, timeouts, TLS errors, the relay hanging up.
        return SmtpFailure(SmtpOutcome.RELAY, repr(exc))
    raise TypeError(f"not an SMTP failure: {exc!r}") from exc


def smtp_connection_discard(connection) -> None:
    """Close a Django mail connection after a failure, whatever state it is in, so the next
    message opens a fresh one (Django keeps a half-open connection after a failed login)."""
    inner = getattr(connection, "connection", None)
    try:
        connection.close()
    except Exception:  # noqa: BLE001 - the relay hung up already, or never said hello
        pass
    if inner is not None:
        try:
            inner.close()  # the socket itself, without QUIT
        except Exception:  # noqa: BLE001
            pass
    if hasattr(connection, "connection"):
        connection.connection = None
