"""Site-wide pages: home, health check and the error pages."""

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache

from members import selectors as member_selectors


def home(request):
    regions = list(member_selectors.regions_with_members())
    context = {
        "regions": regions,
        "member_count": sum(len(region.members) for region in regions),
    }
    return render(request, "home.html", context)


@never_cache
def health(request):
    """A bare view: no database, no template. The benchmark uses it as its ceiling."""
    return HttpResponse("ok", content_type="text/plain")


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
