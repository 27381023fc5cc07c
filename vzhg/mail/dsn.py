"""Reading one message from the bounce mailbox: is it a bounce, of which of our messages, hard or
soft, and why — or a mailto: unsubscribe.

Who: only the VERP token in the address the message was delivered to (Delivered-To,
X-Original-To, To, ...) says which row, and so which address, it is about; the addresses a report
names are never trusted by themselves (anyone can mail the bounce address). What: flufl.bounce,
made for reading delivery reports of every shape (RFC 3464 DSNs, Exchange, Postfix, qmail, ...),
says whether a delivery failed permanently (a bounce) or is only delayed (a warning: ignored);
the enhanced status (5.1.1) and the diagnostic come from the report's delivery-status part, or,
for reports without one, from the first status code in its text.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import re
from dataclasses import dataclass, field
from email.message import Message
from email.utils import getaddresses

from flufl.bounce import all_failures

from .verp import verp_address_read, verp_kinds

# Where the address the message was delivered to can be found, most trustworthy first.
_RECIPIENT_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To", "To", "Cc")
_STATUS = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
_SAYS_WHY = re.compile(r"not recogni[sz]ed|unknown|does not exist|not found|no such|rejected", re.I)


class Outcome:
    BOUNCE = "bounce"
    DELAYED = "delayed"  # a warning: the message may still arrive
    UNSUBSCRIBE = "unsubscribe"
    UNKNOWN = "unknown"  # not a report, or not tied to one of our messages: left for a person


@dataclass
class Reading:
    outcome: str
    kind: str = ""  # the VERP kind letter of the row it is about
    pk: int | None = None
    status: str = ""
    reason: str = ""
    fingerprint: str = ""
    failed: set[str] = field(default_factory=set)


def _tokens(message: Message) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    for header in _RECIPIENT_HEADERS:
        values = [str(value) for value in message.get_all(header, [])]
        for _name, address in getaddresses(values):
            token = verp_address_read(address)
            if token is not None and token not in found:
                found.append(token)
    return found


def _status_blocks(message: Message) -> list[Message]:
    """The per-recipient blocks of every message/delivery-status part."""
    blocks: list[Message] = []
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        payload = part.get_payload()
        if isinstance(payload, list):
            blocks += [block for block in payload if isinstance(block, Message)]
    return blocks


def _text_of(message: Message) -> str:
    """The human-readable text of the report (not the returned original), for a status code."""
    texts = []
    for part in message.walk():
        if part.get_content_type() == "message/rfc822":
            break
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                texts.append(payload.decode(part.get_content_charset() or "utf-8", "replace"))
    return "\n".join(texts)


def _status_and_reason(message: Message) -> tuple[str, str]:
    for block in _status_blocks(message):
        action = str(block.get("Action", "")).lower()
        if not action.startswith(("fail", "error")):
            continue
        status_match = _STATUS.search(str(block.get("Status", "")))
        status = status_match.group(0) if status_match else ""
        diagnostic = " ".join(str(block.get("Diagnostic-Code", "")).split())
        if ";" in diagnostic:
            diagnostic = diagnostic.split(";", 1)[1].strip()
        return status, diagnostic or status
    # No delivery-status part (Exchange's and Gmail's older forms, qmail): the first status code
    # in the text, and the line it is on.
    text = _text_of(message)
    for line in text.splitlines():
        match = _STATUS.search(line)
        if match and match.group(1) in "45":
            return match.group(0), " ".join(line.split())[:500]
    # No code at all: the line that says what went wrong, else the report's subject.
    for line in text.splitlines():
        if _SAYS_WHY.search(line):
            return "", " ".join(line.split())[:500]
    return "", " ".join(str(message.get("Subject", "")).split())[:500]


def message_read(raw: bytes) -> Reading:
    """What one message of the bounce mailbox is (see the module's docstring)."""
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    fingerprint = hashlib.sha256(raw).hexdigest()
    kinds = verp_kinds()
    tokens = [(kind, pk) for kind, pk in _tokens(message) if kind in kinds]
    for kind, pk in tokens:
        if kinds[kind].unsubscribe is not None:
            return Reading(Outcome.UNSUBSCRIBE, kind=kind, pk=pk, fingerprint=fingerprint)
    temporary, permanent = all_failures(message)
    failed = {address.decode("ascii", "replace").lower() for address in permanent}
    if not tokens:
        return Reading(Outcome.UNKNOWN, fingerprint=fingerprint, failed=failed)
    kind, pk = tokens[0]
    if not permanent:
        outcome = Outcome.DELAYED if temporary else Outcome.UNKNOWN
        return Reading(outcome, kind=kind, pk=pk, fingerprint=fingerprint)
    status, reason = _status_and_reason(message)
    return Reading(
        Outcome.BOUNCE, kind=kind, pk=pk, status=status, reason=reason, fingerprint=fingerprint, failed=failed
    )
