from django.urls import path

from monitoring.api import layers, views

urlpatterns = [
    path("monitoring/subjects/", views.SubjectListApi.as_view(), name="api-subject-list"),
    path("monitoring/subjects/<int:subject_id>/track/", views.SubjectTrackApi.as_view(), name="api-subject-track"),
    path("monitoring/subjects/positions/", layers.SubjectPositionsApi.as_view(), name="api-subject-positions"),
    path("monitoring/zones/layer/", layers.ZoneLayerApi.as_view(), name="api-zone-layer"),
]
