"""Site-wide pages: home, health check and the error pages."""

from urllib.parse import urlencode

from allauth.account.views import LoginView
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
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


_allauth_login = LoginView.as_view()


@never_cache
def admin_login(request):
    """The admin's login page is allauth's: one login form, one set of rate limits (failed
    attempts per client and per address). A GET is sent on to it with the admin page to return
    to; a POST (what a password-guessing script sends here) is answered by allauth's view
    itself, so its limits hold on this address too."""
    next_url = request.GET.get("next") or request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        next_url = ""
    next_url = next_url or reverse("admin:index")
    if request.method == "POST":
        return _allauth_login(request)
    if request.user.is_authenticated:
        # Logged in but not let into the admin: a redirect to the login page would loop.
        if request.user.is_staff:
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
