from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework_gis.fields import GeometryField
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from areas.models import Beat, District
from areas.selectors import MAX_SIMPLIFY_M


class LayerQuery(serializers.Serializer):
    simplify = serializers.FloatField(
        required=False, min_value=0, max_value=MAX_SIMPLIFY_M, help_text="Simplify outlines by about this many metres."
    )


@extend_schema_field({"type": "object", "description": "GeoJSON MultiPolygon (simplified when `simplify` is given)."})
class ShapeField(GeometryField):
    """The layer geometry: the `shape` annotation of areas.selectors.with_shape."""


class BeatFeatureOut(GeoFeatureModelSerializer):
    area = ShapeField(source="shape", read_only=True)

    class Meta:
        model = Beat
        geo_field = "area"
        id_field = "code"
        fields = ("code", "district_code", "sector", "source", "imported_at")


class DistrictFeatureOut(GeoFeatureModelSerializer):
    area = ShapeField(source="shape", read_only=True)

    class Meta:
        model = District
        geo_field = "area"
        id_field = "code"
        fields = ("code", "name", "source", "imported_at")


class AtQuery(serializers.Serializer):
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lon = serializers.FloatField(min_value=-180, max_value=180)


class BeatRefOut(serializers.Serializer):
    code = serializers.CharField()
    district_code = serializers.CharField()
    sector = serializers.CharField()


class DistrictRefOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class AtOut(serializers.Serializer):
    beat = BeatRefOut(allow_null=True)
    district = DistrictRefOut(allow_null=True)
