"""Camera API shapes. Contacts go only to roles that may see them; credentials go to no one."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from cameras.choices import OwnerType
from cameras.models import Camera, FootageFile, FootageRequest
from rtcc.api.inputs import DateTimeField

CONTACT_FIELDS = ("contact_name", "contact_phone", "contact_email", "contact_after_hours")
ADMIN_FIELDS = ("stream_url", "has_credentials", "source", "external_id", "rejection_reason", "submitted_at")


class CameraOut(serializers.ModelSerializer):
    """One camera. Context `contacts` and `manage` (booleans) decide which sensitive fields stay."""

    lat = serializers.SerializerMethodField()
    lon = serializers.SerializerMethodField()
    mou_expired = serializers.SerializerMethodField()
    live_available = serializers.SerializerMethodField()
    footage_requestable = serializers.SerializerMethodField()
    # Admin-only fields are left out for other roles: not read_only, so the schema does not require them.
    has_credentials = serializers.BooleanField(required=False, help_text="Admins only.")
    submitted_at = serializers.DateTimeField(source="created_at", required=False, help_text="Admins only.")
    owner_name = serializers.CharField(allow_blank=True, help_text="Hidden for residential owners without contacts.")
    contact_name = serializers.CharField(required=False, help_text="Analysts and admins only.")
    contact_phone = serializers.CharField(required=False, help_text="Analysts and admins only.")
    contact_email = serializers.CharField(required=False, help_text="Analysts and admins only.")
    contact_after_hours = serializers.CharField(required=False, help_text="Analysts and admins only.")
    stream_url = serializers.CharField(required=False, help_text="Admins, or anyone when live access is available.")

    class Meta:
        model = Camera
        fields = (
            "id",
            "reference",
            "name",
            "owner_type",
            "owner_name",
            *CONTACT_FIELDS,
            "address",
            "lat",
            "lon",
            "mount_height_m",
            "heading",
            "fov",
            "range_m",
            "tier",
            "status",
            "health",
            "health_checked_at",
            "retention_days",
            "recording_hours",
            "mou_signed_on",
            "mou_expires_on",
            "mou_expired",
            "live_available",
            "footage_requestable",
            "tags",
            *ADMIN_FIELDS,
            "updated_at",
        )
        extra_kwargs = {name: {"required": False} for name in ("source", "external_id", "rejection_reason")}

    def get_lat(self, obj: Camera) -> float:
        return obj.location.y

    def get_lon(self, obj: Camera) -> float:
        return obj.location.x

    def get_mou_expired(self, obj: Camera) -> bool:
        return obj.mou_expired()

    def get_live_available(self, obj: Camera) -> bool:
        return obj.live_available()

    def get_footage_requestable(self, obj: Camera) -> bool:
        return obj.footage_requestable()

    def to_representation(self, instance: Camera) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        return redact(
            data, instance, contacts=self.context.get("contacts", False), manage=self.context.get("manage", False)
        )


def redact(data: dict[str, Any], camera: Camera, *, contacts: bool, manage: bool) -> dict[str, Any]:
    """Drop what the reader's role may not see (the same rule for detail, lists and nearby)."""
    if not contacts:
        for name in CONTACT_FIELDS:
            data.pop(name, None)
        if camera.owner_type == OwnerType.RESIDENTIAL:
            data["owner_name"] = ""
    if not manage:
        show_stream = camera.live_available()
        for name in ADMIN_FIELDS:
            if name == "stream_url" and show_stream:
                continue
            data.pop(name, None)
    return data


class NearbyQuery(serializers.Serializer):
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lon = serializers.FloatField(min_value=-180, max_value=180)
    radius = serializers.FloatField(min_value=1, max_value=5000, default=300, help_text="Metres (1-5000).")
    limit = serializers.IntegerField(min_value=1, max_value=200, default=50)


class NearbyCameraOut(CameraOut):
    distance_m = serializers.FloatField(help_text="Geodesic distance from the camera to the point.")
    bearing_from_camera = serializers.FloatField(
        allow_null=True, help_text="Direction from the camera to the point, degrees from north."
    )
    sees_point = serializers.BooleanField(allow_null=True, help_text="Inside the view cone; null if direction unknown.")
    offline = serializers.BooleanField()

    class Meta(CameraOut.Meta):
        fields = (  # type: ignore[assignment]
            *CameraOut.Meta.fields,
            "distance_m",
            "bearing_from_camera",
            "sees_point",
            "offline",
        )


class CameraFeatureOut(GeoFeatureModelSerializer):
    """Map layer feature: no contacts, no stream details; the cone only when asked for."""

    live_available = serializers.SerializerMethodField()
    mou_expired = serializers.SerializerMethodField()

    class Meta:
        model = Camera
        geo_field = "location"
        fields = (
            "id",
            "reference",
            "name",
            "owner_type",
            "tier",
            "status",
            "health",
            "heading",
            "fov",
            "range_m",
            "live_available",
            "mou_expired",
        )

    def get_live_available(self, obj: Camera) -> bool:
        return obj.live_available()

    def get_mou_expired(self, obj: Camera) -> bool:
        return obj.mou_expired()


class CameraConeFeatureOut(CameraFeatureOut):
    class Meta(CameraFeatureOut.Meta):
        geo_field = "view_cone"


class ApproveIn(serializers.Serializer):
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False, help_text="Corrected position.")
    lon = serializers.FloatField(min_value=-180, max_value=180, required=False)
    heading = serializers.FloatField(min_value=0, max_value=360, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("lat" in attrs) != ("lon" in attrs):
            raise serializers.ValidationError({"lon" if "lat" in attrs else "lat": ["Give both lat and lon."]})
        return attrs


class RejectIn(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class FootageFileOut(serializers.ModelSerializer):
    class Meta:
        model = FootageFile
        fields = ("id", "original_name", "sha256", "size_bytes", "content_type", "uploaded_at")


class FootageRequestOut(serializers.ModelSerializer):
    camera_reference = serializers.CharField(source="camera.reference", read_only=True)
    camera_name = serializers.CharField(source="camera.name", read_only=True)
    requested_by = serializers.CharField(source="requested_by.username", read_only=True)
    files = FootageFileOut(many=True, read_only=True)

    class Meta:
        model = FootageRequest
        fields = (
            "id",
            "camera",
            "camera_reference",
            "camera_name",
            "incident",
            "window_start",
            "window_end",
            "reason",
            "case_number",
            "status",
            "available_until",
            "requested_by",
            "requested_at",
            "closed_at",
            "response_note",
            "files",
        )


class FootageRequestIn(serializers.Serializer):
    camera = serializers.IntegerField()
    incident = serializers.IntegerField(required=False, allow_null=True)
    window_start = DateTimeField()
    window_end = DateTimeField()
    reason = serializers.CharField(max_length=500)
    case_number = serializers.CharField(max_length=40, required=False, allow_blank=True)


class FootageCreatedOut(serializers.Serializer):
    request = FootageRequestOut()
    warnings = serializers.ListField(child=serializers.CharField())
    owner_contact = serializers.DictField(child=serializers.CharField(), allow_null=True)


class FootageFulfilIn(serializers.Serializer):
    files = serializers.ListField(child=serializers.FileField(), allow_empty=False)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class FootageDeclineIn(serializers.Serializer):
    note = serializers.CharField(max_length=500)
