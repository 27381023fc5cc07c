from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("werkplan/", views.workplan_index, name="workplan_index"),
    path("werkplan/<int:year>/", views.workplan, name="workplan"),
    path("werkplan/<int:year>/voortgang/<int:half>/", views.half_year_report, name="half_year_report"),
    path(
        "werkplan/<int:year>/voortgang/<int:half>/<int:activity>/",
        views.progress_write,
        name="progress_write",
    ),
    path("werkplan/<int:year>/pdf/", views.workplan_pdf, name="workplan_pdf"),
    path("jaarverslag/", views.annual_report_index, name="annual_report_index"),
    path("jaarverslag/<int:year>/", views.annual_report, name="annual_report"),
    path("jaarverslag/<int:year>/ledenbinding/", views.engagement, name="engagement"),
    path("jaarverslag/<int:year>/pdf/", views.annual_report_pdf, name="annual_report_pdf"),
    path("rapport/<int:pk>/<uuid:token>/", views.version, name="version"),
]
