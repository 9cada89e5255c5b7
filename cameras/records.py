"""The one schema of a camera's fields, shared by the admin API, imports and the community form."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from rest_framework import serializers

from cameras.choices import AccessTier, OwnerType
from feeds.records import FeedRecordSerializer

STREAM_SCHEMES = {"rtsp", "rtsps", "http", "https"}
MAX_TAGS = 20


class TagsField(serializers.ListField):
    """A list of short tags; a comma-separated string (CSV cell) is accepted too."""

    child = serializers.CharField(max_length=40)

    def to_internal_value(self, data: Any) -> list[str]:
        if isinstance(data, str):
            data = [part for part in (p.strip() for p in data.split(",")) if part]
        tags = super().to_internal_value(data)
        if len(tags) > MAX_TAGS:
            raise serializers.ValidationError(f"At most {MAX_TAGS} tags.")
        return sorted({tag.strip().lower() for tag in tags if tag.strip()})


class CameraRecord(FeedRecordSerializer):
    """Everything an admin or an import may set on a camera. Unknown fields are refused."""

    external_id = serializers.CharField(max_length=120, required=False, allow_blank=True)
    name = serializers.CharField(max_length=200)
    owner_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    owner_type = serializers.ChoiceField(choices=OwnerType.choices)
    contact_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True)
    contact_after_hours = serializers.CharField(max_length=200, required=False, allow_blank=True)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True)
    latitude = serializers.FloatField(min_value=-90, max_value=90)
    longitude = serializers.FloatField(min_value=-180, max_value=180)
    mount_height_m = serializers.FloatField(min_value=0, max_value=200, required=False, allow_null=True)
    heading = serializers.FloatField(
        min_value=0, max_value=360, required=False, allow_null=True, help_text="Degrees from north; 360 = 0."
    )
    fov = serializers.FloatField(required=False, default=90, help_text="Degrees, more than 0 and at most 360.")
    range_m = serializers.FloatField(min_value=1, max_value=2000, required=False, default=60)
    tier = serializers.ChoiceField(choices=AccessTier.choices, required=False, default=AccessTier.REGISTER_ONLY)
    stream_url = serializers.CharField(max_length=500, required=False, allow_blank=True)
    stream_username = serializers.CharField(max_length=200, required=False, allow_blank=True, write_only=True)
    stream_password = serializers.CharField(
        max_length=200, required=False, allow_blank=True, write_only=True, style={"input_type": "password"}
    )
    retention_days = serializers.IntegerField(min_value=0, max_value=3650, required=False, allow_null=True)
    recording_hours = serializers.CharField(max_length=100, required=False, allow_blank=True)
    mou_signed_on = serializers.DateField(required=False, allow_null=True)
    mou_expires_on = serializers.DateField(required=False, allow_null=True)
    tags = TagsField(required=False)

    def validate_fov(self, value: float) -> float:
        if not 0 < value <= 360:
            raise serializers.ValidationError("Field of view must be more than 0 and at most 360 degrees.")
        return value

    def validate_heading(self, value: float | None) -> float | None:
        return None if value is None else value % 360

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        signed, expires = attrs.get("mou_signed_on"), attrs.get("mou_expires_on")
        if signed and expires and expires < signed:
            raise serializers.ValidationError({"mou_expires_on": ["The MOU cannot expire before it was signed."]})
        url = attrs.get("stream_url")
        if url:
            attrs.update(split_stream_url(url))
        return attrs


def split_stream_url(url: str) -> dict[str, str]:
    """Check a stream URL and move any user:password@ out of it, so the URL itself holds no secret."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise serializers.ValidationError({"stream_url": [f"Not a valid URL: {exc}."]}) from exc
    if parts.scheme.lower() not in STREAM_SCHEMES or not parts.hostname:
        raise serializers.ValidationError(
            {"stream_url": [f"Give a URL with a host and one of the schemes {sorted(STREAM_SCHEMES)}."]}
        )
    result = {"stream_url": url.strip()}
    if parts.username is not None or parts.password is not None:
        netloc = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
        if port is not None:
            netloc += f":{port}"
        result["stream_url"] = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
        result["stream_username"] = unquote(parts.username or "")
        result["stream_password"] = unquote(parts.password or "")
    return result


class CommunityRegistration(serializers.Serializer):
    """What a camera owner fills in on the public page (no stream URL or credentials: arranged later)."""

    owner_name = serializers.CharField(max_length=200, help_text="Business or your name.")
    owner_type = serializers.ChoiceField(
        choices=[(OwnerType.BUSINESS, "Business"), (OwnerType.RESIDENTIAL, "Residence")]
    )
    contact_name = serializers.CharField(max_length=200)
    contact_phone = serializers.CharField(max_length=40)
    contact_email = serializers.EmailField()
    contact_after_hours = serializers.CharField(max_length=200, required=False, allow_blank=True)
    address = serializers.CharField(max_length=255)
    camera_name = serializers.CharField(max_length=200, help_text="e.g. 'Front door, looking at the street'.")
    latitude = serializers.FloatField(min_value=-90, max_value=90)
    longitude = serializers.FloatField(min_value=-180, max_value=180)
    heading = serializers.FloatField(min_value=0, max_value=360)
    fov = serializers.FloatField(default=90)
    range_m = serializers.FloatField(min_value=1, max_value=300, default=30)
    tier = serializers.ChoiceField(choices=AccessTier.choices)
    retention_days = serializers.IntegerField(min_value=0, max_value=3650)
    recording_hours = serializers.CharField(max_length=100, required=False, allow_blank=True, default="24/7")
    # Honeypot: hidden from people by CSS; bots that fill every field give themselves away.
    website = serializers.CharField(required=False, allow_blank=True)

    validate_fov = CameraRecord.validate_fov
    validate_heading = CameraRecord.validate_heading
