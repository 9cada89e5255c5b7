from __future__ import annotations

from django.db.models import QuerySet
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from accounts.roles import has_capability
from cap.models import CapAlert
from rtcc.api.layers import GeoLayerApi


class CapFeatureOut(GeoFeatureModelSerializer):
    class Meta:
        model = CapAlert
        geo_field = "area"
        fields = ("id", "event", "headline", "severity", "urgency", "certainty", "sender", "sent", "expires", "state")


class CapLayerApi(GeoLayerApi):
    """Areas of CAP alerts as GeoJSON; `state=active` for the current ones, `bbox` to limit."""

    capability = "cap.read"
    serializer_class = CapFeatureOut
    filterset_fields = ["state", "severity"]
    bbox_filter_field = "area"

    def get_queryset(self) -> QuerySet[CapAlert]:
        if not has_capability(self.request.user, "cap.read"):
            return CapAlert.objects.none()
        return CapAlert.objects.filter(area__isnull=False).order_by("-sent", "-id")
