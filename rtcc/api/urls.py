from django.urls import include, path

from rtcc.api import views

urlpatterns = [
    path("events/", views.EventListApi.as_view(), name="api-event-list"),
    path("", include("feeds.api.urls")),
    path("", include("incidents.api.urls")),
    path("", include("alerts.api.urls")),
    path("", include("shots.api.urls")),
    path("", include("cap.api.urls")),
    path("", include("monitoring.api.urls")),
    path("", include("cameras.api.urls")),
    path("", include("lpr.api.urls")),
    path("", include("lpr.api.hotlist_urls")),
    path("", include("areas.api.urls")),
    path("", include("operations.api.urls")),
    path("", include("rules.api.urls")),
    path("", include("correlation.api.urls")),
    path("", include("cases.api.urls")),
    path("", include("evidence.api.urls")),
    path("", include("bulletins.api.urls")),
    path("", include("shifts.api.urls")),
    path("", include("audit.api.urls")),
]
