from __future__ import annotations

from rest_framework import serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from incidents.models import Incident

INCIDENT_FIELDS = (
    "id",
    "source",
    "external_id",
    "call_type",
    "final_call_type",
    "priority",
    "status",
    "received_at",
    "dispatched_at",
    "arrived_at",
    "closed_at",
    "address",
    "location_status",
    "beat",
    "district",
    "disposition",
    "updated_at",
)


class IncidentOut(serializers.ModelSerializer):
    lat = serializers.SerializerMethodField()
    lon = serializers.SerializerMethodField()

    class Meta:
        model = Incident
        fields = (*INCIDENT_FIELDS, "narrative", "lat", "lon")

    def get_lat(self, obj: Incident) -> float | None:
        return obj.location.y if obj.location else None

    def get_lon(self, obj: Incident) -> float | None:
        return obj.location.x if obj.location else None


class IncidentFeatureOut(GeoFeatureModelSerializer):
    class Meta:
        model = Incident
        geo_field = "location"
        fields = INCIDENT_FIELDS
