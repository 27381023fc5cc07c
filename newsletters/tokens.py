"""Signed tokens in links: confirming a subscription (expires) and unsubscribing (does not).

Both name the subscription's list, so a token can only act on that list's subscription. Tokens
made before there were lists (no list in them) still work for the general newsletter's
subscriptions, which every subscription then was."""

from django.core import signing

CONFIRM_SALT = "newsletters.subscription.confirm"
UNSUBSCRIBE_SALT = "newsletters.subscription.unsubscribe"
CONFIRM_MAX_AGE = 60 * 60 * 24 * 7  # a week


def confirm_token(subscription) -> str:
    return signing.dumps(
        {"s": subscription.pk, "e": subscription.email, "l": subscription.newsletter_list_id},
        salt=CONFIRM_SALT,
        compress=False,
    )


def confirm_token_read(token: str) -> dict | None:
    """{"s": pk, "e": email, "l": list id (absent in old tokens)} or None when the token is
    tampered with or older than a week."""
    try:
        return signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return None


def unsubscribe_token(subscription) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(f"{subscription.pk}.{subscription.newsletter_list_id}")


def unsubscribe_token_read(token: str) -> tuple[int, int | None] | None:
    """(subscription pk, list id) — the list id None for an old token — or None when tampered with."""
    try:
        value = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
    except signing.BadSignature:
        return None
    pk, _dot, list_id = value.partition(".")
    if not pk.isdigit() or (list_id and not list_id.isdigit()):
        return None
    return int(pk), int(list_id) if list_id else None
