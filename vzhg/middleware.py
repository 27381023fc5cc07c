"""Site-wide middleware."""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

_PLAIN_503 = (
    '<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>Tijdelijk niet beschikbaar · VZHG'
    "</title></head><body><h1>Tijdelijk niet beschikbaar</h1><p>Probeer het over een minuut opnieuw.</p>"
    "</body></html>"
)


class DatabaseUnavailableMiddleware:
    """A page that could not reach the database (PostgreSQL restarting, a failover) answers
    503 "temporarily unavailable" with a Retry-After, instead of the 500 "something went wrong"
    page: the visitor learns that trying again shortly is the right thing to do."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.error("Database unavailable during %s %s: %s", request.method, request.path, exception)
        try:
            # No request context: the page asks nothing of the session, the user or the database.
            content: str = render_to_string("503.html")
        except Exception:  # noqa: BLE001 - the fallback must never fail
            logger.exception("503 page could not be rendered")
            content = _PLAIN_503
        response = HttpResponse(content, status=503)
        response["Retry-After"] = "30"
        return response
