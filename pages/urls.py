from django.urls import path

from . import views

app_name = "pages"

urlpatterns = [
    path("pagina/<slug:slug>/", views.page, name="page"),
    path("nieuws/", views.news, name="news"),
    path("nieuws/<int:pk>/", views.news_item, name="news_item"),
    path("nieuws/<int:pk>/afbeelding/", views.news_image, name="news_image"),
]
