"""LPR hit and reader API shapes. `status` is always the stored status: an unverified hit never reads as actionable."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from lpr.choices import HitOutcome, HitStatus, RejectReason
from lpr.events import SOUND_PRIORITY
from lpr.models import Hit, HotlistEntry, Read, Reader
from lpr.selectors import Comparison

HIT_FIELDS = (
    "id",
    "status",
    "status_label",
    "kind",
    "priority",
    "sound",
    "plate",
    "state",
    "confidence",
    "hotlist",
    "hotlist_name",
    "reason",
    "case_number",
    "reader",
    "reader_name",
    "read_at",
    "created_at",
    "lat",
    "lon",
    "retroactive",
    "vehicle",
    "reject_reason",
    "verified_by",
    "verified_at",
    "outcome",
    "outcome_by",
    "outcome_at",
)


class HitOut(serializers.ModelSerializer):
    """One hit as the list and the actions return it."""

    status_label = serializers.CharField(source="get_status_display", read_only=True)
    sound = serializers.SerializerMethodField(help_text="True for unverified hits of priority 1-2 (an alarm sounds).")
    hotlist_name = serializers.CharField(source="hotlist.name", read_only=True)
    reason = serializers.CharField(source="entry.reason", read_only=True, help_text="Why the plate is on the list.")
    case_number = serializers.CharField(source="entry.case_number", read_only=True)
    reader_name = serializers.SerializerMethodField()
    lat = serializers.SerializerMethodField()
    lon = serializers.SerializerMethodField()
    verified_by = serializers.CharField(source="verified_by.username", read_only=True, allow_null=True)
    outcome_by = serializers.CharField(source="outcome_by.username", read_only=True, allow_null=True)

    class Meta:
        model = Hit
        fields = HIT_FIELDS

    def get_sound(self, obj: Hit) -> bool:
        return obj.priority <= SOUND_PRIORITY and obj.status == HitStatus.UNVERIFIED

    def get_reader_name(self, obj: Hit) -> str:
        return obj.reader.name if obj.reader else ""

    def get_lat(self, obj: Hit) -> float | None:
        return obj.location.y if obj.location else None

    def get_lon(self, obj: Hit) -> float | None:
        return obj.location.x if obj.location else None


class HitReadOut(serializers.Serializer):
    """What the reader saw. `purged` when retention removed the read: then only what the hit kept is shown."""

    purged = serializers.BooleanField()
    plate = serializers.CharField()
    plate_raw = serializers.CharField()
    state = serializers.CharField()
    confidence = serializers.FloatField(allow_null=True)
    read_at = serializers.DateTimeField()
    lat = serializers.FloatField(allow_null=True)
    lon = serializers.FloatField(allow_null=True)
    direction = serializers.CharField()
    reader_name = serializers.CharField()
    vehicle = serializers.CharField(help_text="Colour, make, model and type in one line.")
    vehicle_color = serializers.CharField()
    vehicle_make = serializers.CharField()
    vehicle_model = serializers.CharField()
    vehicle_type = serializers.CharField()
    image_ref = serializers.CharField(help_text="Reference of the plate crop as the reader sent it.")


class HitEntryOut(serializers.ModelSerializer):
    """The hotlist entry the read matched."""

    hotlist_name = serializers.CharField(source="hotlist.name", read_only=True)
    hotlist_source = serializers.CharField(source="hotlist.source", read_only=True)

    class Meta:
        model = HotlistEntry
        fields = (
            "id",
            "hotlist",
            "hotlist_name",
            "hotlist_source",
            "plate",
            "plate_raw",
            "state",
            "reason",
            "case_number",
            "ncic_number",
            "vehicle_description",
            "effective_from",
            "expires_at",
            "active",
        )


class DifferenceOut(serializers.Serializer):
    field = serializers.ChoiceField(choices=["plate", "state", "vehicle", "entry"])
    message = serializers.CharField()
    position = serializers.IntegerField(allow_null=True, help_text="0-based character position (plate only).")
    read = serializers.CharField(allow_blank=True)
    entry = serializers.CharField(allow_blank=True)
    confusable = serializers.BooleanField(help_text="The two characters are ones OCR mixes up (O/0, B/8, …).")


class HitDetailOut(HitOut):
    """A hit with the read beside the entry and where they differ, computed on the server.

    Context: `read` (the Read or None), `comparison` (lpr.selectors.Comparison), `may_verify`,
    `may_record_outcome`.
    """

    read = serializers.SerializerMethodField()
    entry = HitEntryOut(read_only=True)
    differences = serializers.SerializerMethodField()
    may_verify = serializers.SerializerMethodField(help_text="You may confirm or reject it now.")
    may_record_outcome = serializers.SerializerMethodField()

    class Meta(HitOut.Meta):
        fields = (*HIT_FIELDS, "read", "entry", "differences", "may_verify", "may_record_outcome")  # type: ignore[assignment]

    @extend_schema_field(HitReadOut)
    def get_read(self, obj: Hit) -> dict[str, Any]:
        return dict(HitReadOut(read_data(obj, self.context["read"])).data)

    @extend_schema_field(DifferenceOut(many=True))
    def get_differences(self, obj: Hit) -> list[dict[str, Any]]:
        comparison: Comparison = self.context["comparison"]
        return [dict(DifferenceOut(difference).data) for difference in comparison.differences]

    def get_may_verify(self, obj: Hit) -> bool:
        return bool(self.context["may_verify"])

    def get_may_record_outcome(self, obj: Hit) -> bool:
        return bool(self.context["may_record_outcome"])


def read_data(hit: Hit, read: Read | None) -> dict[str, Any]:
    """The read side of the verify screen (from the read itself, or from the hit once it is purged)."""
    reader_name = hit.reader.name if hit.reader else ""
    if read is None:
        return {
            "purged": True,
            "plate": hit.plate,
            "plate_raw": hit.plate,
            "state": hit.state,
            "confidence": hit.confidence,
            "read_at": hit.read_at,
            "lat": hit.location.y if hit.location else None,
            "lon": hit.location.x if hit.location else None,
            "direction": "",
            "reader_name": reader_name,
            "vehicle": hit.vehicle,
            "vehicle_color": "",
            "vehicle_make": "",
            "vehicle_model": "",
            "vehicle_type": "",
            "image_ref": hit.image_ref,
        }
    return {
        "purged": False,
        "plate": read.plate,
        "plate_raw": read.plate_raw,
        "state": read.state,
        "confidence": read.confidence,
        "read_at": read.read_at,
        "lat": read.location.y if read.location else None,
        "lon": read.location.x if read.location else None,
        "direction": read.direction,
        "reader_name": reader_name,
        "vehicle": hit.vehicle,
        "vehicle_color": read.vehicle_color,
        "vehicle_make": read.vehicle_make,
        "vehicle_model": read.vehicle_model,
        "vehicle_type": read.vehicle_type,
        "image_ref": read.image_ref,
    }


class HitRejectIn(serializers.Serializer):
    reason = serializers.ChoiceField(choices=RejectReason.choices)


class HitOutcomeIn(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=HitOutcome.choices)


class HitFeatureOut(GeoFeatureModelSerializer):
    """A hit on the map. Unverified hits reach only their distribution; `status` tells them apart."""

    hotlist_name = serializers.CharField(source="hotlist.name", read_only=True)
    reason = serializers.CharField(source="entry.reason", read_only=True)
    reader_name = serializers.SerializerMethodField()

    class Meta:
        model = Hit
        geo_field = "location"
        fields = (
            "id",
            "status",
            "kind",
            "priority",
            "plate",
            "state",
            "hotlist_name",
            "reason",
            "reader_name",
            "read_at",
            "retroactive",
            "outcome",
        )

    def get_reader_name(self, obj: Hit) -> str:
        return obj.reader.name if obj.reader else ""


class ReaderFeatureOut(GeoFeatureModelSerializer):
    class Meta:
        model = Reader
        geo_field = "location"
        fields = ("id", "name", "kind", "direction", "status")
