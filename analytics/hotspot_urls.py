"""Hotspots: the page, its CSV export and its three JSON APIs (full paths: analytics.urls is mounted at the root)."""

from django.urls import URLPattern, URLResolver, path

from analytics import hotspot_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("analytics/hotspots/", hotspot_views.hotspots_page, name="analytics-hotspots"),
    path(
        "analytics/hotspots/repeat-addresses.csv",
        hotspot_views.repeat_addresses_csv,
        name="analytics-hotspots-repeat-csv",
    ),
    path("api/v1/analytics/hotspots/grid/", hotspot_views.HotspotGridApi.as_view(), name="analytics-hotspots-grid"),
    path("api/v1/analytics/hotspots/areas/", hotspot_views.HotspotAreasApi.as_view(), name="analytics-hotspots-areas"),
    path(
        "api/v1/analytics/hotspots/repeat-addresses/",
        hotspot_views.HotspotRepeatApi.as_view(),
        name="analytics-hotspots-repeat",
    ),
]
