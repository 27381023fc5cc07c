"""One message built once, its bytes filled in per recipient.

Building a Django message (`message()`) and writing it (`as_bytes`: the email package folds every
header) cost more per recipient than handing it to the relay. A bulk mail (a newsletter edition)
differs per reader only in a few headers (To, Date, Message-ID, List-Unsubscribe…), in stand-ins in
its text and HTML parts (the first name, the unsubscribe URL), in the multipart boundary and in the
parts' Content-Transfer-Encoding (7bit or 8bit: whether the filled-in part is ASCII).
`MessageTemplate.build` writes the message once through Django and the email package, with the
reader's headers and stand-ins in place, and `fill` puts each reader's values into those bytes:
the reader's headers folded by the very policy the generator folds with, the stand-ins replaced in
the 8-bit parts, a new boundary drawn as the generator draws one, the encoding chosen as the email
package chooses it. The result is the bytes Django's own build writes for that reader (tested:
tests/mail/test_templated.py).

Whenever that cannot be guaranteed, `build` or `fill` returns None and the caller builds the
message the ordinary way: a part that is quoted-printable or base64 (Django encodes a part with a
line over 998 bytes as quoted-printable, where a stand-in may be cut by a soft line break), a line
that would grow over 998 bytes, a non-ASCII or multi-line header value or address, a value holding a
stand-in or a line break, attachments (anything but text parts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import policy as email_policy
from email.generator import Generator

from django.core.mail import EmailMessage
from django.core.mail.message import RFC5322_EMAIL_LINE_LENGTH_LIMIT, sanitize_address

_POLICY = email_policy.compat32.clone(linesep="\r\n")  # what Django's as_bytes(linesep="\r\n") writes with
_CRLF = b"\r\n"
_CTE = re.compile(rb"^Content-Transfer-Encoding: (7bit|8bit)\r$", re.MULTILINE)
# An address sanitize_address() leaves as it is (tested): a dot-atom local part, an ASCII domain.
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9_+=-]+(?:\.[A-Za-z0-9_+=-]+)*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*")


def header_fold(name: str, value: str) -> bytes:
    """The header as the generator writes it (compat32, CRLF). A short, printable ASCII value
    that fits on the line is written as it is: the email package's folding gives the same (tested),
    at a fraction of the cost."""
    line = f"{name}: {value}"
    if len(line) <= 76 and value and value.isascii() and value.isprintable() and value == value.strip():
        return line.encode("ascii") + _CRLF
    return _POLICY.fold_binary(name, value)


def envelope_address(address: str) -> str:
    """The address as Django's SMTP backend puts it in MAIL FROM / RCPT TO (sanitize_address)."""
    if _PLAIN_ADDRESS.fullmatch(address):
        return address
    return sanitize_address(address, "utf-8")


@dataclass
class _Part:
    subtype: str  # "plain" or "html": which of the caller's replacements apply
    head: bytes  # from the boundary up to and including "Content-Transfer-Encoding: "
    head_rest: bytes  # after the encoding's name, up to and including the blank line
    payload: bytes  # with the stand-ins, up to the next boundary's "\r\n--"


