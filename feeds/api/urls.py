from django.urls import path

from feeds.api import status, views

urlpatterns = [
    path("ingest/cad/", views.CadIngestApi.as_view(), name="api-ingest-cad"),
    path("ingest/shots/", views.ShotsIngestApi.as_view(), name="api-ingest-shots"),
    path("ingest/cap/", views.CapIngestApi.as_view(), name="api-ingest-cap"),
    path("ingest/gps/", views.GpsIngestApi.as_view(), name="api-ingest-gps"),
    path("feeds/health/", status.FeedHealthApi.as_view(), name="api-feed-health"),
    path("imports/<int:job_id>/", status.ImportJobApi.as_view(), name="api-import-job"),
]
