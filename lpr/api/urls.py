from django.urls import path

from lpr.api import hits, ingest, purges, search, webhooks

urlpatterns = [
    path("ingest/lpr/", ingest.LprIngestApi.as_view(), name="api-ingest-lpr"),
    path("lpr/hits/", hits.HitListApi.as_view(), name="api-lpr-hit-list"),
    path("lpr/hits/layer/", hits.HitLayerApi.as_view(), name="api-lpr-hit-layer"),
    path("lpr/hits/<int:pk>/", hits.HitDetailApi.as_view(), name="api-lpr-hit-detail"),
    path("lpr/hits/<int:pk>/confirm/", hits.HitConfirmApi.as_view(), name="api-lpr-hit-confirm"),
    path("lpr/hits/<int:pk>/reject/", hits.HitRejectApi.as_view(), name="api-lpr-hit-reject"),
    path("lpr/hits/<int:pk>/outcome/", hits.HitOutcomeApi.as_view(), name="api-lpr-hit-outcome"),
    path("lpr/readers/layer/", hits.ReaderLayerApi.as_view(), name="api-lpr-reader-layer"),
    path("ingest/lpr/openalpr/", webhooks.OpenAlprWebhookApi.as_view(), name="api-ingest-lpr-openalpr"),
    path("lpr/reads/search/", search.ReadSearchApi.as_view(), name="api-lpr-read-search"),
    path("lpr/reads/export/", search.ReadExportApi.as_view(), name="api-lpr-read-export"),
    path("lpr/reads/legal-hold/", search.ReadLegalHoldApi.as_view(), name="api-lpr-read-legal-hold"),
    path("lpr/purges/", purges.PurgeListApi.as_view(), name="api-lpr-purge-list"),
]
