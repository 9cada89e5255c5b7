from __future__ import annotations

from rest_framework import serializers

from alerts.models import Alert


class AlertOut(serializers.ModelSerializer):
    lat = serializers.SerializerMethodField()
    lon = serializers.SerializerMethodField()

    class Meta:
        model = Alert
        fields = ("id", "type", "priority", "title", "detail", "status", "source_key", "lat", "lon", "created_at")

    def get_lat(self, obj: Alert) -> float | None:
        return obj.location.y if obj.location else None

    def get_lon(self, obj: Alert) -> float | None:
        return obj.location.x if obj.location else None
