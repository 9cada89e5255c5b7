"""Map layers of monitoring data: latest subject positions (purpose-bound, audited) and zones."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from accounts.permissions import HasCapability
from monitoring import selectors
from monitoring.api.views import Purpose
from monitoring.models import Zone
from rtcc.api.inputs import validated
from rtcc.api.layers import GeoLayerApi
from rtcc.errors import InvalidInput


class PositionsQuery(serializers.Serializer):
    purpose = serializers.ChoiceField(choices=Purpose.choices, help_text="Why positions are viewed (audited).")
    case_number = serializers.CharField(max_length=64, help_text="Incident or case number (audited).")
    minutes = serializers.IntegerField(min_value=1, max_value=1440, default=30, help_text="Only pings this recent.")
    bbox = serializers.CharField(required=False, help_text="minLon,minLat,maxLon,maxLat (WGS 84).")

    def validate_bbox(self, value: str) -> tuple[float, float, float, float]:
        try:
            parts = tuple(float(part) for part in value.split(","))
        except ValueError:
            raise serializers.ValidationError("four numbers: minLon,minLat,maxLon,maxLat.") from None
        if len(parts) != 4 or parts[0] >= parts[2] or parts[1] >= parts[3]:
            raise serializers.ValidationError("four numbers: minLon,minLat,maxLon,maxLat.")
        return parts  # type: ignore[return-value]


class SubjectPositionsApi(APIView):
    """Latest position of each active subject in the last `minutes`; purpose and case number audited."""

    capability = "monitoring.tracks"
    permission_classes = [HasCapability]

    @extend_schema(parameters=[PositionsQuery], responses={200: dict})
    def get(self, request: Request) -> Response:
        query = validated(PositionsQuery, request.query_params)
        if not query["case_number"].strip():
            raise InvalidInput("case_number: This field may not be blank.")
        return Response(selectors.subject_positions_for_user(user=request.user, **query))


class ZoneFeatureOut(GeoFeatureModelSerializer):
    kind = serializers.CharField(help_text="exclusion (must not enter) or inclusion (must stay inside).")

    class Meta:
        model = Zone
        geo_field = "area"
        fields = ("id", "name", "kind", "schedule_start", "schedule_end")


class ZoneLayerApi(GeoLayerApi):
    """Monitoring zones as GeoJSON. Same capability as positions: an exclusion zone often outlines a
    victim's home or workplace, so it is not for every role (not audited: no person's position)."""

    capability = "monitoring.tracks"
    serializer_class = ZoneFeatureOut
    bbox_filter_field = "area"

    def get_queryset(self) -> QuerySet[Zone]:
        return selectors.zone_list_visible_to(user=self.request.user)
