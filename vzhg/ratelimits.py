"""Rate limits for the site's own public forms, counted the way allauth counts its own (same
cache, same client address behind the proxy, same "amount/period/per" notation).

The limits live in settings.VZHG_RATE_LIMITS, keyed by action, e.g.
``{"newsletter_subscribe": "30/h/ip,3/h/key"}``.
"""

from allauth.core.internal import ratelimit as _allauth_ratelimit
from django.conf import settings
from django.http import HttpRequest


def rate_limit_consume(*, request: HttpRequest, action: str, key: str | None = None) -> bool:
    """Count one attempt at `action` (per client and, with `key`, per key such as an e-mail
    address). False when a limit is reached: the caller refuses the attempt."""
    usage = _allauth_ratelimit.consume(
        request, app="vzhg", action=action, config=settings.VZHG_RATE_LIMITS, key=key
    )
    return usage is not None
