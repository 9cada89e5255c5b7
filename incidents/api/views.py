from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import HasCapability
from incidents import selectors
from incidents.api.filters import IncidentFilter
from incidents.api.serializers import IncidentFeatureOut, IncidentOut
from incidents.models import Incident
from rtcc.api.layers import GeoLayerApi


class IncidentListApi(generics.ListAPIView):
    """Incidents as JSON, filterable and paginated."""

    capability = "incidents.read"
    permission_classes = [HasCapability]
    serializer_class = IncidentOut
    filterset_class = IncidentFilter

    def get_queryset(self) -> QuerySet[Incident]:
        return selectors.incident_list_visible_to(user=self.request.user).order_by("-received_at", "-id")


class IncidentLayerApi(GeoLayerApi):
    """GeoJSON layer of located incidents; `bbox=minLon,minLat,maxLon,maxLat` limits the area."""

    capability = "incidents.read"
    serializer_class = IncidentFeatureOut
    filterset_class = IncidentFilter
    bbox_filter_field = "location"

    def get_queryset(self) -> QuerySet[Incident]:
        return (
            selectors.incident_list_visible_to(user=self.request.user)
            .filter(location__isnull=False)
            .order_by("-received_at", "-id")
        )


class IncidentDetailApi(generics.GenericAPIView):
    """One incident with its narrative."""

    capability = "incidents.read"
    permission_classes = [HasCapability]
    serializer_class = IncidentOut

    @extend_schema(responses=IncidentOut)
    def get(self, request: Request, pk: int) -> Response:
        incident = selectors.incident_get_for_user(user=request.user, incident_id=pk)
        return Response(IncidentOut(incident).data)
