from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.agenda, name="agenda"),
    path("archief/", views.archive, name="archive"),
    path("mijn/", views.mine, name="mine"),
    path("mijn/<int:pk>/wijzigen/", views.registration_change, name="registration_change"),
    path("mijn/<int:pk>/afmelden/", views.registration_cancel, name="registration_cancel"),
    path("afmelden/<str:token>/", views.cancel_by_token, name="cancel_token"),
    path("inchecken/<str:token>/", views.checkin_code, name="checkin_code"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
    path("mijn/feed/nieuw-adres/", views.feed_renew, name="feed_renew"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/aanmelden/", views.register, name="register"),
    path("<slug:slug>/materiaal/<int:pk>/", views.material, name="material"),
]
