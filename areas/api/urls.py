from django.urls import path

from areas.api import views

urlpatterns = [
    path("areas/beats/", views.BeatLayerApi.as_view(), name="api-area-beat-layer"),
    path("areas/districts/", views.DistrictLayerApi.as_view(), name="api-area-district-layer"),
    path("areas/at/", views.AreaAtApi.as_view(), name="api-area-at"),
]
