from __future__ import annotations

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import generics
from rest_framework_gis.pagination import GeoJsonPagination
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from accounts.permissions import HasCapability
from accounts.roles import has_capability
from cap.models import CapAlert
from incidents.api.filters import BBoxFilter


class CapFeatureOut(GeoFeatureModelSerializer):
    class Meta:
        model = CapAlert
        geo_field = "area"
        fields = ("id", "event", "headline", "severity", "urgency", "certainty", "sender", "sent", "expires", "state")


class CapPagination(GeoJsonPagination):
    page_size = 500


class CapLayerApi(generics.ListAPIView):
    """Areas of CAP alerts as GeoJSON; `state=active` for the current ones, `bbox` to limit."""

    capability = "cap.read"
    permission_classes = [HasCapability]
    serializer_class = CapFeatureOut
    filter_backends = [BBoxFilter, DjangoFilterBackend]
    filterset_fields = ["state", "severity"]
    bbox_filter_field = "area"
    bbox_filter_include_overlapping = True
    pagination_class = CapPagination

    def get_queryset(self) -> QuerySet[CapAlert]:
        if not has_capability(self.request.user, "cap.read"):
            return CapAlert.objects.none()
        return CapAlert.objects.filter(area__isnull=False).order_by("-sent", "-id")
