from django.urls import path

from . import assembly_views, views

app_name = "governance"

urlpatterns = [
    path("", views.board, name="board"),
    path("geschiedenis/", views.board_history, name="board_history"),
    path("portaal/", views.portal, name="portal"),
    path("vergadering/<int:pk>/<uuid:token>/", views.meeting, name="meeting"),
    path("vergadering/<int:pk>/<uuid:token>/besluitenlijst/", views.decisions, name="decisions"),
    path("vergadering/<int:pk>/<uuid:token>/besluitenlijst.pdf", views.decisions_pdf, name="decisions_pdf"),
    path("vergadering/<int:pk>/<uuid:token>/afgevaardigde/", assembly_views.delegate, name="delegate"),
    path("vergadering/<int:pk>/<uuid:token>/stemmen/", assembly_views.ballot, name="ballot"),
    path("document/<int:pk>/<uuid:token>/", views.document, name="document"),
    path("document/<int:pk>/<uuid:token>/notitie/", views.note, name="note"),
    path("pakket/<int:pk>/<uuid:token>/", views.pack, name="pack"),
]
