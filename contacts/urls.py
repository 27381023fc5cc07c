from django.urls import path

from . import views

app_name = "contacts"

urlpatterns = [
    path("signalen/", views.signal_list, name="signals"),
    path("signalen/<int:pk>/", views.signal_detail, name="signal"),
]
