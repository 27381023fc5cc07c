"""Signed tokens: the cancel link in the mail and the personal calendar feed.

Neither is stored. The cancel token signs the registration's pk with a timestamp and stays valid
until the event ends; the feed token signs the user's pk and stays valid until SECRET_KEY changes.
"""

from django.core import signing
from django.utils import timezone

CANCEL_SALT = "events.registration.cancel"
FEED_SALT = "events.calendar.feed"
SEP = "."  # URL-safe and never part of the signed value or signature alphabet


class TokenInvalid(Exception):
    """The token was tampered with, belongs to nothing, or has expired."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "invalid" or "expired"


def cancel_token_make(*, registration) -> str:
    return signing.TimestampSigner(salt=CANCEL_SALT, sep=SEP).sign(str(registration.pk))


def cancel_token_registration_id(*, token: str, ends_at_for) -> int:
    """The registration pk in a valid cancel token.

    ends_at_for(pk) returns the end of that registration's event (or None when it is gone); the
    token is accepted while max_age — the time between signing and the end of the event — has
    not passed.
    """
    signer = signing.TimestampSigner(salt=CANCEL_SALT, sep=SEP)
    try:
        value = signer.unsign(token)
        signed_at = signing.b62_decode(token.rsplit(SEP, 2)[1])
    except (signing.BadSignature, ValueError, IndexError) as exc:
        raise TokenInvalid("invalid") from exc
    if not value.isdigit():
        raise TokenInvalid("invalid")
    ends_at = ends_at_for(int(value))
    if ends_at is None:
        raise TokenInvalid("invalid")
    max_age = ends_at.timestamp() - signed_at
    try:
        signer.unsign(token, max_age=max(max_age, 0))
    except signing.SignatureExpired as exc:
        raise TokenInvalid("expired") from exc
    if timezone.now() >= ends_at:
        raise TokenInvalid("expired")
    return int(value)


def feed_token_make(*, user) -> str:
    return signing.Signer(salt=FEED_SALT, sep=SEP).sign(str(user.pk))


def feed_token_user_id(*, token: str) -> int | None:
    try:
        value = signing.Signer(salt=FEED_SALT, sep=SEP).unsign(token)
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() else None
