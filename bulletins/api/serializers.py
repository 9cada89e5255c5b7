"""Input and output serializers of the bulletins API (one per operation)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bulletins.choices import BulletinKind, Channel, HandlingMarking
from bulletins.models import Bulletin, BulletinPhoto, BulletinVersion, Dissemination
from rtcc.api.inputs import DateTimeField


@extend_schema_field(OpenApiTypes.STR)
class BulletinKindField(serializers.ChoiceField):
    """The kind, documented as a string (the enum name "kind" is taken by evidence and operations)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "One of: " + ", ".join(BulletinKind.values))
        super().__init__(choices=BulletinKind.choices, **kwargs)


class SubjectBlock(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    description = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    dob = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    identifiers = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class VehicleBlock(serializers.Serializer):
    plate = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    state = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    make = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    model = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    colour = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class BulletinIn(serializers.Serializer):
    kind = BulletinKindField()
    title = serializers.CharField(max_length=200)
    marking = serializers.ChoiceField(choices=HandlingMarking.choices, default=HandlingMarking.LES)
    summary = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    subjects = serializers.ListField(child=serializers.DictField(), required=False, default=list)
    vehicles = serializers.ListField(child=serializers.DictField(), required=False, default=list)
    lat = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    lon = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)
    location_label = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    contact_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=120)
    contact_phone = serializers.CharField(required=False, allow_blank=True, default="", max_length=40)
    contact_email = serializers.EmailField(required=False, allow_blank=True, default="")
    expires_at = DateTimeField()
    case_id = serializers.IntegerField(required=False, allow_null=True, default=None)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if (attrs.get("lat") is None) != (attrs.get("lon") is None):
            raise serializers.ValidationError({"lat": "give both lat and lon, or neither"})
        return attrs


class BulletinPatchIn(BulletinIn):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["partial"] = True
        super().__init__(*args, **kwargs)


class BulletinDisseminateIn(serializers.Serializer):
    recipients = serializers.CharField(max_length=4000)
    channel = serializers.ChoiceField(choices=Channel.choices)


class BulletinPhotoIn(serializers.Serializer):
    photo = serializers.FileField()
    caption = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class BulletinPhotoOut(serializers.ModelSerializer):
    class Meta:
        model = BulletinPhoto
        fields = ["id", "caption", "original_name", "image_format", "width", "height", "size", "uploaded_at"]


class BulletinVersionOut(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username")

    class Meta:
        model = BulletinVersion
        fields = ["number", "content", "created_by", "created_at"]


class BulletinDisseminationOut(serializers.ModelSerializer):
    by = serializers.CharField(source="by.username")

    class Meta:
        model = Dissemination
        fields = ["id", "version", "recipients", "channel", "by", "at"]


class BulletinOut(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username")
    approved_by = serializers.CharField(source="approved_by.username", allow_null=True, default=None)
    lat = serializers.SerializerMethodField()
    lon = serializers.SerializerMethodField()

    kind = BulletinKindField(read_only=True)

    class Meta:
        model = Bulletin
        fields = [
            "id",
            "kind",
            "title",
            "marking",
            "summary",
            "subjects",
            "vehicles",
            "lat",
            "lon",
            "location_label",
            "contact_name",
            "contact_phone",
            "contact_email",
            "expires_at",
            "status",
            "version",
            "case_id",
            "created_by",
            "created_at",
            "updated_at",
            "submitted_at",
            "approved_by",
            "approved_at",
        ]

    def get_lat(self, bulletin: Bulletin) -> float | None:
        return None if bulletin.location is None else float(bulletin.location.y)

    def get_lon(self, bulletin: Bulletin) -> float | None:
        return None if bulletin.location is None else float(bulletin.location.x)
