from django.urls import path

from lpr.api import ingest

urlpatterns = [
    path("ingest/lpr/", ingest.LprIngestApi.as_view(), name="api-ingest-lpr"),
]
