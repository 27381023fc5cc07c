"""VERP: the envelope sender (Return-Path) of every outgoing message names the row it was sent
for, so a bounce that arrives days later is tied to its recipient.

With MAIL_BOUNCE_ADDRESS = "bounces@vzhg.nl" an outbox row gets the envelope sender
"bounces+m1c-k3j9x0q2ab@vzhg.nl": a kind letter, the row's id in base 36 and an HMAC of both
(SECRET_KEY, salted), lower case because mail servers may fold the local part. Nothing in it can be
guessed or changed without the key, so a forged "bounce" for somebody else's address is ignored.
Without MAIL_BOUNCE_ADDRESS nothing changes: the envelope sender is DEFAULT_FROM_EMAIL.

What a kind letter stands for is registered by the app that owns the rows (this module sits in
the lowest layer and imports none of them): the outbox registers "m" (vzhg/mail/apps.py), the
newsletters "d" (a delivery) and "u" (the mailto: of List-Unsubscribe for a subscription).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "vzhg.mail.verp"
_TOKEN = re.compile(r"^([a-z])([0-9a-z]{1,13})-([a-z2-7]{10})$")


@dataclass(frozen=True)
class VerpKind:
    """What a token of one kind stands for.

    `recipient(pk)`: the address a bounce of that row is about (None: the row is gone).
    `unsubscribe(pk)`: for a mailto: unsubscribe kind, end that subscription; True when it was
    found (also when it had ended already).
    `sent_last(emails, before)`: the latest moment before `before` each of these addresses was
    accepted by the relay, so soft bounces can be forgotten after a good delivery.
    """

    recipient: Callable[[int], str | None] | None = None
    unsubscribe: Callable[[int], bool] | None = None
    sent_last: Callable[[list[str], datetime], dict[str, datetime]] | None = None


_kinds: dict[str, VerpKind] = {}


def verp_kind_register(*, kind: str, about: VerpKind) -> None:
    """Register what tokens of `kind` (one lower-case letter) stand for (replaces an earlier one)."""
    if not re.fullmatch(r"[a-z]", kind):
        raise ValueError(f"a VERP kind is one lower-case letter, not {kind!r}")
    _kinds[kind] = about


def verp_kinds() -> dict[str, VerpKind]:
    return dict(_kinds)


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if not number:
            return text


def _signature(kind: str, pk36: str) -> str:
    digest = salted_hmac(SALT, f"{kind}{pk36}", algorithm="sha256").digest()
    return base64.b32encode(digest).decode()[:10].lower()


def verp_token(*, kind: str, pk: int) -> str:
    pk36 = _base36(pk)
    return f"{kind}{pk36}-{_signature(kind, pk36)}"


def verp_token_read(token: str) -> tuple[str, int] | None:
    """(kind, pk) of a genuine token, else None (tampered, made up, or unknown kind)."""
    match = _TOKEN.match(token.strip().lower())
    if match is None:
        return None
    kind, pk36, signature = match.groups()
    if not constant_time_compare(signature, _signature(kind, pk36)):
        return None
    return kind, int(pk36, 36)


def _bounce_parts() -> tuple[str, str] | None:
    address = (settings.MAIL_BOUNCE_ADDRESS or "").strip()
    if "@" not in address:
        return None
    local, domain = address.rsplit("@", 1)
    return local, domain


def verp_address(*, kind: str, pk: int | None) -> str | None:
    """The envelope sender for a row (bounces+token@domain), or None when bounces are not set up
    (MAIL_BOUNCE_ADDRESS empty) or the row has no id."""
    parts = _bounce_parts()
    if parts is None or pk is None:
        return None
    local, domain = parts
    return f"{local}+{verp_token(kind=kind, pk=pk)}@{domain}"


def verp_address_read(address: str) -> tuple[str, int] | None:
    """(kind, pk) when `address` is one of our VERP addresses with a genuine token."""
    parts = _bounce_parts()
    if parts is None:
        return None
    local, domain = (part.lower() for part in parts)
    address = address.strip().strip("<>").lower()
    if "@" not in address:
        return None
    address_local, address_domain = address.rsplit("@", 1)
    if address_domain != domain or not address_local.startswith(f"{local}+"):
        return None
    return verp_token_read(address_local[len(local) + 1 :])
