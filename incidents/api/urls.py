from django.urls import path

from incidents.api import search, views

urlpatterns = [
    path("incidents/", views.IncidentListApi.as_view(), name="api-incident-list"),
    path("incidents/layer/", views.IncidentLayerApi.as_view(), name="api-incident-layer"),
    path("search/", search.MapSearchApi.as_view(), name="api-map-search"),
    path("incidents/<int:pk>/", views.IncidentDetailApi.as_view(), name="api-incident-detail"),
]
