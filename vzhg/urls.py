from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from pages import views as pages_views

from . import views

admin.site.site_header = _("VZHG secretariat")
admin.site.site_title = _("VZHG secretariat")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("", pages_views.home, name="home"),
    path("health/", views.health, name="health"),
    path("health/live/", views.health_live, name="health_live"),
    path("favicon.ico", views.favicon, name="favicon"),
    # Before the admin's own URLs: its login is allauth's (rate-limited) login.
    path("admin/login/", views.admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("account/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("members.urls")),
    path("nieuwsbrief/", include("newsletters.urls")),
    path("agenda/", include("events.urls")),
    path("netwerken/", include("networks.urls")),
    path("bestuur/", include("governance.board.urls")),
    path("", include("contacts.urls")),
    path("", include("governance.reports.urls", namespace="reports")),
    path("", include("pages.urls")),
]

handler400 = "vzhg.views.bad_request"
handler403 = "vzhg.views.permission_denied"
handler404 = "vzhg.views.page_not_found"
handler500 = "vzhg.views.server_error"

if settings.DEBUG:
    urlpatterns += [
        path("__errors__/404/", views.page_not_found),
        path("__errors__/500/", views.server_error),
        path("__errors__/403/", views.permission_denied),
    ]
