"""Tokens: the cancel link in the mail and the personal calendar feed.

The cancel token signs the registration's pk and its current state (when it was made) with a
timestamp and stays valid until the event ends; a link from an earlier registration of the same
person for the same event (cancelled, then registered again) cancels nothing. The feed token is a
MAC over the user's pk and a random key stored per user (FeedKey); "New address" replaces the
key, and the old address stops working. The database alone does not give the address (the MAC
needs SECRET_KEY); a user without a key still has the address of before (a signed pk), until they
ask for a new one.

The check-in code (in the QR code, the confirmation mail and the .ics) is the registration's pk
signed with Django's signing under a salt that includes a random key stored per registration
(Registration.checkin_key): unguessable, refused when tampered with, and not readable from the
database alone (the signature needs SECRET_KEY).
"""

import secrets

from django.core import signing
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from vzhg.errors import ServiceError

CANCEL_SALT = "events.registration.cancel"
FEED_SALT = "events.calendar.feed"
CHECKIN_SALT = "events.registration.checkin"
SEP = "."  # URL-safe and never part of the signed value or signature alphabet


def _invalid() -> ServiceError:
    """The token was tampered with or belongs to nothing."""
    return ServiceError(
        _("This cancel link is not valid. Use the link from your e-mail, or cancel under My registrations."),
        "invalid",
    )


def _expired() -> ServiceError:
    return ServiceError(_("This cancel link has expired: the event is over."), "expired")


def _registration_state(registration) -> str:
    # created_at is set again when a cancelled registration is made anew (registration_create).
    return salted_hmac(
        CANCEL_SALT, f"{registration.pk}:{registration.created_at.isoformat()}", algorithm="sha256"
    ).hexdigest()[:16]


def cancel_token_make(*, registration) -> str:
    value = f"{registration.pk}-{_registration_state(registration)}"
    return signing.TimestampSigner(salt=CANCEL_SALT, sep=SEP).sign(value)


def cancel_token_registration(*, token: str, registration_for):
    """The registration a valid cancel token was made for.

    registration_for(pk) returns that registration with its event (or None when it is gone); the
    token is accepted while it is the same registration (not a later one of the same person) and
    max_age — the time between signing and the end of the event — has not passed.
    """
    signer = signing.TimestampSigner(salt=CANCEL_SALT, sep=SEP)
    try:
        value = signer.unsign(token)
        signed_at = signing.b62_decode(token.rsplit(SEP, 2)[1])
    except (signing.BadSignature, ValueError, IndexError) as exc:
        raise _invalid() from exc
    pk, __, state = value.partition("-")
    if not pk.isdigit():
        raise _invalid()
    registration = registration_for(int(pk))
    if registration is None or not constant_time_compare(state, _registration_state(registration)):
        raise _invalid()
    ends_at = registration.event.ends_at
    max_age = ends_at.timestamp() - signed_at
    try:
        signer.unsign(token, max_age=max(max_age, 0))
    except signing.SignatureExpired as exc:
        raise _expired() from exc
    if timezone.now() >= ends_at:
        raise _expired()
    return registration


def feed_key_new() -> str:
    return secrets.token_urlsafe(24)


def _feed_mac(user_id: int, key: str) -> str:
    return salted_hmac(FEED_SALT, f"{user_id}:{key}", algorithm="sha256").hexdigest()[:40]


def feed_token_make(*, user, key: str | None) -> str:
    """The token in the user's feed address; `key` is their FeedKey.key (None: none made yet)."""
    if key is None:
        return signing.Signer(salt=FEED_SALT, sep=SEP).sign(str(user.pk))
    return f"{user.pk}{SEP}{_feed_mac(user.pk, key)}"


def feed_token_user_id(*, token: str, key_for) -> int | None:
    """The user a feed token belongs to; key_for(user_id) returns their FeedKey.key or None."""
    user_id, __, mac = token.partition(SEP)
    if not user_id.isdigit():
        return None
    key = key_for(int(user_id))
    if key is None:
        try:
            value = signing.Signer(salt=FEED_SALT, sep=SEP).unsign(token)
        except signing.BadSignature:
            return None
        return int(value) if value == user_id else None
    return int(user_id) if constant_time_compare(mac, _feed_mac(int(user_id), key)) else None


# --- the check-in code ------------------------------------------------------------------------


def checkin_key_new() -> str:
    """A registration's random check-in salt (the model field's default)."""
    return secrets.token_urlsafe(9)


def _checkin_signer(key: str) -> signing.Signer:
    return signing.Signer(salt=f"{CHECKIN_SALT}:{key}", sep=SEP)


def checkin_token_make(*, registration) -> str:
    return _checkin_signer(registration.checkin_key).sign(str(registration.pk))


def checkin_token_pk(token: str) -> int | None:
    """The registration pk a code names (not yet verified: see checkin_token_valid)."""
    pk, __, signature = token.partition(SEP)
    return int(pk) if pk.isdigit() and signature and len(pk) < 12 else None


def checkin_token_valid(*, token: str, registration) -> bool:
    """Whether `token` is this registration's code (signed under its own key)."""
    try:
        value = _checkin_signer(registration.checkin_key).unsign(token)
    except signing.BadSignature:
        return False
    return value == str(registration.pk)
