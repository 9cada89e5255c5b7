from django.urls import include, path

from analytics import views

urlpatterns = [
    path("transparency/", views.transparency, name="transparency"),
    # Dashboards, drill-down, CSV and the JSON API; hotspots; shift and monthly reports.
    path("", include("analytics.dashboard_urls")),
    path("", include("analytics.hotspot_urls")),
    path("", include("analytics.report_urls")),
]
