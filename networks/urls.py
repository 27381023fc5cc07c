from django.urls import path

from . import views

app_name = "networks"

urlpatterns = [
    path("", views.network_list, name="list"),
    path("<slug:slug>/", views.network_detail, name="detail"),
    path("<slug:slug>/leden/", views.network_members, name="members"),
    path("<slug:slug>/aanmelden/", views.network_join, name="join"),
    path("<slug:slug>/afmelden/", views.network_leave, name="leave"),
]
