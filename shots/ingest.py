"""Shots-fired feed: the published record schema and the batch handler for the pipeline."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from rest_framework import serializers

from feeds.models import Feed
from feeds.pipeline import HandlerResult, RecordFailure
from shots import services
from shots.choices import DetectionType, ReviewStatus


class ShotsRecordSerializer(serializers.Serializer):
    """One detection as a sensor vendor sends it (see docs/feeds.md)."""

    external_id = serializers.CharField(max_length=64, help_text="The vendor's detection id.")
    detected_at = serializers.DateTimeField(help_text="ISO 8601; without offset, the agency time zone.")
    latitude = serializers.FloatField(min_value=-90, max_value=90)
    longitude = serializers.FloatField(min_value=-180, max_value=180)
    rounds = serializers.IntegerField(min_value=0, max_value=1000, required=False, allow_null=True)
    type = serializers.ChoiceField(choices=DetectionType.choices)
    confidence = serializers.FloatField(min_value=0, max_value=1, required=False, allow_null=True)
    review_status = serializers.ChoiceField(choices=ReviewStatus.choices, required=False)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True)
    district = serializers.CharField(max_length=16, required=False, allow_blank=True)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().to_internal_value(data)

    def validate_detected_at(self, value: Any) -> Any:
        if value > timezone.now() + timedelta(seconds=settings.RTCC_INGEST_MAX_FUTURE_SECONDS):
            raise serializers.ValidationError(
                f"More than {settings.RTCC_INGEST_MAX_FUTURE_SECONDS} s in the future (sender's clock?)."
            )
        return value


class ShotsBatchSerializer(serializers.Serializer):
    """Request body of POST /api/v1/ingest/shots/ (documentation; validation is per record)."""

    records = ShotsRecordSerializer(many=True)


def shots_records_process(*, feed: Feed, records: list[dict[str, Any]]) -> HandlerResult:
    """Pipeline handler: validate again, then upsert detections with their incidents and alerts."""
    result = HandlerResult()
    valid: list[dict[str, Any]] = []
    for index, record in enumerate(records):
        serializer = ShotsRecordSerializer(data=record)
        if serializer.is_valid():
            valid.append(dict(serializer.validated_data))
            result.saw(serializer.validated_data["detected_at"])
        else:
            external_id = str(record.get("external_id", "")) if isinstance(record, dict) else ""
            result.failures.append(RecordFailure(index, external_id, f"invalid record: {serializer.errors}"))
    services.shots_upsert(source=feed.slug, items=valid)
    result.processed = len(valid)
    return result