class MessageTemplate:
    """The bytes of one message, with per-recipient headers, stand-ins and boundary to fill in."""

    def __init__(self, *, headers: list, parts: list[_Part], separators: list[bytes], stand_ins: tuple):
        # Folded bytes; a header name (filled per recipient); or (before, after) the boundary.
        self._headers = headers
        self._parts = parts
        self._separators = separators  # the preamble (before the first boundary)
        self._stand_ins = tuple(stand_in.encode() for stand_in in stand_ins)
        self._marks = tuple(stand_ins)
        # Everything but the filled-in values: a boundary must not occur in it.
        self._template = b"".join(
            [h for h in headers if isinstance(h, bytes)]
            + [part.head + part.head_rest + part.payload for part in parts]
            + list(separators)
        )

    @classmethod
    def build(cls, message: EmailMessage, *, filled: tuple[str, ...], stand_ins: tuple[str, ...]):
        """From a Django message written with placeholder values for the `filled` headers and the
        `stand_ins` in its text parts. None when it is not a message this can fill in exactly."""
        built = message.message()
        leaves = [part for part in built.walk() if not part.is_multipart()]
        if (
            not built.is_multipart()
            or built.get_content_type() != "multipart/alternative"
            or any(part.get_content_maintype() != "text" for part in leaves)
            or any(part.get("Content-Transfer-Encoding") not in ("7bit", "8bit") for part in leaves)
            or any(part.is_multipart() for part in built.get_payload())
        ):
            return None
        boundary = built.get_boundary()
        written = built.as_bytes(linesep="\r\n")
        names = {name.lower() for name in filled}
        if boundary is None:
            return None
        delimiter = b"--" + boundary.encode()
        headers: list = []
        apart = []  # the headers written one by one, to compare with what the generator wrote
        for name, value in built._headers:
            header = _POLICY.fold_binary(name, value)
            apart.append(header)
            if name.lower() in names:
                headers.append(name)
            elif boundary.encode() in header:
                if header.count(boundary.encode()) != 1:
                    return None
                headers.append(tuple(header.split(boundary.encode())))
            else:
                headers.append(header)
        head, blank, body = written.partition(_CRLF + _CRLF)
        if not blank or b"".join(apart) != head + _CRLF or not any(isinstance(h, tuple) for h in headers):
            return None
        pieces = body.split(delimiter)
        # preamble, a part per leaf, the closing "--\r\n"
        if len(pieces) != len(leaves) + 2 or pieces[-1] != b"--" + _CRLF:
            return None
        separators: list[bytes] = [pieces[0]]
        parts: list[_Part] = []
        for leaf, piece in zip(leaves, pieces[1:-1], strict=True):
            piece_head, blank, payload = piece.partition(_CRLF + _CRLF)
            found = _CTE.search(piece_head + _CRLF)
            if not blank or found is None or not payload.endswith(_CRLF):
                return None
            parts.append(
                _Part(
                    subtype=leaf.get_content_subtype(),
                    head=piece_head[: found.start(1)],
                    head_rest=piece_head[found.end(1) :] + _CRLF + _CRLF,
                    payload=payload,
                )
            )
        template = cls(headers=headers, parts=parts, separators=separators, stand_ins=stand_ins)
        return template

    def fill(self, *, headers: dict[str, str], values: dict[str, dict[str, str]]) -> bytes | None:
        """The message's bytes for one recipient: `headers` the filled headers' values (as Django
        would set them: plain str), `values` per part subtype ("plain", "html") each stand-in's
        text. None when the recipient's values need the ordinary build (see the module)."""
        texts = set(headers.values())
        for part_values in values.values():
            for text in part_values.values():
                if "\r" in text or "\n" in text or any(mark in text for mark in self._marks):
                    return None
                texts.add(text)
        # A new boundary per message, drawn as the generator draws one and checked as
        # BatchMessage checks it: not in any part's text or header.
        while True:
            boundary = Generator._make_boundary().encode()  # type: ignore[attr-defined]
            if boundary not in self._template and not any(boundary in text.encode() for text in texts):
                break
        folded = []
        for header in self._headers:
            if isinstance(header, bytes):
                folded.append(header)
            elif isinstance(header, tuple):
                folded.append(header[0] + boundary + header[1])
            else:
                value = headers[header]
                if not value.isascii() or "\n" in value or "\r" in value:
                    return None
                folded.append(header_fold(header, value))
        payloads = []
        for part in self._parts:
            payload = part.payload
            try:
                for stand_in, mark in zip(self._stand_ins, self._marks, strict=True):
                    if stand_in in payload:
                        payload = payload.replace(stand_in, values[part.subtype][mark].encode("utf-8"))
            except (KeyError, UnicodeError):
                return None
            if len(payload) > RFC5322_EMAIL_LINE_LENGTH_LIMIT and any(
                len(line) > RFC5322_EMAIL_LINE_LENGTH_LIMIT for line in payload.split(_CRLF)
            ):
                return None  # Django would encode this part as quoted-printable
            payloads.append(payload)
        delimiter = b"--" + boundary
        out = [b"".join(folded), _CRLF, self._separators[0]]
        for part, payload in zip(self._parts, payloads, strict=True):
            out += [delimiter, part.head, b"7bit" if payload.isascii() else b"8bit", part.head_rest, payload]
        out += [delimiter, b"--", _CRLF]
        return b"".join(out)
