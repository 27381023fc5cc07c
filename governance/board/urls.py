from django.urls import path

from . import assembly_views, commission_views, minutes_views, views

app_name = "governance"

urlpatterns = [
    path("", views.board, name="board"),
    path("geschiedenis/", views.board_history, name="board_history"),
    path("portaal/", views.portal, name="portal"),
    path("archief/", minutes_views.archive, name="archive"),
    path("archief/<slug:slug>/<int:year>/", minutes_views.archive_year, name="archive_year"),
    path("vergadering/<int:pk>/<uuid:token>/", views.meeting, name="meeting"),
    path("vergadering/<int:pk>/<uuid:token>/besluitenlijst/", views.decisions, name="decisions"),
    path("vergadering/<int:pk>/<uuid:token>/besluitenlijst.pdf", views.decisions_pdf, name="decisions_pdf"),
    path("vergadering/<int:pk>/<uuid:token>/afgevaardigde/", assembly_views.delegate, name="delegate"),
    path("vergadering/<int:pk>/<uuid:token>/stemmen/", assembly_views.ballot, name="ballot"),
    path("vergadering/<int:pk>/<uuid:token>/notulen/", minutes_views.minutes, name="minutes"),
    path("vergadering/<int:pk>/<uuid:token>/notulen.pdf", minutes_views.minutes_pdf, name="minutes_pdf"),
    path("document/<int:pk>/<uuid:token>/", views.document, name="document"),
    path("document/<int:pk>/<uuid:token>/notitie/", views.note, name="note"),
    path("pakket/<int:pk>/<uuid:token>/", views.pack, name="pack"),
    path("vng-commissies/", commission_views.commissions, name="commissions"),
    # The old address by number answers with a permanent redirect to the readable one.
    path("vng-commissies/<int:pk>/", commission_views.commission_by_pk, name="commission_by_pk"),
    path("vng-commissies/<slug:slug>/", commission_views.commission, name="commission"),
    path("aanbeveling/aanvragen/", commission_views.recommendation_request, name="recommendation_request"),
    path(
        "aanbeveling/<int:pk>/brief.pdf", commission_views.recommendation_letter, name="recommendation_letter"
    ),
]
