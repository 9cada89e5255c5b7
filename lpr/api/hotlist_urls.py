from django.urls import path

from lpr.api import hotlists

urlpatterns = [
    path("lpr/hotlists/", hotlists.HotlistListApi.as_view(), name="api-lpr-hotlists"),
    path("lpr/hotlists/<int:hotlist_id>/entries/", hotlists.EntryListApi.as_view(), name="api-lpr-entries"),
    path(
        "lpr/hotlists/<int:hotlist_id>/entries/create/",
        hotlists.EntryCreateApi.as_view(),
        name="api-lpr-entry-create",
    ),
    path("lpr/entries/<int:entry_id>/update/", hotlists.EntryUpdateApi.as_view(), name="api-lpr-entry-update"),
    path("lpr/entries/<int:entry_id>/history/", hotlists.EntryHistoryApi.as_view(), name="api-lpr-entry-history"),
    path("lpr/amber/from-cap/", hotlists.AmberEntryApi.as_view(), name="api-lpr-amber-entry"),
    path("cap/<int:cap_id>/amber-plates/", hotlists.AmberPlatesApi.as_view(), name="api-cap-amber-plates"),
]
