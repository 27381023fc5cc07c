"""Pages with one person's data are never kept by a browser or proxy cache.

Every response a view builds for a logged-in person (the profile, mijn-gegevens.json, My
registrations, the board portal, meetings, concepts ...) gets `Cache-Control: private, no-store`
from PrivateResponsesMiddleware, unless the view chose its own caching (a published PDF says
`public`). Views that serve one person's data to a token instead of a log-in (the cancel link,
the newsletter links) use the `private_response` decorator.
"""

from functools import wraps

PRIVATE_CACHE_CONTROL = "private, no-store"


def _mark_private(response) -> None:
    if not response.has_header("Cache-Control"):
        response["Cache-Control"] = PRIVATE_CACHE_CONTROL


def private_response(view):
    """Mark the view's responses `private, no-store` (unless it set its own caching)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        _mark_private(response)
        return response

    return wrapper


class PrivateResponsesMiddleware:
    """`private, no-store` on every response built for a logged-in person, unless the view set its
    own Cache-Control. Comes after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # A view that never looked at the session cannot have built a per-person page; asking
        # for the user there would only add `Vary: Cookie` to public responses.
        if session is not None and session.accessed:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                _mark_private(response)
        return response
