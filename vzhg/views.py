"""Site-wide pages: health checks, the admin's login, the favicon and the error pages.
(The home page lists the member municipalities: pages.views.home.)"""

import logging
from urllib.parse import urlencode

import redis
from allauth.account.views import LoginView
from django.conf import settings
from django.contrib import admin
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


def _redis_urls() -> list[str]:
    """The Redis servers the site depends on: the Celery broker and the cache (often the same)."""
    urls = [settings.CELERY_BROKER_URL]
    cache = settings.CACHES.get("default", {})
    if "redis" in cache.get("BACKEND", "").lower():
        location = cache.get("LOCATION")
        urls += location if isinstance(location, list | tuple) else [location]
    return list(
        dict.fromkeys(url for url in urls if url and url.startswith(("redis://", "rediss://", "unix://")))
    )


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        logger.error("Health: database unavailable: %s", error)
        return "unavailable"
    return "ok"


def _redis_state() -> str:
    urls = _redis_urls()
    if not urls:
        return "not used"
    for url in urls:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            client.ping()
        except redis.RedisError as error:
            logger.error("Health: Redis unavailable: %s", error)
            return "unavailable"
        finally:
            client.close()
    return "ok"


@never_cache
def health(request):
    """What the site depends on, each on its own: {"database": "ok", "redis": "ok"} with 200,
    or 503 with the one that is "unavailable" named. For load balancers and monitoring."""
    states = {"database": _database_state(), "redis": _redis_state()}
    healthy = all(state in ("ok", "not used") for state in states.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **states}, status=200 if healthy else 503
    )


@never_cache
def health_live(request):
    """A bare view: no database, no Redis, no template. Says the process answers; the
    benchmark uses it as its ceiling."""
    return HttpResponse("ok", content_type="text/plain")


_allauth_login = LoginView.as_view()


@never_cache
def admin_login(request):
    """The admin's login page is allauth's: one login form, one set of rate limits (failed
    attempts per client and per address). A GET is sent on to it with the admin page to return
    to; a POST (what a password-guessing script sends here) is answered by allauth's view
    itself, so its limits hold on this address too."""
    next_url = request.GET.get("next") or request.POST.get("next") or ""
    allowed = {request.get_host()}
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts=allowed, require_https=request.is_secure()
    ):
        next_url = ""
    next_url = next_url or reverse("admin:index")
    if request.method == "POST":
        return _allauth_login(request)
    if request.user.is_authenticated:
        # Logged in: the admin site decides who enters (its own has_permission); anyone it does
        # not let in is refused here, as a redirect to the login page would loop.
        if admin.site.has_permission(request):
            return redirect(next_url)
        return permission_denied(request)
    return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")


def favicon(request):
    """Browsers ask for /favicon.ico on pages that do not name one (the admin)."""
    return redirect(static("img/favicon.svg"), permanent=True)


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
