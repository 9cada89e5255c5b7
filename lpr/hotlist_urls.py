from django.urls import path

from lpr import hotlist_views

urlpatterns = [
    path("lpr/hotlists/", hotlist_views.hotlists_page, name="lpr-hotlists"),
    path("lpr/hotlists/entries/<int:entry_id>/", hotlist_views.entry_page, name="lpr-hotlist-entry"),
]
