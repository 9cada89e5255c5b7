from django.urls import path

from lpr import search_views, views

urlpatterns = [
    path("lpr/hits/", views.hit_queue, name="lpr-hits"),
    path("lpr/hits/<int:hit_id>/", views.hit_detail, name="lpr-hit"),
    path("lpr/search/", search_views.read_search, name="lpr-search"),
    path("lpr/purges/", search_views.purge_ledger, name="lpr-purges"),
]
