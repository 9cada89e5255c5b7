from django.urls import path

from incidents.api import views

urlpatterns = [
    path("incidents/", views.IncidentListApi.as_view(), name="api-incident-list"),
    path("incidents/layer/", views.IncidentLayerApi.as_view(), name="api-incident-layer"),
    path("incidents/<int:pk>/", views.IncidentDetailApi.as_view(), name="api-incident-detail"),
]
