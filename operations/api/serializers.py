from __future__ import annotations

import json
from typing import Any

from rest_framework import serializers
from rest_framework_gis.fields import GeometryField

from operations.choices import LogKind, OperationStatus
from operations.models import Operation, OperationLogEntry
from rtcc.api.inputs import DateTimeField


class OperationOut(serializers.ModelSerializer):
    area = GeometryField(read_only=True)
    status = serializers.ChoiceField(choices=OperationStatus.choices, read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True)

    class Meta:
        model = Operation
        fields = (
            "id",
            "name",
            "description",
            "status",
            "starts_at",
            "ends_at",
            "area",
            "area_source",
            "created_by",
            "created_at",
            "updated_at",
        )


class GeoJSONText(serializers.JSONField):
    """GeoJSON given either as an object or as text (pasted); always handed on as text."""

    def to_internal_value(self, data: Any) -> str:  # type: ignore[override]
        if isinstance(data, str):
            return data
        return json.dumps(data)


class AreaIn(serializers.Serializer):
    area_geojson = GeoJSONText(
        required=False, help_text="A Polygon/MultiPolygon, a Feature of one, or a FeatureCollection (unioned)."
    )
    beat_codes = serializers.ListField(child=serializers.CharField(max_length=16), required=False, max_length=200)
    district_codes = serializers.ListField(child=serializers.CharField(max_length=16), required=False, max_length=50)


class OperationIn(AreaIn):
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")
    starts_at = DateTimeField()
    ends_at = DateTimeField()


class OperationPatchIn(AreaIn):
    name = serializers.CharField(max_length=120, required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    starts_at = DateTimeField(required=False)
    ends_at = DateTimeField(required=False)


class LogEntryOut(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True)

    class Meta:
        model = OperationLogEntry
        fields = ("id", "operation", "author", "at", "recorded_at", "kind", "text", "incident", "alert_id")


class LogEntryIn(serializers.Serializer):
    text = serializers.CharField(max_length=4000)
    kind = serializers.ChoiceField(choices=LogKind.choices, default=LogKind.NOTE)
    at = DateTimeField(required=False, help_text="When it happened; default now.")
    incident_id = serializers.IntegerField(required=False, min_value=1)
    alert_id = serializers.IntegerField(required=False, min_value=1)
