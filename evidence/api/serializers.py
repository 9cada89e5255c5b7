from __future__ import annotations

from rest_framework import serializers

from evidence.choices import EvidenceKind
from evidence.models import CustodyEntry, Evidence


class EvidenceUploadIn(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True)  # the service names an empty file itself
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=EvidenceKind.choices, default=EvidenceKind.OTHER)
    source = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")  # type: ignore[assignment]
    source_camera_id = serializers.IntegerField(required=False, allow_null=True, default=None)
    source_footage_request_id = serializers.IntegerField(required=False, allow_null=True, default=None)


class HoldIn(serializers.Serializer):
    hold = serializers.BooleanField()
    reason = serializers.CharField(max_length=2000)


class DownloadQueryIn(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class EvidenceOut(serializers.ModelSerializer[Evidence]):
    uploader = serializers.CharField(source="uploader.get_username", read_only=True)
    case_number = serializers.CharField(source="case.number", read_only=True)
    hold_set_by = serializers.CharField(
        source="hold_set_by.get_username", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Evidence
        fields = [
            "id",
            "case",
            "case_number",
            "title",
            "kind",
            "original_name",
            "size",
            "sha256",
            "mime_type",
            "uploader",
            "uploaded_at",
            "source",
            "source_camera",
            "source_footage_request",
            "legal_hold",
            "hold_reason",
            "hold_set_by",
            "hold_set_at",
            "last_verified_at",
            "integrity_ok",
        ]


class CustodyEntryOut(serializers.ModelSerializer[CustodyEntry]):
    actor = serializers.CharField(source="actor.get_username", read_only=True, default=None, allow_null=True)

    class Meta:
        model = CustodyEntry
        fields = ["id", "action", "actor", "at", "reason", "detail"]


class EvidenceDetailOut(EvidenceOut):
    custody = CustodyEntryOut(many=True, read_only=True)

    class Meta(EvidenceOut.Meta):
        fields = [*EvidenceOut.Meta.fields, "custody"]
