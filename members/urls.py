from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("profiel/", views.profile, name="profile"),
    path("profiel/bewerken/", views.profile_edit, name="profile_edit"),
    path("profiel/adres-klopt/", views.profile_address_confirm, name="profile_address_confirm"),
    path("profiel/mijn-gegevens.json", views.profile_export, name="profile_export"),
    path("leden/", views.municipalities, name="municipalities"),
]
