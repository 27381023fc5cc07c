from django.urls import path

from . import views

app_name = "newsletters"

urlpatterns = [
    path("", views.archive, name="archive"),
    path("aanmelden/", views.subscribe, name="subscribe"),
    path("bevestigen/<str:token>/", views.confirm, name="confirm"),
    path("afmelden/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("mijn-abonnement/", views.profile_subscription, name="profile_subscription"),
    path("lijst/<slug:list_slug>/", views.list_archive, name="list_archive"),
    path("lijst/<slug:list_slug>/aanmelden/", views.list_subscribe, name="list_subscribe"),
    path("afbeelding/<int:item_id>/", views.image, name="image"),
    path("klik/<str:token>/", views.click, name="click"),
    path("<slug:slug>/", views.edition, name="edition"),
]
