"""Shots-fired feed: the published record schema and the batch handler for the pipeline."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from feeds.models import Feed
from feeds.pipeline import HandlerResult, validate_records
from feeds.records import FeedRecordSerializer, reject_future
from shots import services
from shots.choices import DetectionType, ReviewStatus


class ShotsRecordSerializer(FeedRecordSerializer):
    """One detection as a sensor vendor sends it (see docs/feeds.md)."""

    external_id = serializers.CharField(max_length=64, help_text="The vendor's detection id.")
    detected_at = serializers.DateTimeField(
        validators=[reject_future], help_text="ISO 8601; without offset, the agency time zone."
    )
    latitude = serializers.FloatField(min_value=-90, max_value=90)
    longitude = serializers.FloatField(min_value=-180, max_value=180)
    rounds = serializers.IntegerField(min_value=0, max_value=1000, required=False, allow_null=True)
    type = serializers.ChoiceField(choices=DetectionType.choices)
    confidence = serializers.FloatField(min_value=0, max_value=1, required=False, allow_null=True)
    review_status = serializers.ChoiceField(choices=ReviewStatus.choices, required=False)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True)
    district = serializers.CharField(max_length=16, required=False, allow_blank=True)


class ShotsBatchSerializer(serializers.Serializer):
    """Request body of POST /api/v1/ingest/shots/ (documentation; validation is per record)."""

    records = ShotsRecordSerializer(many=True)


def shots_records_process(*, feed: Feed, records: list[dict[str, Any]]) -> HandlerResult:
    """Pipeline handler: validate again, then upsert detections with their incidents and alerts."""
    result = HandlerResult()
    valid = [data for _, data in validate_records(records, ShotsRecordSerializer, result)]
    for data in valid:
        result.saw(data["detected_at"])
    services.shots_upsert(source=feed.slug, items=valid)
    result.processed = len(valid)
    return result
