from __future__ import annotations

from rest_framework_gis.serializers import GeoFeatureModelSerializer

from shots.models import ShotsFired


class ShotsFeatureOut(GeoFeatureModelSerializer):
    class Meta:
        model = ShotsFired
        geo_field = "location"
        fields = (
            "id",
            "source",
            "external_id",
            "detected_at",
            "rounds",
            "detection_type",
            "confidence",
            "review_status",
            "address",
            "district",
            "incident",
        )
